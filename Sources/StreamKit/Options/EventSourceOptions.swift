import ArgumentParser
import CommandOptions
import Foundation
import Logging
import RecoCore

/// Where the producer's events come from.
public struct EventSourceOptions: ParsableArguments {
    @Option(help: "Event source: an http(s) URL (user:password@ is sent as Basic auth; credentials and query values are never logged), 'simulate' or 'replay'.")
    public var source: String

    @Option(help: "Seconds between polls of an HTTP feed.")
    public var interval: Duration = .seconds(20)

    @Option(help: "HTTP feed request timeout in seconds.")
    public var timeout: Duration = .seconds(10)

    @Option(help: "Simulated events per second (0: as fast as possible).")
    public var rate = 100.0

    @Option(help: "Prepared data directory for the simulator.")
    public var data = "data/prepared"

    @Option(help: "JSON-lines file for --source replay.")
    public var replayFile: String?

    @Flag(help: "With --source replay: stamp each event with the time it is sent (a past day replayed as live), keeping their order.")
    public var replayNow = false

    @Option(help: "Seed of the simulator.")
    public var seed: UInt64 = 1

    public init() {}

    public func validate() throws {
        guard source == "simulate" || source == "replay" || FeedURL(source) != nil else {
            // Not echoed: it may hold credentials.
            throw ValidationError("--source must be an http(s) URL with a host, 'simulate' or 'replay'")
        }
        if source == "replay" && replayFile == nil { throw ValidationError("--source replay needs --replay-file") }
        guard interval > .zero, timeout > .zero, rate >= 0 else { throw ValidationError("--interval and --timeout must be positive; --rate ≥ 0") }
    }

    public func makeSource(logger: Logger) throws -> any EventSource {
        switch source {
        case "simulate":
            let dataset = try RatingsStore.load(path: (data as NSString).appendingPathComponent(DataPreparer.ratingsFile))
            let moviesPath = (data as NSString).appendingPathComponent(DataPreparer.moviesFile)
            let catalog = FileManager.default.fileExists(atPath: moviesPath) ? try MovieCatalog.load(path: moviesPath) : MovieCatalog()
            return SimulatedSource(simulator: WatchEventSimulator(dataset: dataset, catalog: catalog, seed: seed), rate: rate)
        case "replay":
            return try ReplaySource(path: replayFile ?? "", retime: replayNow, logger: logger)
        default:
            guard let url = FeedURL(source) else { throw ValidationError("--source must be an http(s) URL with a host, 'simulate' or 'replay'") }
            return FeedSource(url: url, interval: interval, timeout: timeout, logger: logger)
        }
    }
}
