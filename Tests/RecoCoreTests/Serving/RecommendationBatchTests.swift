import Foundation
@testable import RecoCore
import Testing

/// The batch API's one type: reco-api writes it by hand, the stream services read it by hand,
/// and both agree with `Codable`.
struct RecommendationBatchTests {

    static let batch = RecommendationBatch(modelVersion: "svd-2026-12-02T10:00:00Z-abc", results: [
        CustomerRecommendations(customerId: 785_314, coldStart: false, rankedBy: "ials", items: [
            RecommendedMovie(rank: 1, movieId: 3, title: "Character \"quoted\", \\ and\ttab", year: 2004, score: 4.1234),
            RecommendedMovie(rank: 2, movieId: 17_770, title: nil, year: nil, score: 3.5),
        ]),
        CustomerRecommendations(customerId: 4_294_967_295, coldStart: true, rankedBy: "popularity", items: []),
    ])

    @Test func handWrittenJSONRoundTripsAndMatchesCodable() throws {
        let bytes = Self.batch.jsonBytes()
        #expect(try RecommendationBatch.decode(bytes) == Self.batch)
        #expect(try JSONDecoder().decode(RecommendationBatch.self, from: Data(bytes)) == Self.batch)
        #expect(try RecommendationBatch.decode(try JSONEncoder().encode(Self.batch)) == Self.batch)
    }

    /// The scanner (no JSON tree) and the generic parser read the same answer the same way,
    /// escapes, non-ASCII titles, nulls and empty lists included; other layouts fall back.
    @Test func theScannerAndTheGenericParserAgree() throws {
        var batch = Self.batch
        batch.results.append(CustomerRecommendations(customerId: 5, coldStart: false, rankedBy: "ease", items: [
            RecommendedMovie(rank: 1, movieId: 3, title: "Character \"quoted\", \\ and\ttab", year: 2004, score: -0.25),
            RecommendedMovie(rank: 2, movieId: 8, title: "Amélie — 𝄞 \u{01}", year: 2001, score: 5),
            RecommendedMovie(rank: 3, movieId: 9, title: "", year: nil, score: 0.0001),
        ]))
        let bytes = batch.jsonBytes()
        let scanned = bytes.withUnsafeBufferPointer { buffer -> RecommendationBatch? in
            var scanner = RecommendationBatchScanner(buffer)
            return scanner.scan()
        }
        #expect(scanned == batch)
        #expect(try RecommendationBatch.parse(bytes) == batch)
        // The same answer pretty-printed: not the scanner's layout, still read (by the parser).
        let pretty = try JSONEncoder.pretty.encode(batch)
        let notScanned = Array(pretty).withUnsafeBufferPointer { buffer -> RecommendationBatch? in
            var scanner = RecommendationBatchScanner(buffer)
            return scanner.scan()
        }
        #expect(notScanned == nil)
        #expect(try RecommendationBatch.decode(Array(pretty)) == batch)
        // Truncated anywhere: never a crash, always an error.
        for cut in stride(from: 0, to: bytes.count, by: 7) {
            #expect(throws: (any Error).self) { try RecommendationBatch.decode(Array(bytes[..<cut])) }
        }
    }

    /// Until scripts/fuzz exists (issue 15): thousands of seeded mutations of a real answer.
    /// Decoding never traps, and where the scanner accepts a mutant the generic parser reads
    /// the same answer from it.
    @Test func mutatedAnswersNeverCrashAndTheTwoReadersAgree() throws {
        var batch = Self.batch
        batch.results.append(CustomerRecommendations(customerId: 6, coldStart: false, rankedBy: "ease", items: Self.batch.results[0].items))
        let bytes = batch.jsonBytes()
        let alphabet = Array("{}[],:\"\\.-+eE0123456789tfnul ".utf8) + [0, 0xC3, 0xFF]
        var random = SplitMix64(seed: 13)
        for _ in 0..<3_000 {
            var mutant = bytes
            for _ in 0...random.next(below: 3) {
                let at = random.next(below: mutant.count)
                switch random.next(below: 3) {
                case 0: mutant[at] = alphabet[random.next(below: alphabet.count)]
                case 1: mutant.remove(at: at)
                default: mutant.insert(alphabet[random.next(below: alphabet.count)], at: at)
                }
            }
            let scanned = mutant.withUnsafeBufferPointer { buffer -> RecommendationBatch? in
                var scanner = RecommendationBatchScanner(buffer)
                return scanner.scan()
            }
            let parsed = try? RecommendationBatch.parse(mutant)
            if let scanned { #expect(parsed == scanned, "\(String(decoding: mutant, as: UTF8.self))") }
            _ = try? RecommendationBatch.decode(mutant)
        }
    }

    @Test func malformedAnswersNameTheField() {
        let cases: [(String, String)] = [
            ("{", "body"), (#"{"results":[]}"#, "model_version"), (#"{"model_version":"v"}"#, "results"),
            (#"{"model_version":"v","results":[{"customer_id":1}]}"#, "results[0].items"),
            (#"{"model_version":"v","results":[{"customer_id":-1,"items":[]}]}"#, "results[0].customer_id"),
            (#"{"model_version":"v","results":[{"customer_id":1,"items":[{"movie_id":2}]}]}"#, "results[0].items[0].score"),
        ]
        for (text, field) in cases {
            #expect { try RecommendationBatch.decode(Array(text.utf8)) } throws: { ($0 as? RecommendationBatch.Malformed)?.field == field }
        }
    }

    @Test func theCatalogueJoinRoundsScoresOnce() {
        let catalog = MovieCatalog([Movie(id: 3, year: 2004, title: "Character")])
        let list = RecommendedMovie.list([ScoredMovie(movieId: 3, score: 4.123_456), ScoredMovie(movieId: 9, score: 2.000_04)], catalog: catalog)
        #expect(list == [RecommendedMovie(rank: 1, movieId: 3, title: "Character", year: 2004, score: 4.1235),
                         RecommendedMovie(rank: 2, movieId: 9, title: nil, year: nil, score: 2.0)])
    }

    @Test func requestBodiesDecodeAsTheRouteReadsThem() throws {
        let request = RecommendationBatchRequest(customerIds: [1, 4_294_967_295], limit: 10, excludeRated: false, ranker: "svd")
        #expect(try JSONDecoder().decode(RecommendationBatchRequest.self, from: Data(request.jsonBytes())) == request)
        let minimal = RecommendationBatchRequest(customerIds: [7])
        #expect(String(decoding: minimal.jsonBytes(), as: UTF8.self) == #"{"customer_ids":[7]}"#)
    }
}

extension JSONEncoder {
    static var pretty: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted]
        return encoder
    }
}
