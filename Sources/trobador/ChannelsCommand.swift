import ArgumentParser
import TrobadorChannels
import TrobadorCore
import TrobadorPlugins

struct ChannelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "channels", abstract: "The channel types and the configured channels, with their capabilities.",
        discussion: "Types come from Trobador itself (built in) or from plugin folders, each shown with where it comes from.")

    @OptionGroup var config: ConfigOption

    func run() async throws {
        let (configuration, catalog) = try config.loadWithChannelTypes()
        print("Channel types:")
        for entry in catalog.entries {
            let type = entry.type
            let caps = type.capabilities
            var can: [String] = [caps.formatting.rawValue]
            if let limit = caps.maxLength { can.append("max \(limit)") }
            if caps.edit { can.append("edit") }
            if caps.replacesOnUpdate { can.append("update by delete and republish") }
            if caps.delete { can.append("delete") }
            if caps.media { can.append("media") }
            if caps.threads { can.append("threads") }
            switch caps.idempotency {
            case .none: can.append("no idempotency")
            case .key(let name): can.append("idempotent (\(name))")
            case .overwrite: can.append("idempotent (overwrite)")
            }
            print("  \(type.name): \(type.summary)")
            switch entry.origin {
            case .builtIn:
                print("    from: built in")
            case .plugin(let directory, let replaces):
                print("    from: plugin \(directory)" + (replaces.isEmpty ? "" : " (replaces \(replaces.joined(separator: ", ")))"))
            }
            if !(type is BrokenPluginChannelType) { print("    can: \(can.joined(separator: ", "))") }
            for setting in type.settings {
                print("    \(setting.key)\(setting.required ? " (required)" : "")\(setting.secret ? " (secret)" : ""): \(setting.help)")
            }
        }
        print("\nConfigured channels (\(configuration.sourcePath ?? "embedded default")):")
        for channel in configuration.channels {
            let tags = channel.tags.isEmpty ? "" : " tags=\(channel.tags.joined(separator: ","))"
            print("  \(channel.name): \(channel.type)\(channel.enabled ? "" : " (disabled)")\(tags)")
        }
    }
}
