/// JSON written straight into bytes, for the measured hot paths only (the batch request and
/// answer, watch events, the seed route; each has a fuzz target): no String concatenation, no
/// encoder, and text that needs no escaping, the common case, is copied in one go. Everything
/// else uses `JSONEncoder`. `string` is the one JSON string escape of the code base.
public struct JSONBytesWriter {
    public private(set) var bytes: [UInt8] = []

    public init(reservingCapacity capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    /// Raw JSON syntax (keys, punctuation), already valid.
    public mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    public mutating func integer<T: BinaryInteger>(_ value: T) {
        guard let value = Int64(exactly: value) else { return bytes.append(contentsOf: String(value).utf8) }
        digits(value)
    }

    /// The shortest text that reads back as the same Double (as `description` writes it). Scores
    /// rounded to four decimals, which is what the answers carry, are written from their digits
    /// without `description`'s general algorithm and without allocating.
    public mutating func number(_ value: Double) {
        guard value.isFinite else { return raw("null") }
        let scaled = (value * 10_000).rounded()
        guard value != 0, abs(scaled) < 1e15, scaled / 10_000 == value else {
            return bytes.append(contentsOf: value.description.utf8)
        }
        // value is exactly the decimal scaled / 10⁴: no shorter decimal reads back as it.
        let units = Int64(scaled)
        if units < 0 { bytes.append(UInt8(ascii: "-")) }
        digits(Int64(units.magnitude / 10_000))
        bytes.append(UInt8(ascii: "."))
        var fraction = Int(units.magnitude % 10_000)
        var places = 4
        while places > 1 && fraction % 10 == 0 {
            fraction /= 10
            places -= 1
        }
        var divisor = [1, 10, 100, 1_000][places - 1]
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(fraction / divisor % 10))
            divisor /= 10
        }
    }

    private mutating func digits(_ value: Int64) {
        DecimalDigits.append(value, to: &bytes)
    }

    public mutating func boolean(_ value: Bool) {
        value ? raw("true") : raw("false")
    }

    /// A string literal with quotes, backslashes and control characters escaped.
    public mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            guard utf8.contains(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 < 0x20 }) else {
                bytes.append(contentsOf: utf8)
                return
            }
            for byte in utf8 {
                switch byte {
                case UInt8(ascii: "\""): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
                case UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
                case UInt8(ascii: "\n"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
                case UInt8(ascii: "\r"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
                case UInt8(ascii: "\t"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
                case 0..<0x20:
                    let hex = Array("0123456789abcdef".utf8)
                    bytes += [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 15)]]
                default: bytes.append(byte)
                }
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// A string, or null.
    public mutating func string(_ text: String?) {
        if let text { string(text) } else { raw("null") }
    }

    /// A whole number, or null.
    public mutating func integer<T: BinaryInteger>(_ value: T?) {
        if let value { integer(value) } else { raw("null") }
    }
}
