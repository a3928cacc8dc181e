import Foundation
import TrobadorChannels
import TrobadorCore

/// What every input must give, whatever its bytes: a post, or problems a person can act on
/// that point inside the file; never a crash, a hang or a problem without words. A broken
/// promise stops the process, so that libFuzzer keeps the input that broke it.
enum ParserCheck: String, CaseIterable {
    case post
    case postJSON = "post-json"
    case config

    /// Chosen by `TROBADOR_FUZZ_TARGET` (default `post`).
    static let current: ParserCheck = {
        let name = ProcessInfo.processInfo.environment["TROBADOR_FUZZ_TARGET"] ?? "post"
        guard let check = ParserCheck(rawValue: name) else {
            fatalError("TROBADOR_FUZZ_TARGET must be one of \(allCases.map(\.rawValue).joined(separator: ", ")), not \(name)")
        }
        return check
    }()

    private static let loader = ConfigurationLoader(channelTypes: BuiltinChannels.settingSpecs, environment: [:])
    /// The configuration is read from a file, as `check` and the daemon read it.
    private static let configPath: String = {
        let directory = NSTemporaryDirectory() + "/trobador-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory + "/trobador.toml"
    }()

    func run(_ bytes: [UInt8]) {
        switch self {
        case .post, .postJSON:
            let lines = Self.yamlLines(bytes)
            do {
                _ = try PostParser(rules: PostRules()).parse(bytes, format: self == .post ? .markdown : .json, defaultID: "fuzz")
            } catch {
                Self.require(!error.problems.isEmpty, "a rejection without a problem")
                for problem in error.problems {
                    Self.require(!problem.message.isEmpty, "a problem without a message")
                    if let line = problem.line { Self.require(line >= 1 && line <= lines + 1, "line \(line) of \(lines): \(problem)") }
                }
            }
        case .config:
            let lines = bytes.count(where: { $0 == UInt8(ascii: "\n") }) + 1
            // A file that could not be written would leave the previous input in its place.
            precondition(FileManager.default.createFile(atPath: Self.configPath, contents: Data(bytes)), "cannot write \(Self.configPath)")
            do throws(ConfigurationError) {
                _ = try Self.loader.load(path: Self.configPath)
            } catch {
                Self.require(!error.problems.isEmpty, "a refused configuration without a problem")
                for problem in error.problems {
                    Self.require(!problem.message.isEmpty, "a problem without a message")
                    Self.require(problem.line >= 1 && problem.line <= lines + 1, "line \(problem.line) of \(lines): \(problem)")
                }
            }
        }
    }

    /// Lines as YAML counts them (and as most editors show them): LF, CRLF and a lone CR each
    /// end one, so a post saved with old Mac line ends gets positions its author can find.
    static func yamlLines(_ bytes: [UInt8]) -> Int {
        var lines = 1
        for (index, byte) in bytes.enumerated() {
            if byte == UInt8(ascii: "\n") || (byte == UInt8(ascii: "\r") && bytes[safe: index + 1] != UInt8(ascii: "\n")) { lines += 1 }
        }
        return lines
    }

    private static func require(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { fatalError("trobador-fuzz (\(current.rawValue)): \(message())") }
    }
}

extension Array {
    fileprivate subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
