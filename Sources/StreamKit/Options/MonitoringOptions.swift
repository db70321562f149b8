import ArgumentParser
import CommandOptions

/// `--stats-interval` (a statistics line in the log) and `--metrics-port` (Prometheus).
public struct MonitoringOptions: ParsableArguments {
    @Option(help: "Seconds between statistics lines.")
    public var statsInterval: Duration = .seconds(10)

    @Option(help: "Serve Prometheus metrics at http://127.0.0.1:PORT/metrics (off unless given).")
    public var metricsPort: Int?

    public init() {}

    public func validate() throws {
        guard statsInterval > .zero else { throw ValidationError("--stats-interval must be positive") }
        if let metricsPort, !(1...65535).contains(metricsPort) { throw ValidationError("--metrics-port must be 1-65535") }
    }
}
