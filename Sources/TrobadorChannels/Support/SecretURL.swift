import Foundation

/// A webhook URL whose path or query carries its secret, and the form `preview` shows of it:
/// host and ids kept so the operator recognises the hook, the secret replaced by `***`.
struct SecretURL: Sendable {
    /// What requests are sent to.
    let value: String
    /// The same URL, its secret parts replaced by `***`.
    let redacted: String

    /// - Parameters:
    ///   - lastPathSegment: the last segment of the path is the token (Discord, Slack).
    ///   - queryItems: the query items whose values are tokens (Teams' `sig`).
    init(_ value: String, lastPathSegment: Bool, queryItems: Set<String> = []) {
        self.value = value
        guard var components = URLComponents(string: value) else {
            redacted = "***"
            return
        }
        if lastPathSegment {
            var segments = components.percentEncodedPath.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            if let last = segments.lastIndex(where: { !$0.isEmpty }) { segments[last] = "***" }
            components.percentEncodedPath = segments.joined(separator: "/")
        }
        if let items = components.percentEncodedQueryItems, !queryItems.isEmpty {
            components.percentEncodedQueryItems = items.map {
                queryItems.contains($0.name) ? URLQueryItem(name: $0.name, value: "***") : $0
            }
        }
        redacted = components.string ?? "***"
    }

    /// `url` as `preview` shows it: requests start with the secret URL, which is replaced.
    func redacting(_ url: String) -> String {
        url.replacingOccurrences(of: value, with: redacted)
    }
}
