import Foundation

/// The line that says when and where an event happens, written the way French readers
/// expect: `📅 21 juin 2026, 18:00 – 01:00 · Place du Capitole, Toulouse`.
///
/// Dates are stored as instants; they are shown in `timeZone` (Europe/Paris by default: the
/// offset written in the post file is not kept, and the audience lives there). An end within
/// 24 hours shows its time only (a concert until 1 a.m.); a later end shows its date too. An
/// event starting at midnight with no end, or ending at midnight, is a whole-day event: dates
/// only. Months are in French, Occitan (`lang: oc`) or English (`lang: en`).
public struct EventLine: Sendable {
    public var timeZone: TimeZone
    public var language: String?

    public init(timeZone: TimeZone = EventLine.defaultTimeZone, language: String? = nil) {
        self.timeZone = timeZone
        self.language = language
    }

    /// Europe/Paris, or the system's zone where the time zone database lacks it.
    public static var defaultTimeZone: TimeZone {
        TimeZone(identifier: "Europe/Paris") ?? .current
    }

    public func text(for event: PostEvent) -> String {
        var line = "📅 " + when(event)
        if let location = event.location?.trimmingCharacters(in: .whitespacesAndNewlines), !location.isEmpty {
            line += " · " + location
        }
        return line
    }

    private func when(_ event: PostEvent) -> String {
        let start = parts(of: event.start)
        guard let endDate = event.end, endDate > event.start else {
            return start.isMidnight ? date(start) : date(start) + ", " + time(start)
        }
        let end = parts(of: endDate)
        if start.isMidnight, end.isMidnight {
            // A whole-day event ends at the midnight after its last day.
            let lastDay = parts(of: endDate.addingTimeInterval(-1))
            return lastDay.sameDay(as: start) ? date(start) : date(start) + " – " + date(lastDay)
        }
        if endDate.timeIntervalSince(event.start) < 24 * 3600 {
            return date(start) + ", " + time(start) + " – " + time(end)
        }
        return date(start) + ", " + time(start) + " – " + date(end) + ", " + time(end)
    }

    private struct Parts {
        var year: Int, month: Int, day: Int, hour: Int, minute: Int
        var isMidnight: Bool { hour == 0 && minute == 0 }
        func sameDay(as other: Parts) -> Bool { (year, month, day) == (other.year, other.month, other.day) }
    }

    private func parts(of date: Date) -> Parts {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let components = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return Parts(
            year: components.year ?? 0, month: components.month ?? 1, day: components.day ?? 1,
            hour: components.hour ?? 0, minute: components.minute ?? 0
        )
    }

    private func time(_ parts: Parts) -> String {
        String(format: "%02d:%02d", parts.hour, parts.minute)
    }

    private func date(_ parts: Parts) -> String {
        switch language?.lowercased().prefix(2) {
        case "oc":
            let month = Self.occitanMonths[parts.month - 1]
            let of = "aeiouàèéòó".contains(month.first ?? " ") ? "d'" : "de "
            return "\(parts.day) \(of)\(month) de \(parts.year)"
        case "en":
            return "\(parts.day) \(Self.englishMonths[parts.month - 1]) \(parts.year)"
        default:
            let day = parts.day == 1 ? "1er" : String(parts.day)
            return "\(day) \(Self.frenchMonths[parts.month - 1]) \(parts.year)"
        }
    }

    private static let frenchMonths = [
        "janvier", "février", "mars", "avril", "mai", "juin",
        "juillet", "août", "septembre", "octobre", "novembre", "décembre",
    ]
    private static let occitanMonths = [
        "genièr", "febrièr", "març", "abril", "mai", "junh",
        "julhet", "agost", "setembre", "octòbre", "novembre", "decembre",
    ]
    private static let englishMonths = [
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ]
}
