import Foundation
import Testing
@testable import TrobadorCore

/// A fresh directory under the system's temporary directory, removed when released.
final class PostTemporaryDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "trobador-post-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Writes `bytes` at `name` (relative), creating folders; returns the full path.
    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let full = path + "/" + name
        let folder = (full as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: full))
        return full
    }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        try write(name, Array(text.utf8))
    }

    @discardableResult
    func folder(_ name: String) throws -> String {
        let full = path + "/" + name
        try FileManager.default.createDirectory(atPath: full, withIntermediateDirectories: true)
        return full
    }

    @discardableResult
    func symlink(_ name: String, to destination: String) throws -> String {
        let full = path + "/" + name
        try FileManager.default.createSymbolicLink(atPath: full, withDestinationPath: destination)
        return full
    }
}

/// Parses `text`, expecting success.
func parsePost(_ text: String, format: PostFormat = .markdown, id: String = "test-post",
               rules: PostRules = PostRules()) throws -> Post {
    try PostParser(rules: rules).parse(Array(text.utf8), format: format, defaultID: id)
}

/// Parses `text`, expecting a rejection; nil when it was accepted.
func rejectPost(_ text: String, format: PostFormat = .markdown, id: String = "test-post",
                rules: PostRules = PostRules()) -> PostRejection? {
    do {
        _ = try PostParser(rules: rules).parse(Array(text.utf8), format: format, defaultID: id)
        return nil
    } catch {
        return error
    }
}

/// Loads the inbox entry at `path`, expecting a rejection; nil when it was accepted.
func rejectEntry(_ path: String, rules: PostRules = PostRules()) -> PostRejection? {
    do {
        _ = try PostParser(rules: rules).load(entry: path)
        return nil
    } catch {
        return error
    }
}

/// The first problem about `field`, for assertions on its position and words.
func problem(_ rejection: PostRejection?, field: String?) throws -> PostProblem {
    let rejection = try #require(rejection, "the post was accepted")
    return try #require(rejection.problems.first { $0.field == field }, "no problem for \(field ?? "nil") in \(rejection)")
}

/// Seconds since 1970 of an RFC 3339 date, computed by Foundation for comparison.
func referenceDate(_ text: String) throws -> Date {
    let formatter = ISO8601DateFormatter()
    return try #require(formatter.date(from: text))
}

/// The bytes that open a PNG file, enough for type sniffing.
let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D]
