/// Allocation-free parsers for ASCII fields inside a line buffer.
enum ByteParsing {
    static let comma = UInt8(ascii: ",")
    static let tab = UInt8(ascii: "\t")
    static let zero = UInt8(ascii: "0")

    /// Parses an unsigned decimal integer that must fit in `limit`; nil on any other byte.
    @inline(__always)
    static func unsignedInteger(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, limit: UInt64 = UInt64(UInt32.max)) -> UInt64? {
        guard !range.isEmpty, range.count <= 19 else { return nil }
        var value: UInt64 = 0
        for index in range {
            let digit = bytes[index] &- zero
            guard digit < 10 else { return nil }
            value = value * 10 + UInt64(digit)
        }
        return value <= limit ? value : nil
    }

    /// Why `text` is not an id from 1 to 2^32 − 1: out of range when it is a whole number.
    static func idProblem(_ text: some StringProtocol) -> String {
        let quoted = "'\(text.prefix(40))'"
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return "not a positive integer: \(quoted)" }
        return "out of range (1 to \(UInt32.max)): \(quoted)"
    }

    /// Parses a rating such as `4`, `3.0` or `3.5` into half stars (7 for 3.5); nil if it is
    /// not a multiple of one half.
    static func halfStars(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> UInt8? {
        guard !range.isEmpty, range.count <= 8 else { return nil }
        var whole: UInt32 = 0
        var index = range.lowerBound
        var sawDigit = false
        while index < range.upperBound, bytes[index] != UInt8(ascii: ".") {
            let digit = bytes[index] &- zero
            guard digit < 10 else { return nil }
            whole = whole * 10 + UInt32(digit)
            sawDigit = true
            index += 1
        }
        guard sawDigit, whole <= 100 else { return nil }
        var halves = whole * 2
        if index < range.upperBound {
            // Fractional part: only .0 and .5 (with any trailing zeros) are ratings.
            index += 1
            guard index < range.upperBound else { return nil }
            let first = bytes[index] &- zero
            guard first == 0 || first == 5 else { return nil }
            if first == 5 { halves += 1 }
            index += 1
            while index < range.upperBound {
                guard bytes[index] == zero else { return nil }
                index += 1
            }
        }
        return UInt8(halves)
    }

    /// Parses `YYYY-MM-DD` into days since 1970-01-01; nil for anything else or an impossible date.
    static func day(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int32? {
        guard range.count == 10 else { return nil }
        let base = range.lowerBound
        guard bytes[base + 4] == UInt8(ascii: "-"), bytes[base + 7] == UInt8(ascii: "-"),
              let year = unsignedInteger(bytes, base..<(base + 4)),
              let month = unsignedInteger(bytes, (base + 5)..<(base + 7)),
              let dayOfMonth = unsignedInteger(bytes, (base + 8)..<(base + 10))
        else { return nil }
        guard let days = CivilDate.daysSinceEpoch(year: Int(year), month: Int(month), day: Int(dayOfMonth)) else {
            return nil
        }
        return Int32(days)
    }

    /// Index of the next `separator` at or after `from`, or `range.upperBound`.
    @inline(__always)
    static func next(_ separator: UInt8, in bytes: UnsafeBufferPointer<UInt8>, from: Int, upTo end: Int) -> Int {
        var index = from
        while index < end, bytes[index] != separator { index += 1 }
        return index
    }

    /// The line as text for error messages, cut short and with invalid bytes replaced.
    static func preview(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        let cut = bytes.prefix(60)
        let text = String(decoding: cut, as: UTF8.self)
        return bytes.count > 60 ? text + "…" : text
    }

    /// Offset of the first byte that is not printable ASCII or a tab, if any.
    static func firstNonASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        bytes.firstIndex { $0 >= 0x80 || ($0 < 0x20 && $0 != tab) }
    }
}
