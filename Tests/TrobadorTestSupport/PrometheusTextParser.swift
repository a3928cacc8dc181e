import Foundation

/// A strict reader of Prometheus' text exposition format (version 0.0.4), as node_exporter's
/// textfile collector applies it: every sample belongs to a family declared by `# TYPE` before
/// it, names and labels are well formed, values are numbers, no timestamps, and histograms
/// have rising `le` buckets ending in `+Inf`, whose count equals `_count`.
public struct PrometheusTextParser {
    public struct Sample: Sendable, Equatable {
        public var name: String
        public var labels: [String: String]
        public var value: Double
    }

    public struct Failure: Error, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    public private(set) var types: [String: String] = [:]
    public private(set) var samples: [Sample] = []

    public init(_ text: String) throws {
        guard text.hasSuffix("\n") else { throw Failure(line: 0, message: "the text must end with a newline") }
        for (offset, line) in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().enumerated() {
            let number = offset + 1
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                guard parts.count == 4, Self.isName(parts[2]), ["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[3]) else {
                    throw Failure(line: number, message: "bad TYPE line: \(line)")
                }
                guard types[String(parts[2])] == nil else { throw Failure(line: number, message: "\(parts[2]) declared twice") }
                types[String(parts[2])] = String(parts[3])
            } else if line.hasPrefix("#") || line.isEmpty {
                continue
            } else {
                samples.append(try Self.sample(line, number: number, types: types))
            }
        }
        try checkHistograms()
    }

    /// The value of the one sample with `name` and exactly `labels`.
    public func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }

    static func isName(_ text: Substring) -> Bool {
        guard let first = text.unicodeScalars.first, first == "_" || first == ":" || ("a"..."z").contains(first) || ("A"..."Z").contains(first) else {
            return false
        }
        return text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == ":" }
    }

    private static func sample(_ line: Substring, number: Int, types: [String: String]) throws -> Sample {
        let nameEnd = line.firstIndex { $0 == "{" || $0 == " " } ?? line.endIndex
        let name = line[..<nameEnd]
        guard isName(name) else { throw Failure(line: number, message: "bad metric name in: \(line)") }
        let family = ["_bucket", "_sum", "_count"].first { name.hasSuffix($0) && types[String(name.dropLast($0.count))] == "histogram" }
            .map { String(name.dropLast($0.count)) } ?? String(name)
        guard types[family] != nil else { throw Failure(line: number, message: "\(name) has no # TYPE before it") }
        var rest = line[nameEnd...]
        var labels: [String: String] = [:]
        if rest.first == "{" {
            rest = rest.dropFirst()
            while rest.first != "}" {
                guard let equal = rest.firstIndex(of: "="), isName(rest[..<equal]), rest[rest.index(after: equal)...].first == "\"" else {
                    throw Failure(line: number, message: "bad label in: \(line)")
                }
                let key = String(rest[..<equal])
                rest = rest[rest.index(equal, offsetBy: 2)...]
                var value = ""
                while let character = rest.first, character != "\"" {
                    rest = rest.dropFirst()
                    if character == "\\" {
                        guard let escaped = rest.first else { break }
                        rest = rest.dropFirst()
                        switch escaped {
                        case "n": value.append("\n")
                        case "\\", "\"": value.append(escaped)
                        default: throw Failure(line: number, message: "bad escape in: \(line)")
                        }
                    } else {
                        value.append(character)
                    }
                }
                guard rest.first == "\"", labels[key] == nil else { throw Failure(line: number, message: "bad label value in: \(line)") }
                labels[key] = value
                rest = rest.dropFirst()
                if rest.first == "," { rest = rest.dropFirst() }
            }
            rest = rest.dropFirst()
        }
        let fields = rest.split(separator: " ")
        guard fields.count == 1 else {
            throw Failure(line: number, message: "a textfile sample is a value alone, without a timestamp: \(line)")
        }
        let text = String(fields[0])
        guard let value = Double(text) ?? ["+Inf": .infinity, "-Inf": -.infinity, "NaN": .nan][text] else {
            throw Failure(line: number, message: "not a number: \(text)")
        }
        return Sample(name: String(name), labels: labels, value: value)
    }

    private func checkHistograms() throws {
        for (family, type) in types where type == "histogram" {
            let buckets = samples.filter { $0.name == family + "_bucket" }
            let series = Dictionary(grouping: buckets) { $0.labels.filter { $0.key != "le" } }
            for (labels, samples) in series {
                let bounds = samples.map { $0.labels["le"].flatMap { Double($0) ?? ($0 == "+Inf" ? .infinity : nil) } }
                guard bounds.allSatisfy({ $0 != nil }), bounds.last == .infinity, bounds == bounds.sorted(by: { $0! < $1! }) else {
                    throw Failure(line: 0, message: "\(family)\(labels): buckets must rise and end with le=\"+Inf\"")
                }
                let counts = samples.map(\.value)
                guard counts == counts.sorted(), counts.last == value(family + "_count", labels), value(family + "_sum", labels) != nil else {
                    throw Failure(line: 0, message: "\(family)\(labels): bucket counts must be cumulative and end at _count")
                }
            }
        }
    }
}
