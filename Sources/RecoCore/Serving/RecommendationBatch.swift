/// The answer of `POST /v1/recommendations/batch`: the model version and each customer's list.
///
/// reco-api writes it with `jsonBytes()` and the stream services read it with `decode(_:)`:
/// both are written out by hand because this is the consumer's hot path (JSONEncoder and
/// JSONDecoder cost tens of milliseconds for a thousand customers); `Codable` gives the same
/// shape for everything else, and the tests check all three agree.
public struct RecommendationBatch: Codable, Sendable, Equatable {
    public var modelVersion: String
    public var results: [CustomerRecommendations]

    public init(modelVersion: String, results: [CustomerRecommendations]) {
        self.modelVersion = modelVersion
        self.results = results
    }

    enum CodingKeys: String, CodingKey {
        case results
        case modelVersion = "model_version"
    }

    public func jsonBytes() -> [UInt8] {
        var json = JSONBytesWriter(reservingCapacity: 64 + results.count * 1_000)
        json.raw("{\"model_version\":")
        json.string(modelVersion)
        json.raw(",\"results\":[")
        for (index, result) in results.enumerated() {
            if index > 0 { json.raw(",") }
            json.raw("{\"cold_start\":")
            json.boolean(result.coldStart)
            json.raw(",\"customer_id\":")
            json.integer(result.customerId)
            json.raw(",\"ranked_by\":")
            json.string(result.rankedBy)
            json.raw(",\"items\":[")
            for (position, item) in result.items.enumerated() {
                if position > 0 { json.raw(",") }
                json.raw("{\"movie_id\":")
                json.integer(item.movieId)
                json.raw(",\"rank\":")
                json.integer(item.rank)
                json.raw(",\"score\":")
                json.number(item.score)
                json.raw(",\"title\":")
                json.string(item.title)
                json.raw(",\"year\":")
                if let year = item.year { json.integer(year) } else { json.raw("null") }
                json.raw("}")
            }
            json.raw("]}")
        }
        json.raw("]}")
        return json.bytes
    }

    /// Reads an answer; anything missing or of the wrong type is a `Malformed` naming the field.
    /// The layout `jsonBytes()` writes is read by a scanner without a JSON tree; any other layout
    /// by the generic parser.
    public static func decode(_ bytes: some Collection<UInt8>) throws -> RecommendationBatch {
        let scanned = bytes.withContiguousStorageIfAvailable { buffer in
            var scanner = RecommendationBatchScanner(buffer)
            return scanner.scan()
        }
        if let scanned = scanned ?? nil { return scanned }
        return try parse(bytes)
    }

    /// The generic path: any JSON layout of the same fields.
    static func parse(_ bytes: some Collection<UInt8>) throws -> RecommendationBatch {
        let answer: JSONValue
        do {
            answer = try JSONParser.parse(bytes)
        } catch {
            throw Malformed(field: "body", problem: "\(error)")
        }
        guard let version = answer["model_version"]?.string else { throw Malformed(field: "model_version", problem: "missing or not a string") }
        guard let results = answer["results"]?.array else { throw Malformed(field: "results", problem: "missing or not an array") }
        return RecommendationBatch(modelVersion: version, results: try results.enumerated().map { index, result in
            let path = "results[\(index)]"
            guard let items = result["items"]?.array else { throw Malformed(field: path + ".items", problem: "missing or not an array") }
            return CustomerRecommendations(
                customerId: try id(result["customer_id"], path + ".customer_id"), coldStart: result["cold_start"] == .bool(true),
                rankedBy: result["ranked_by"]?.string ?? "",
                items: try items.enumerated().map { position, item in
                    let itemPath = path + ".items[\(position)]"
                    guard let score = item["score"]?.number else { throw Malformed(field: itemPath + ".score", problem: "missing or not a number") }
                    let rank = item["rank"]?.number.flatMap { Int(exactly: $0) } ?? position + 1
                    return RecommendedMovie(rank: rank, movieId: try id(item["movie_id"], itemPath + ".movie_id"), title: item["title"]?.string,
                                            year: item["year"]?.number.flatMap { Int(exactly: $0) }, score: score)
                })
        })
    }

    private static func id(_ value: JSONValue?, _ field: String) throws -> UInt32 {
        guard let number = value?.number, let id = UInt32(exactly: number) else { throw Malformed(field: field, problem: "not a 32-bit id") }
        return id
    }

    /// An answer that does not have the batch route's shape.
    public struct Malformed: Error, CustomStringConvertible, Sendable {
        public var field: String
        public var problem: String
        public var description: String { "the batch answer's \(field) is \(problem)" }
    }
}
