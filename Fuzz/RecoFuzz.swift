// libFuzzer entry for every parser of outside input; built by scripts/fuzz into one binary with
// `swiftc -sanitize=fuzzer,address` together with RecoCore's sources and the DAG parser's (one
// module, so internal parsers are reachable; libFuzzer supplies main). RECO_FUZZ_TARGET chooses
// the parser. A crash, a trap or a sanitizer report is a
// bug: errors thrown for bad input are the expected outcome.
import Foundation

/// The parsers that may be fuzzed, by name.
enum FuzzTarget: String, CaseIterable {
    case json, watchEvent = "watch-event", feed, netflixRatings = "netflix-ratings", delimitedRatings = "delimited-ratings"
    case movieTitles = "movie-titles", properties, model, batchRequest = "batch-request", batchAnswer = "batch-answer", dag, sessionRequest = "session-request", watchHistory = "watch-history"

    static let current: FuzzTarget = {
        let name = ProcessInfo.processInfo.environment["RECO_FUZZ_TARGET"] ?? ""
        guard let target = FuzzTarget(rawValue: name) else {
            FileHandle.standardError.write(Data("RECO_FUZZ_TARGET must be one of \(allCases.map(\.rawValue))\n".utf8))
            exit(2)
        }
        return target
    }()

    /// A file in memory (/dev/shm) for the readers that take paths, one per process.
    static let scratch: String = {
        let directory = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        return "\(directory)/reco-fuzz-\(getpid())"
    }()

    func run(_ bytes: [UInt8]) {
        switch self {
        case .json: _ = try? JSONParser.parse(bytes)
        case .watchEvent: _ = try? WatchEventDecoder.decode(bytes)
        case .feed: _ = try? FeedParser.parse(bytes, source: "fuzz")
        case .netflixRatings:
            withFile(bytes, name: "combined_data_1.txt") { path in
                var table = RatingsTable()
                _ = try? NetflixRatingsReader(path: path).read(into: &table)
                _ = try? InputKind.detect(path: path)
            }
        case .delimitedRatings:
            withFile(bytes, name: "ratings.csv") { path in
                for layout in [DelimitedRatingsLayout.seed, .movieLensCSV, .movieLensUData] {
                    var table = RatingsTable()
                    _ = try? DelimitedRatingsReader(path: path, layout: layout, policy: .skip).read(into: &table)
                }
            }
        case .movieTitles:
            withFile(bytes, name: "movie_titles.csv") { path in
                for format in MovieTitlesFormat.allCases { _ = try? MovieTitlesReader(path: path, format: format, policy: .skip).read() }
            }
        case .properties: _ = try? PropertiesFile(text: String(decoding: bytes, as: UTF8.self), file: "fuzz.properties")
        case .model:
            withFile(bytes, name: "m.recomodel") { path in
                // Structure only: a mutated file must get past the checksum to reach the rest.
                guard let model = try? RecoModel(path: path, verification: .structure) else { return }
                for customer in 0..<model.customerCount { _ = model.ratedMovies(customer: customer).count }
            }
        case .batchRequest: _ = try? RecommendationBatchRequest.parse(bytes)
        case .batchAnswer: _ = try? RecommendationBatch.decode(bytes)
        case .sessionRequest: _ = try? SessionRequest.parse(bytes)
        case .watchHistory:
            withFile(bytes, name: "watches.csv") { path in _ = try? WatchHistoryReader(path: path).read() }
        case .dag: _ = try? DagParser(environment: ["HOME": "/root"]).parse(String(decoding: bytes, as: UTF8.self), file: "fuzz.yaml")
        }
    }

    private func withFile(_ bytes: [UInt8], name: String, _ body: (String) -> Void) {
        let path = Self.scratch + "-" + name
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        body(path)
        unlink(path)
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    FuzzTarget.current.run(bytes)
    return 0
}
