extension StringProtocol {
    /// The text without spaces and tabs at either end: what Foundation's
    /// `trimmingCharacters(in: .whitespaces)` removes (tab and Unicode's space separators,
    /// such as the no-break space), without its round trip through NSString, which cost more
    /// than reading the rest of a post's fields. Line breaks are kept.
    public func trimmingSpaces() -> String {
        func isSpace(_ scalar: Unicode.Scalar) -> Bool {
            scalar == "\t" || scalar.properties.generalCategory == .spaceSeparator
        }
        let scalars = Substring(self).unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }), let last = scalars.lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(scalars[first...last])
    }
}
