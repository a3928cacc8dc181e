import Foundation

/// Dates as post files write them: RFC 3339 with a time zone offset, such as
/// `2026-06-21T18:00:00+02:00`. Parsed by hand from the text written, so a YAML timestamp
/// keeps its offset and nothing depends on the machine's locale or time zone.
///
/// Also accepted, because people write them and they are unambiguous: a space or a
/// lowercase `t` instead of `T`, no seconds (`18:00+02:00`), a space before the offset,
/// and fractions of a second.
enum PostDate {
    enum Failure: Error, Equatable {
        /// A day without a time (`2026-06-21`).
        case noTime
        /// A day and a time without an offset: which 18:00?
        case noTimeZone
        /// A day or time that does not exist (`2026-02-30`, `25:00`).
        case impossible
        /// Not a date in this form at all.
        case malformed
    }

    static func parse(_ text: String) -> Result<Date, Failure> {
        var reader = Reader(Array(text.utf8))
        guard let year = reader.number(digits: 4), reader.skip("-"),
              let month = reader.number(digits: 2), reader.skip("-"),
              let day = reader.number(digits: 2) else { return .failure(.malformed) }
        if reader.atEnd { return .failure(.noTime) }
        guard reader.skip("T") || reader.skip("t") || reader.skip(" "),
              let hour = reader.number(digits: 2), reader.skip(":"),
              let minute = reader.number(digits: 2) else { return .failure(.malformed) }
        var second = 0.0
        if reader.skip(":") {
            guard let whole = reader.number(digits: 2) else { return .failure(.malformed) }
            second = Double(whole)
            if reader.skip("."), let fraction = reader.fraction() { second += fraction }
        }
        while reader.skip(" ") {}
        if reader.atEnd { return .failure(.noTimeZone) }
        var offsetMinutes = 0
        if !(reader.skip("Z") || reader.skip("z")) {
            let sign: Int
            if reader.skip("+") { sign = 1 } else if reader.skip("-") { sign = -1 } else { return .failure(.malformed) }
            guard let hours = reader.number(digits: 2), reader.skip(":"), let minutes = reader.number(digits: 2) else {
                return .failure(.malformed)
            }
            guard hours < 24, minutes < 60 else { return .failure(.impossible) }
            offsetMinutes = sign * (hours * 60 + minutes)
        }
        guard reader.atEnd else { return .failure(.malformed) }
        guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
              hour < 24, minute < 60, second < 61 else { return .failure(.impossible) }
        let days = daysSinceEpoch(year: year, month: month, day: day)
        let seconds = Double(days * 86_400 + hour * 3_600 + minute * 60 - offsetMinutes * 60) + second
        return .success(Date(timeIntervalSince1970: seconds))
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to a day of the proleptic Gregorian calendar.
    private static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private struct Reader {
        let bytes: [UInt8]
        var index = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { index == bytes.count }

        mutating func skip(_ character: Character) -> Bool {
            guard index < bytes.count, let ascii = character.asciiValue, bytes[index] == ascii else { return false }
            index += 1
            return true
        }

        mutating func number(digits: Int) -> Int? {
            guard index + digits <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[index..<(index + digits)] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            index += digits
            return value
        }

        mutating func fraction() -> Double? {
            var value = 0.0
            var scale = 0.1
            let start = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
                value += Double(bytes[index] - UInt8(ascii: "0")) * scale
                scale /= 10
                index += 1
            }
            return index > start ? value : nil
        }
    }
}
