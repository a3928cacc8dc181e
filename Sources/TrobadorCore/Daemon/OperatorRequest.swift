import Foundation

/// A request from an operator command (`trobador retry`) to the running daemon, dropped as a
/// small JSON file into `spool/control/`. The daemon watches that directory, applies each
/// request within a second, and removes the file; a request dropped while the daemon is down
/// waits there and is applied at the next start. The daemon stays the only writer of the state.
public struct OperatorRequest: Codable, Sendable, Equatable {
    public enum Command: String, Codable, Sendable {
        /// Queue failed or uncertain deliveries again.
        case retry
    }

    public var command: Command
    public var post: String
    public var channel: String?

    public init(command: Command, post: String, channel: String?) {
        self.command = command
        self.post = post
        self.channel = channel
    }

    /// Writes the request into `control/` whole; returns its path.
    public func drop(into spool: Spool) throws -> String {
        try FileManager.default.createDirectory(atPath: spool.control, withIntermediateDirectories: true)
        let name = "\(command.rawValue)-\(post)-\(UInt64(Date().timeIntervalSince1970 * 1000))-\(getpid()).json"
        let path = spool.control + "/" + name
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try Spool.writeDurably(Array(try encoder.encode(self)), to: path, mode: 0o664)
        return path
    }
}
