import Foundation
import TrobadorCore

/// Every channel type the daemon knows, built in and from plugins, with where each comes
/// from, and what was wrong with the plugins that did not load.
public struct ChannelCatalog: Sendable {
    public enum Origin: Sendable, Equatable {
        case builtIn
        /// A plugin folder; `replaces` are the folders of the same name it overrides.
        case plugin(directory: String, replaces: [String])
    }

    public struct Entry: Sendable {
        public var type: any ChannelType
        public var origin: Origin
    }

    public private(set) var entries: [Entry]
    /// The plugins' problems, errors and warnings, each as `path:line:column: message`.
    public private(set) var problems: [ConfigurationProblem]

    public var types: [any ChannelType] { entries.map(\.type) }

    /// The errors alone: `check` fails on any.
    public var errors: [ConfigurationProblem] { problems.filter { $0.severity == .error } }

    /// The keys of each type, for the configuration loader; a broken plugin whose settings
    /// could not be read is left to `typesWithUnknownKeys`.
    public var settingSpecs: [String: [ChannelSettingSpec]] {
        var specs: [String: [ChannelSettingSpec]] = [:]
        for entry in entries {
            if let broken = entry.type as? BrokenPluginChannelType, broken.knownSettings == nil { continue }
            specs[entry.type.name] = entry.type.settings
        }
        return specs
    }

    public var typesWithUnknownKeys: Set<String> {
        Set(entries.compactMap { entry in
            (entry.type as? BrokenPluginChannelType).flatMap { $0.knownSettings == nil ? $0.name : nil }
        })
    }

    /// A configuration loader that knows every type of the catalog.
    public func loader(environment: [String: String] = ProcessInfo.processInfo.environment) -> ConfigurationLoader {
        var loader = ConfigurationLoader(channelTypes: settingSpecs, environment: environment)
        loader.typesWithUnknownKeys = typesWithUnknownKeys
        return loader
    }

    /// Reads every plugin folder of `searchPath`, after the built-in types. Reading is fast and
    /// has no side effects, so `check`, `preview` and the daemon all do it.
    public static func load(builtIns: [any ChannelType], searchPath: PluginSearchPath) -> ChannelCatalog {
        var catalog = ChannelCatalog(entries: builtIns.map { Entry(type: $0, origin: .builtIn) }, problems: [])
        var pluginProblems: [String: [ConfigurationProblem]] = [:]
        let builtInNames = Set(builtIns.map(\.name))
        for directory in searchPath.directories {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                if directory.configured {
                    catalog.problems.append(ConfigurationProblem(
                        .warning, path: directory.path, line: 1, column: 1, message: "plugin_dirs names a directory that does not exist"))
                }
                continue
            }
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
            for name in names where !name.hasPrefix(".") {
                let folder = directory.path + "/" + name
                guard FileManager.default.fileExists(atPath: folder + "/plugin.toml") else { continue }
                if builtInNames.contains(name) {
                    catalog.problems.append(ConfigurationProblem(
                        path: folder + "/plugin.toml", line: 1, column: 1,
                        message: "the plugin `\(name)` has the name of a built-in channel type, which a plugin cannot replace: rename its folder"))
                    continue
                }
                let (type, problems) = read(folder)
                let earlier = catalog.entries.firstIndex { $0.type.name == name }
                var replaces: [String] = []
                if let earlier {
                    if case .plugin(let previous, let previouslyReplaced) = catalog.entries[earlier].origin {
                        replaces = previouslyReplaced + [previous]
                        pluginProblems[previous] = nil
                    }
                    catalog.entries.remove(at: earlier)
                }
                catalog.entries.append(Entry(type: type, origin: .plugin(directory: folder, replaces: replaces)))
                pluginProblems[folder] = problems
            }
        }
        for entry in catalog.entries {
            if case .plugin(let folder, _) = entry.origin { catalog.problems += pluginProblems[folder] ?? [] }
        }
        return catalog
    }

    private static func read(_ folder: String) -> (any ChannelType, [ConfigurationProblem]) {
        let reader = PluginManifestReader(directory: folder)
        switch reader.read() {
        case .success(let (manifest, warnings)):
            return (PluginChannelType(manifest), warnings)
        case .failure(let failure):
            let broken = BrokenPluginChannelType(
                name: reader.name, directory: folder, problems: failure.problems, knownSettings: reader.settingsOnly())
            return (broken, failure.problems)
        }
    }
}
