import TrobadorCore

/// Replaces every configured secret with `***` in what a command prints: a receiver may echo
/// a token back in an error body that the state database kept.
struct Redactor {
    private let secrets: [String]

    init(_ configuration: Configuration) {
        // Longest first, so a secret containing another is replaced whole.
        secrets = configuration.channels.flatMap(\.secretValues).filter { !$0.isEmpty }.sorted { $0.count > $1.count }
    }

    func callAsFunction(_ text: String) -> String {
        secrets.reduce(text) { $0.replacingOccurrences(of: $1, with: "***") }
    }
}
