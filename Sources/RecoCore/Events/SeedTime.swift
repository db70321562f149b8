import Foundation

/// The seed's `current_time`, as every pandas `to_json` writes it: an epoch number in any
/// `date_unit` (s, ms, us, ns) or an ISO 8601 string (`date_format="iso"`, which pandas warns
/// will become the default). Times outside `plausible` are refused, so that a misread unit is a
/// dead letter instead of a row dated 1970.
public enum SeedTime {
    /// Watch times this pipeline accepts: from 1990 (before any rating data set) to a day ahead
    /// of this machine's clock (clock skew between producer and consumer).
    public static func plausible(now: Date = Date()) -> ClosedRange<Date> {
        Date(timeIntervalSince1970: 631_152_000)...now.addingTimeInterval(86_400)
    }

    /// Seconds since 1970 from an epoch number, choosing the unit as pandas' `read_json` does:
    /// the first of s, ms, us, ns that gives a time pandas can hold (before 2262-04-11).
    public static func epoch(_ value: Double) -> Double? {
        guard value.isFinite, value > 0 else { return nil }
        for perSecond in [1.0, 1e3, 1e6, 1e9] where value / perSecond < 9_223_372_036.854_775 {
            return value / perSecond
        }
        return nil
    }

    /// Seconds since 1970 from `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS[.fraction]]` (`T` or a space),
    /// with `Z`, `±HH:MM`, `±HHMM` or no zone (then UTC, as pandas writes naive times).
    public static func iso8601(_ text: String) -> Double? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 10, bytes.count <= 64 else { return nil }
        var index = 0
        func digits(_ count: Int) -> Int? {
            guard index + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[index..<(index + count)] {
                let digit = byte &- UInt8(ascii: "0")
                guard digit < 10 else { return nil }
                value = value * 10 + Int(digit)
            }
            index += count
            return value
        }
        func skip(_ character: Character) -> Bool {
            guard index < bytes.count, bytes[index] == character.asciiValue else { return false }
            index += 1
            return true
        }
        guard let year = digits(4), skip("-"), let month = digits(2), skip("-"), let day = digits(2),
              let days = CivilDate.daysSinceEpoch(year: year, month: month, day: day) else { return nil }
        var seconds = Double(days) * 86_400
        guard index < bytes.count else { return seconds }
        guard skip("T") || skip("t") || skip(" "), let hour = digits(2), hour < 24, skip(":"), let minute = digits(2), minute < 60 else { return nil }
        seconds += Double(hour * 3600 + minute * 60)
        if skip(":") {
            guard let second = digits(2), second <= 60 else { return nil }
            seconds += Double(second)
            if skip(".") || skip(",") {
                var scale = 0.1
                let start = index
                while index < bytes.count, bytes[index] &- UInt8(ascii: "0") < 10 {
                    seconds += Double(bytes[index] &- UInt8(ascii: "0")) * scale
                    scale /= 10
                    index += 1
                }
                guard index > start else { return nil }
            }
        }
        if index == bytes.count || (index + 1 == bytes.count && (skip("Z") || skip("z"))) { return seconds }
        let sign: Double
        if skip("+") { sign = 1 } else if skip("-") { sign = -1 } else { return nil }
        guard let offsetHours = digits(2), offsetHours < 24 else { return nil }
        _ = skip(":")
        guard let offsetMinutes = digits(2), offsetMinutes < 60, index == bytes.count else { return nil }
        return seconds - sign * Double(offsetHours * 3600 + offsetMinutes * 60)
    }

    /// The time a `current_time` value names, or why it names none.
    public static func date(from value: JSONValue, now: Date = Date()) throws(EventError) -> Date {
        let seconds: Double
        if let number = value.number {
            guard let converted = epoch(number) else { throw EventError(.invalidValue, "current_time is not a time: \(number)") }
            seconds = converted
        } else if let text = value.string {
            guard let converted = iso8601(text) else {
                throw EventError(.invalidValue, "current_time is not an ISO 8601 time: '\(text.prefix(40))'")
            }
            seconds = converted
        } else {
            throw EventError(.invalidValue, "current_time must be an epoch number or an ISO 8601 string")
        }
        let date = Date(timeIntervalSince1970: seconds)
        let window = plausible(now: now)
        guard window.contains(date) else {
            throw EventError(.invalidValue, "current_time \(WatchEvent.timestamp(date)) is outside \(WatchEvent.timestamp(window.lowerBound)) … \(WatchEvent.timestamp(window.upperBound)) (wrong date unit?)")
        }
        return date
    }
}
