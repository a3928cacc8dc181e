/// The value syntaxes `trobador.toml` uses beyond TOML's own types: durations (`"1h30m"`),
/// sizes (`"512KiB"`) and rates (`"300/5m"`). Plugins and the command line parse them the same way.
public enum ConfigValueSyntax {
    /// Why a value could not be read; the message says what is expected, with examples.
    public struct Failure: Error, Sendable, Equatable {
        public var message: String
    }

    /// A positive duration: one or more `<integer><unit>` parts, units `d`, `h`, `m`, `s`, `ms`,
    /// largest first, each at most once: `"90s"`, `"30m"`, `"48h"`, `"2d"`, `"1h30m"`, `"250ms"`.
    public static func duration(_ text: String) throws(Failure) -> Duration {
        let failure = Failure(message:
            "`\(text)` is not a duration: write a whole number and a unit (d, h, m, s, ms), such as \"90s\", \"30m\", \"48h\" or \"1h30m\"")
        let units: [(name: String, milliseconds: Int64)] = [
            ("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1),
        ]
        var rest = Substring(text.trimmingSpaces())
        var total: Int64 = 0
        var lastUnit = -1
        guard !rest.isEmpty else { throw failure }
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            rest = rest.dropFirst(digits.count)
            let unitText = rest.prefix { $0.isASCII && $0.isLetter }
            rest = rest.dropFirst(unitText.count)
            guard let number = Int64(digits),
                  let unit = units.firstIndex(where: { $0.name == unitText.lowercased() }),
                  unit > lastUnit
            else { throw failure }
            lastUnit = unit
            let (part, overflowA) = number.multipliedReportingOverflow(by: units[unit].milliseconds)
            let (sum, overflowB) = total.addingReportingOverflow(part)
            guard !overflowA, !overflowB else { throw Failure(message: "`\(text)` is too long a duration") }
            total = sum
        }
        guard total > 0 else { throw Failure(message: "`\(text)`: the duration must be longer than zero") }
        return .milliseconds(total)
    }

    /// A size in bytes: `"1MiB"`, `"512KiB"`, `"2GiB"` (powers of 1024), `"1MB"`, `"500kB"`
    /// (powers of 1000), `"300B"` or `"4096"`. Units are case-insensitive; a space may separate them.
    public static func size(_ text: String) throws(Failure) -> Int {
        let failure = Failure(message:
            "`\(text)` is not a size: write a whole number of bytes or a number and a unit (B, KiB, MiB, GiB, kB, MB, GB), such as \"512KiB\" or \"1MiB\"")
        let units: [String: Int] = [
            "": 1, "b": 1, "kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30,
            "kb": 1000, "mb": 1_000_000, "gb": 1_000_000_000,
        ]
        let trimmed = text.trimmingSpaces()
        let digits = trimmed.prefix { $0.isASCII && $0.isNumber }
        let unitText = trimmed.dropFirst(digits.count).trimmingSpaces().lowercased()
        guard let number = Int(digits), let multiplier = units[unitText] else { throw failure }
        let (bytes, overflow) = number.multipliedReportingOverflow(by: multiplier)
        guard !overflow else { throw Failure(message: "`\(text)` is too large a size") }
        return bytes
    }

    /// A rate: `<count>/<period>`, the period a duration, or a bare unit meaning one of it:
    /// `"1/s"`, `"300/5m"`, `"10/1h"`, `"1000/d"`.
    public static func rate(_ text: String) throws(Failure) -> Rate {
        let failure = Failure(message:
            "`\(text)` is not a rate: write a count of requests, a slash and a period, such as \"1/s\", \"300/5m\" or \"10/1h\"")
        let parts = text.trimmingSpaces().split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let count = Int(parts[0].trimmingSpaces()), count > 0 else { throw failure }
        var periodText = parts[1].trimmingSpaces()
        if periodText.first?.isLetter == true { periodText = "1" + periodText }
        let period: Duration
        do {
            period = try duration(periodText)
        } catch {
            throw failure
        }
        return Rate(count: count, period: period)
    }

    /// A duration written the way `duration(_:)` reads it: `"1h30m"`, `"5s"`, `"250ms"`.
    public static func text(for duration: Duration) -> String {
        var milliseconds = Int64(duration.components.seconds) * 1000
            + duration.components.attoseconds / 1_000_000_000_000_000
        guard milliseconds > 0 else { return "0s" }
        var text = ""
        for (name, size) in [("d", Int64(86_400_000)), ("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1)]
        where milliseconds >= size {
            text += "\(milliseconds / size)\(name)"
            milliseconds %= size
        }
        return text
    }
}
