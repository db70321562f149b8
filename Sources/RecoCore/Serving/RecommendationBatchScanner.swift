/// Reads a batch answer in exactly the layout `RecommendationBatch.jsonBytes()` writes (keys in
/// that order, no white space) without building a JSON tree: the consumer's hot path, where the
/// generic parser spent most of the time allocating objects and validating strings. Anything else
/// (another layout, white space, an exponent) makes it give up with nil, and the caller falls
/// back to the generic parser, which also names what is wrong.
struct RecommendationBatchScanner {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0
    /// A movie's title is the same everywhere in one answer (one catalogue): decoded once, and
    /// reused where the same literal bytes come again.
    private var titles: [UInt32: (literal: Range<Int>, text: String)] = [:]

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    mutating func scan() -> RecommendationBatch? {
        guard expect("{\"model_version\":"), let version = string(), expect(",\"results\":[") else { return nil }
        var results: [CustomerRecommendations] = []
        if !skip(UInt8(ascii: "]")) {
            repeat {
                guard let result = customer() else { return nil }
                results.append(result)
            } while skip(UInt8(ascii: ","))
            guard expect("]") else { return nil }
        }
        guard expect("}"), position == bytes.count else { return nil }
        return RecommendationBatch(modelVersion: version, results: results)
    }

    private mutating func customer() -> CustomerRecommendations? {
        guard expect("{\"cold_start\":"), let coldStart = boolean(), expect(",\"customer_id\":"), let id = integer(), let customerId = UInt32(exactly: id),
              expect(",\"ranked_by\":"), let rankedBy = string(), expect(",\"items\":[") else { return nil }
        var items: [RecommendedMovie] = []
        items.reserveCapacity(10)
        if !skip(UInt8(ascii: "]")) {
            repeat {
                guard expect("{\"movie_id\":"), let movie = integer(), let movieId = UInt32(exactly: movie), expect(",\"rank\":"),
                      let rank = integer(), let rankValue = Int(exactly: rank), expect(",\"score\":"), let score = number(),
                      expect(",\"title\":") else { return nil }
                var title: String?
                if !expect("null") {
                    guard let text = knownOrNewTitle(of: movieId) else { return nil }
                    title = text
                }
                guard expect(",\"year\":") else { return nil }
                var year: Int?
                if !expect("null") {
                    guard let value = integer(), let whole = Int(exactly: value) else { return nil }
                    year = whole
                }
                guard expect("}") else { return nil }
                items.append(RecommendedMovie(rank: rankValue, movieId: movieId, title: title, year: year, score: score))
            } while skip(UInt8(ascii: ","))
            guard expect("]") else { return nil }
        }
        guard expect("}") else { return nil }
        return CustomerRecommendations(customerId: customerId, coldStart: coldStart, rankedBy: rankedBy, items: items)
    }

    /// Consumes `literal` if the bytes continue with it.
    private mutating func expect(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard position + count <= bytes.count else { return false }
        let start = literal.utf8Start
        for index in 0..<count where bytes[position + index] != start[index] { return false }
        position += count
        return true
    }

    private mutating func skip(_ byte: UInt8) -> Bool {
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    private mutating func boolean() -> Bool? {
        if expect("true") { return true }
        if expect("false") { return false }
        return nil
    }

    /// An integer of at most 18 digits.
    private mutating func integer() -> Int64? {
        let negative = skip(UInt8(ascii: "-"))
        var value: Int64 = 0
        var digits = 0
        // JSON numbers have no leading zeros.
        if position + 1 < bytes.count, bytes[position] == UInt8(ascii: "0"), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position + 1]) { return nil }
        while position < bytes.count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9"), digits < 18 {
            value = value * 10 + Int64(bytes[position] - UInt8(ascii: "0"))
            position += 1
            digits += 1
        }
        guard digits > 0, position >= bytes.count || !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) else { return nil }
        return negative ? -value : value
    }

    /// A decimal without exponent and at most 15 significant digits: whole digits over a power
    /// of ten, both exact in a Double, so the quotient is the correctly rounded value.
    private mutating func number() -> Double? {
        let negative = skip(UInt8(ascii: "-"))
        var mantissa: Int64 = 0
        var digits = 0
        var decimals = 0
        var seenPoint = false
        if position + 1 < bytes.count, bytes[position] == UInt8(ascii: "0"), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position + 1]) { return nil }
        while position < bytes.count {
            let byte = bytes[position]
            if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                mantissa = mantissa * 10 + Int64(byte - UInt8(ascii: "0"))
                digits += 1
                if seenPoint { decimals += 1 }
            } else if byte == UInt8(ascii: "."), !seenPoint {
                seenPoint = true
            } else {
                break
            }
            position += 1
            guard digits <= 15 else { return nil }
        }
        // JSON wants a digit on each side of the point; an exponent is left to the generic parser.
        guard digits > decimals, !seenPoint || decimals > 0, position < bytes.count, bytes[position] != UInt8(ascii: "e"),
              bytes[position] != UInt8(ascii: "E") else { return nil }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let value = Double(mantissa) / scale
        return negative ? -value : value
    }

    /// A string literal; escapes are decoded (surrogate pairs included).
    private mutating func string() -> String? {
        guard skip(UInt8(ascii: "\"")) else { return nil }
        let start = position
        while position < bytes.count, bytes[position] != UInt8(ascii: "\""), bytes[position] != UInt8(ascii: "\\"), bytes[position] >= 0x20 {
            position += 1
        }
        guard position < bytes.count else { return nil }
        if bytes[position] == UInt8(ascii: "\"") {
            defer { position += 1 }
            return String(validating: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        }
        // Escapes: decode the rest of this string byte by byte.
        var decoded = Array(bytes[start..<position])
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(validating: decoded, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard (try? JSONEscape.decode(bytes, at: &position, into: &decoded)) != nil else { return nil }
            case 0..<0x20: return nil
            default: decoded.append(byte)
            }
        }
        return nil
    }

    /// A title literal: the text decoded for the same movie earlier when the bytes are the same,
    /// else decoded now.
    private mutating func knownOrNewTitle(of movieId: UInt32) -> String? {
        let start = position
        if let known = titles[movieId], start + known.literal.count <= bytes.count,
           bytes[known.literal].elementsEqual(bytes[start..<(start + known.literal.count)]) {
            position += known.literal.count
            return known.text
        }
        guard let text = string() else { return nil }
        titles[movieId] = (start..<position, text)
        return text
    }
}
