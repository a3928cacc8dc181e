/// Path arithmetic for the configuration: purely lexical (no symlinks followed, no `~`), so a
/// path means the same thing whether or not it exists yet.
enum ConfigurationPaths {
    /// `path` made absolute against `directory` (itself absolute), with `.` and `..` removed.
    static func resolve(_ path: String, against directory: String) -> String {
        normalize(path.hasPrefix("/") ? path : directory + "/" + path)
    }

    /// The directory holding `file` (absolute), or `directory` itself for a bare name.
    static func directory(of file: String, workingDirectory: String) -> String {
        let absolute = resolve(file, against: workingDirectory)
        guard let slash = absolute.lastIndex(of: "/"), slash != absolute.startIndex else { return "/" }
        return String(absolute[..<slash])
    }

    /// `/a/./b//c/../d` → `/a/b/d`; a `..` above the root stays at the root.
    static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            switch part {
            case ".": continue
            case "..": _ = parts.popLast()
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }
}
