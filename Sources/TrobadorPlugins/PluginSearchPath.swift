import Foundation
import TOMLKit
import TrobadorCore

/// Where plugin folders are looked for, in SPEC's order; a later directory's plugin replaces
/// an earlier one of the same type name (a local `/etc/trobador/plugins/mattermost` replaces
/// the shipped one without editing it).
///
/// 1. the plugins that ship with Trobador: `$TROBADOR_PLUGINS_DIR` when set (empty: none),
///    else `plugins/` of the source checkout the running binary was built in (the first
///    directory above the executable holding both `Package.swift` and `plugins/`);
/// 2. `/usr/share/trobador/plugins` (where packages install them);
/// 3. `/etc/trobador/plugins` (the administrator's own);
/// 4. the configuration's `plugin_dirs`, in order.
public struct PluginSearchPath: Sendable, Equatable {
    public struct Directory: Sendable, Equatable {
        public var path: String
        /// Named in `plugin_dirs`: a missing one is worth a warning; the standard ones often are absent.
        public var configured: Bool

        public init(path: String, configured: Bool) {
            self.path = path
            self.configured = configured
        }
    }

    public var directories: [Directory]

    public init(directories: [Directory]) { self.directories = directories }

    public static let environmentVariable = "TROBADOR_PLUGINS_DIR"
    public static let systemDirectories = ["/usr/share/trobador/plugins", "/etc/trobador/plugins"]

    /// SPEC's search path for a binary at `executablePath` with these `plugin_dirs`.
    public static func standard(
        configured: [String], environment: [String: String] = ProcessInfo.processInfo.environment,
        executablePath: String = Self.runningExecutable
    ) -> PluginSearchPath {
        var directories: [Directory] = []
        if let bundled = bundledDirectory(environment: environment, executablePath: executablePath) {
            directories.append(Directory(path: bundled, configured: false))
        }
        directories += systemDirectories.map { Directory(path: $0, configured: false) }
        directories += configured.map { Directory(path: $0, configured: true) }
        return PluginSearchPath(directories: directories)
    }

    static func bundledDirectory(environment: [String: String], executablePath: String) -> String? {
        if let explicit = environment[environmentVariable] { return explicit.isEmpty ? nil : explicit }
        var directory = (executablePath as NSString).deletingLastPathComponent
        while directory.count > 1 {
            let manager = FileManager.default
            if manager.fileExists(atPath: directory + "/Package.swift"), manager.fileExists(atPath: directory + "/plugins") {
                return directory + "/plugins"
            }
            directory = (directory as NSString).deletingLastPathComponent
        }
        return nil
    }

    /// The running binary, symbolic links resolved.
    public static var runningExecutable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// `plugin_dirs` of the configuration file `source` names, resolved against its directory,
    /// read before the configuration itself, whose channels may use the plugins' types. A file
    /// that does not parse gives none here; the configuration loader reports why.
    public static func configuredDirectories(
        in source: ConfigurationSource, workingDirectory: String = FileManager.default.currentDirectoryPath
    ) -> [String] {
        guard case .file(let path) = source,
              let data = FileManager.default.contents(atPath: path),
              case .success(let table) = TOMLDocument.parse(String(decoding: data, as: UTF8.self), path: path),
              let list = table["plugin_dirs"]?.array else { return [] }
        let absolute = path.hasPrefix("/") ? path : workingDirectory + "/" + path
        let base = (absolute as NSString).deletingLastPathComponent
        return list.compactMap(\.string).map { entry in
            ((entry.hasPrefix("/") ? entry : base + "/" + entry) as NSString).standardizingPath
        }
    }

    /// A plugin folder's name is its type name: what a channel name may hold, less the dots.
    static func isValidTypeName(_ name: String) -> Bool {
        (1...64).contains(name.unicodeScalars.count) && name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-"
        }
    }

    static func isValidSettingName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }
}
