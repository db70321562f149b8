/// A fast reader of RFC 3339 timestamps (`2026-11-25T18:00:00.123Z`, `…+01:00`) for every
/// consumed event; DateFormatter costs tens of microseconds per call.
public enum RFC3339 {
    static func isValid(_ text: String) -> Bool {
        microsecondsSinceEpoch(text) != nil
    }

    /// The instant as microseconds since 1970-01-01T00:00:00Z (fractions beyond microseconds
    /// rounded to the nearest, as PostgreSQL reads them; a leap second `:60` is the next
    /// minute's first second, as PostgreSQL reads it); nil when `text` is not RFC 3339.
    public static func microsecondsSinceEpoch(_ text: String) -> Int64? {
        var text = text
        return text.withUTF8 { bytes -> Int64? in
            guard bytes.count >= 20, bytes.count <= 40 else { return nil }
            func digits(_ range: Range<Int>) -> Int? {
                var value = 0
                for index in range {
                    let digit = bytes[index] &- UInt8(ascii: "0")
                    guard digit < 10 else { return nil }
                    value = value * 10 + Int(digit)
                }
                return value
            }
            guard let year = digits(0..<4), bytes[4] == UInt8(ascii: "-"), let month = digits(5..<7), bytes[7] == UInt8(ascii: "-"),
                  let day = digits(8..<10), bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t") || bytes[10] == UInt8(ascii: " "),
                  let hour = digits(11..<13), bytes[13] == UInt8(ascii: ":"), let minute = digits(14..<16), bytes[16] == UInt8(ascii: ":"),
                  let second = digits(17..<19),
                  let days = CivilDate.daysSinceEpoch(year: year, month: month, day: day), hour < 24, minute < 60, second <= 60
            else { return nil }
            var index = 19
            var micros = 0
            if bytes[index] == UInt8(ascii: ".") {
                index += 1
                let start = index
                var scale = 100_000
                var roundUp = false
                while index < bytes.count, bytes[index] &- UInt8(ascii: "0") < 10 {
                    let digit = Int(bytes[index] &- UInt8(ascii: "0"))
                    if scale > 0 {
                        micros += digit * scale
                        scale /= 10
                    } else if index - start == 6 {
                        roundUp = digit >= 5
                    }
                    index += 1
                }
                guard index > start else { return nil }
                if roundUp { micros += 1 }
            }
            guard index < bytes.count else { return nil }
            var offsetSeconds = 0
            if bytes[index] == UInt8(ascii: "Z") || bytes[index] == UInt8(ascii: "z") {
                guard index + 1 == bytes.count else { return nil }
            } else {
                // `+01:00`, or PostgreSQL's text form `+01` (whole hours).
                guard bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-"), bytes.count - index == 6 || bytes.count - index == 3,
                      let offsetHours = digits((index + 1)..<(index + 3)), offsetHours < 24 else { return nil }
                var offsetMinutes = 0
                if bytes.count - index == 6 {
                    guard bytes[index + 3] == UInt8(ascii: ":"), let minutes = digits((index + 4)..<(index + 6)), minutes < 60 else { return nil }
                    offsetMinutes = minutes
                }
                offsetSeconds = (offsetHours * 3_600 + offsetMinutes * 60) * (bytes[index] == UInt8(ascii: "-") ? -1 : 1)
            }
            let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offsetSeconds
            return Int64(seconds) * 1_000_000 + Int64(micros)
        }
    }

    /// `2026-11-25T18:00:00.123456Z`: the instant in UTC with microseconds (what
    /// `microsecondsSinceEpoch` reads back exactly).
    public static func string(microsecondsSinceEpoch micros: Int64) -> String {
        let seconds = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
        let fraction = micros - seconds * 1_000_000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let time = seconds - days * 86_400
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return CivilDate.isoString(daysSinceEpoch: Int(days)) + "T" + pad(time / 3_600, 2) + ":" + pad(time % 3_600 / 60, 2) + ":"
            + pad(time % 60, 2) + "." + pad(fraction, 6) + "Z"
    }
}
