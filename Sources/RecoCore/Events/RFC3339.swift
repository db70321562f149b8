/// A fast check of RFC 3339 timestamps (`2026-11-25T18:00:00.123Z`, `…+01:00`) for every
/// consumed event; DateFormatter costs tens of microseconds per call.
enum RFC3339 {
    static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes.count <= 40 else { return false }
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
              CivilDate.daysSinceEpoch(year: year, month: month, day: day) != nil, hour < 24, minute < 60, second <= 60
        else { return false }
        var index = 19
        if bytes[index] == UInt8(ascii: ".") {
            index += 1
            let start = index
            while index < bytes.count, bytes[index] &- UInt8(ascii: "0") < 10 { index += 1 }
            guard index > start else { return false }
        }
        guard index < bytes.count else { return false }
        if bytes[index] == UInt8(ascii: "Z") || bytes[index] == UInt8(ascii: "z") { return index + 1 == bytes.count }
        guard bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-"), bytes.count - index == 6,
              let offsetHours = digits((index + 1)..<(index + 3)), bytes[index + 3] == UInt8(ascii: ":"),
              let offsetMinutes = digits((index + 4)..<(index + 6)) else { return false }
        return offsetHours < 24 && offsetMinutes < 60
    }
}
