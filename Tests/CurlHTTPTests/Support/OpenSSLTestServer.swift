import Foundation

/// `openssl s_server` on 127.0.0.1 with a fresh self-signed certificate for 127.0.0.1,
/// answering every HTTPS request with a small page (`-www`). The TLS tests need a real
/// handshake, which the plain-HTTP servers cannot give.
final class OpenSSLTestServer {
    static let executable = "/usr/bin/openssl"
    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: executable) }

    let port: UInt16
    /// The server's certificate in PEM: the CA bundle that makes a client trust it.
    let certificatePath: String
    private let directory: URL
    private let process: Process

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("trobador-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        certificatePath = directory.appendingPathComponent("cert.pem").path
        let keyPath = directory.appendingPathComponent("key.pem").path
        try Self.run([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", keyPath, "-out", certificatePath, "-days", "2",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
        ])

        process = Process()
        process.executableURL = URL(fileURLWithPath: Self.executable)
        process.arguments = ["s_server", "-accept", "127.0.0.1:0", "-cert", certificatePath, "-key", keyPath, "-www"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // s_server prints "ACCEPT 127.0.0.1:PORT" once it listens.
        var printed = ""
        while !printed.contains("\n") || !printed.contains("ACCEPT") {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { break }
            printed += String(decoding: chunk, as: UTF8.self)
        }
        guard let line = printed.split(separator: "\n").first(where: { $0.hasPrefix("ACCEPT") }),
            let port = line.split(separator: ":").last.flatMap({ UInt16($0) })
        else {
            kill(process.processIdentifier, SIGKILL)
            throw OpenSSLTestServerError.didNotStart(printed)
        }
        self.port = port
    }

    func stop() {
        // SIGKILL, not terminate(): a child spawned from a libdispatch worker thread
        // inherits that thread's blocked signals, SIGTERM among them.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }

    private static func run(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw OpenSSLTestServerError.commandFailed(arguments) }
    }
}

enum OpenSSLTestServerError: Error {
    case commandFailed([String])
    case didNotStart(String)
}
