import Foundation

extension JSONSerialization {
    /// Compact JSON text of a dictionary, for stand-in answers.
    public static func string(_ object: [String: Any]) -> String {
        String(decoding: (try? data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8), as: UTF8.self)
    }
}
