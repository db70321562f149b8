/// The one decoder of JSON string escapes (`\n`, `\u00e9`, surrogate pairs), shared by the
/// general parser (`JSONParser`) and the batch answer's scanner (`RecommendationBatchScanner`).
enum JSONEscape {
    enum Problem: Error {
        case unterminated, invalid, shortUnicode, badHexDigit, loneSurrogate

        var message: String {
            switch self {
            case .unterminated: "unterminated escape"
            case .invalid: "invalid escape"
            case .shortUnicode: "short \\u escape"
            case .badHexDigit: "invalid hex digit in \\u escape"
            case .loneSurrogate: "lone surrogate in \\u escape"
            }
        }
    }

    /// Decodes the escape that starts at `position` (just after its backslash) into `decoded`
    /// as UTF-8 and moves `position` past it.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, at position: inout Int, into decoded: inout [UInt8]) throws(Problem) {
        guard position < bytes.count else { throw .unterminated }
        let byte = bytes[position]
        position += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(byte)
        case UInt8(ascii: "b"): decoded.append(0x08)
        case UInt8(ascii: "f"): decoded.append(0x0C)
        case UInt8(ascii: "n"): decoded.append(0x0A)
        case UInt8(ascii: "r"): decoded.append(0x0D)
        case UInt8(ascii: "t"): decoded.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hex4(bytes, at: &position)
            if (0xD800...0xDBFF).contains(scalar) {
                guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                    throw .loneSurrogate
                }
                position += 2
                let low = try hex4(bytes, at: &position)
                guard (0xDC00...0xDFFF).contains(low) else { throw .loneSurrogate }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw .loneSurrogate
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw .invalid }
            decoded.append(contentsOf: String(Character(unicode)).utf8)
        default:
            throw .invalid
        }
    }

    private static func hex4(_ bytes: UnsafeBufferPointer<UInt8>, at position: inout Int) throws(Problem) -> UInt32 {
        guard position + 4 <= bytes.count else { throw .shortUnicode }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw .badHexDigit
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }
}
