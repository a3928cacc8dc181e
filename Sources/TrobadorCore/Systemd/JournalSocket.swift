import Foundation

/// journald's native protocol (systemd.journal-fields(7)): one datagram per entry, one
/// `FIELD=value` per line, so that every key of a log line becomes a field one can match on:
/// `journalctl -u trobador POST=fete-musique-2026` shows that post's whole story, and
/// `journalctl -u trobador CHANNEL=mastodon PRIORITY=3` one channel's errors.
///
/// Chosen over `<N>` prefixes on stderr, which carry the priority and nothing else; the
/// prefixes remain the fallback when an entry cannot be sent (see `EventLog`).
public final class JournalSocket: Sendable {
    public static let defaultPath = "/run/systemd/journal/socket"
    private let socket: UnixDatagramSocket
    private let identifier: String

    /// Nil when no socket can be made for `path`. Whether journald listens there shows at
    /// the first entry.
    public init?(path: String = JournalSocket.defaultPath, identifier: String = "trobador") {
        guard let socket = UnixDatagramSocket(address: path) else { return nil }
        self.socket = socket
        self.identifier = identifier
    }

    /// Sends one entry; false when journald did not take it (the caller writes it elsewhere).
    func send(message: String, priority: Int, fields: [(key: String, value: String)]) -> Bool {
        socket.send(Self.entry(message: message, priority: priority, identifier: identifier, fields: fields)) == 0
    }

    /// The datagram: MESSAGE, PRIORITY, SYSLOG_IDENTIFIER, then the log line's keys as fields.
    static func entry(message: String, priority: Int, identifier: String, fields: [(key: String, value: String)]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(message.utf8.count * 2 + 128)
        append("MESSAGE", message, to: &bytes)
        append("PRIORITY", String(priority), to: &bytes)
        append("SYSLOG_IDENTIFIER", identifier, to: &bytes)
        for (key, value) in fields {
            guard let name = fieldName(for: key) else { continue }
            append(name, value, to: &bytes)
        }
        return bytes
    }

    /// The journal field for a log key: `http` → `HTTP_STATUS`, `remote_id` → `REMOTE_ID`.
    /// `ts` and `level` are left out: the journal stamps each entry and has `PRIORITY`.
    static func fieldName(for key: String) -> String? {
        switch key {
        case "ts", "level": return nil
        case "http": return "HTTP_STATUS"
        case "ms": return "DURATION_MS"
        default:
            // Field names are A-Z, 0-9 and `_`, not starting with `_` (trusted fields) or a digit.
            let name = String(key.uppercased().unicodeScalars.map { scalar -> Character in
                ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) ? Character(scalar) : "_"
            })
            guard let first = name.unicodeScalars.first, ("A"..."Z").contains(first), name.count <= 64 else { return nil }
            return name
        }
    }

    /// `NAME=value\n`, or for a value holding a newline the binary form: `NAME\n`, the length
    /// as 64-bit little-endian, the value, `\n`.
    private static func append(_ name: String, _ value: String, to bytes: inout [UInt8]) {
        bytes.append(contentsOf: name.utf8)
        if value.utf8.contains(UInt8(ascii: "\n")) {
            bytes.append(UInt8(ascii: "\n"))
            withUnsafeBytes(of: UInt64(value.utf8.count).littleEndian) { bytes.append(contentsOf: $0) }
        } else {
            bytes.append(UInt8(ascii: "="))
        }
        bytes.append(contentsOf: value.utf8)
        bytes.append(UInt8(ascii: "\n"))
    }
}
