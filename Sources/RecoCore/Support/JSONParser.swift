/// A strict RFC 8259 JSON parser over bytes, several times faster than Foundation's on the
/// pipeline's hot paths (event messages, batch answers). Rejects what the RFC rejects: trailing
/// commas, leading zeros, bare control characters, bad escapes, lone surrogates, invalid UTF-8.
public struct JSONParser {
    public struct Failure: Error, Equatable, Sendable, CustomStringConvertible {
        public var offset: Int
        public var message: String
        public var description: String { "\(message) at byte \(offset)" }
    }

    public static let maximumDepth = 512

    public static func parse(_ bytes: some Collection<UInt8>) throws(Failure) -> JSONValue {
        let contiguous = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(Failure) in try parse(buffer) }
        }
        if let contiguous { return try contiguous.get() }
        let copy = Array(bytes)
        return try copy.withUnsafeBufferPointer { (buffer) throws(Failure) in try parse(buffer) }
    }

    public static func parse(_ buffer: UnsafeBufferPointer<UInt8>) throws(Failure) -> JSONValue {
        var parser = Cursor(bytes: buffer)
        parser.skipWhitespace()
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.position == buffer.count else { throw parser.failure("unexpected data after the JSON value") }
        return value
    }

    private struct Cursor {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0

        func failure(_ message: String) -> Failure { Failure(offset: position, message: message) }

        var current: UInt8? { position < bytes.count ? bytes[position] : nil }

        mutating func skipWhitespace() {
            while position < bytes.count {
                switch bytes[position] {
                case 0x20, 0x0A, 0x0D, 0x09: position += 1
                default: return
                }
            }
        }

        mutating func value(depth: Int) throws(Failure) -> JSONValue {
            guard depth < JSONParser.maximumDepth else { throw failure("nested deeper than \(JSONParser.maximumDepth) levels") }
            guard let byte = current else { throw failure("unexpected end of input") }
            switch byte {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
            default: throw failure("unexpected character")
            }
        }

        mutating func literal(_ word: StaticString) throws(Failure) {
            let count = word.utf8CodeUnitCount
            guard position + count <= bytes.count else { throw failure("invalid literal") }
            for index in 0..<count where bytes[position + index] != word.utf8Start[index] { throw failure("invalid literal") }
            position += count
        }

        mutating func object(depth: Int) throws(Failure) -> JSONValue {
            position += 1
            var members: [(key: String, value: JSONValue)] = []
            skipWhitespace()
            if current == UInt8(ascii: "}") {
                position += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                guard current == UInt8(ascii: "\"") else { throw failure("expected a member name in quotes") }
                let key = try string()
                skipWhitespace()
                guard current == UInt8(ascii: ":") else { throw failure("expected ':' after a member name") }
                position += 1
                skipWhitespace()
                members.append((key, try value(depth: depth + 1)))
                skipWhitespace()
                switch current {
                case UInt8(ascii: ","): position += 1
                case UInt8(ascii: "}"): position += 1; return .object(members)
                default: throw failure("expected ',' or '}' in an object")
                }
            }
        }

        mutating func array(depth: Int) throws(Failure) -> JSONValue {
            position += 1
            var elements: [JSONValue] = []
            skipWhitespace()
            if current == UInt8(ascii: "]") {
                position += 1
                return .array(elements)
            }
            while true {
                skipWhitespace()
                elements.append(try value(depth: depth + 1))
                skipWhitespace()
                switch current {
                case UInt8(ascii: ","): position += 1
                case UInt8(ascii: "]"): position += 1; return .array(elements)
                default: throw failure("expected ',' or ']' in an array")
                }
            }
        }

        mutating func number() throws(Failure) -> Double {
            let start = position
            if current == UInt8(ascii: "-") { position += 1 }
            guard let first = current, isDigit(first) else { throw failure("expected a digit") }
            position += 1
            if first == UInt8(ascii: "0"), let next = current, isDigit(next) { throw failure("leading zeros are not allowed") }
            skipDigits()
            let isInteger = current != UInt8(ascii: ".") && current != UInt8(ascii: "e") && current != UInt8(ascii: "E")
            if isInteger, position - start <= 15 {
                // Ids and counts: exact in a Double, and no text conversion needed.
                var magnitude: Int64 = 0
                for byte in bytes[start..<position] where byte != UInt8(ascii: "-") { magnitude = magnitude * 10 + Int64(byte - UInt8(ascii: "0")) }
                return bytes[start] == UInt8(ascii: "-") ? -Double(magnitude) : Double(magnitude)
            }
            if current == UInt8(ascii: ".") {
                position += 1
                guard let next = current, isDigit(next) else { throw failure("expected a digit after '.'") }
                skipDigits()
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                position += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
                guard let next = current, isDigit(next) else { throw failure("expected a digit in the exponent") }
                skipDigits()
            }
            let text = UnsafeBufferPointer(rebasing: bytes[start..<position])
            guard let value = Double(String(decoding: text, as: UTF8.self)), value.isFinite else {
                throw Failure(offset: start, message: "number out of range")
            }
            return value
        }

        mutating func skipDigits() {
            while let byte = current, isDigit(byte) { position += 1 }
        }

        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

        mutating func string() throws(Failure) -> String {
            position += 1
            let start = position
            // Fast path: no escapes, all printable.
            while let byte = current, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\"), byte >= 0x20 { position += 1 }
            if current == UInt8(ascii: "\"") {
                let text = try validated(start..<position)
                position += 1
                return text
            }
            var decoded = Array(bytes[start..<position])
            while true {
                guard let byte = current else { throw failure("unterminated string") }
                switch byte {
                case UInt8(ascii: "\""):
                    position += 1
                    guard let text = String(validating: decoded, as: UTF8.self) else { throw Failure(offset: start, message: "invalid UTF-8 in a string") }
                    return text
                case UInt8(ascii: "\\"):
                    position += 1
                    try escape(into: &decoded)
                case 0..<0x20:
                    throw failure("control character in a string")
                default:
                    decoded.append(byte)
                    position += 1
                }
            }
        }

        func validated(_ range: Range<Int>) throws(Failure) -> String {
            let slice = UnsafeBufferPointer(rebasing: bytes[range])
            guard let text = String(validating: slice, as: UTF8.self) else { throw Failure(offset: range.lowerBound, message: "invalid UTF-8 in a string") }
            return text
        }

        mutating func escape(into decoded: inout [UInt8]) throws(Failure) {
            do {
                try JSONEscape.decode(bytes, at: &position, into: &decoded)
            } catch {
                throw failure(error.message)
            }
        }
    }
}
