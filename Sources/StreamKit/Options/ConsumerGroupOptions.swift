import ArgumentParser
import CommandOptions

/// How a stream service reads its topic as a consumer-group member.
public struct ConsumerGroupOptions<Defaults: StreamServiceDefaults>: ParsableArguments {
    @Option(help: "Consumer group (each service has its own, so none holds up another).")
    public var group = Defaults.group

    @Option(help: "Where a new group starts. The seed's 'latest' makes a new group skip every event produced before it first joined.")
    public var autoOffsetReset = AutoOffsetReset.earliest

    @Option(help: "Messages per batch.")
    public var batchSize = Defaults.batchSize

    @Option(help: "Exit after this many seconds without messages once partitions are assigned (batch runs).")
    public var exitWhenIdle: Duration?

    public init() {}

    public func validate() throws {
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive") }
        if let exitWhenIdle, exitWhenIdle <= .zero { throw ValidationError("--exit-when-idle must be positive") }
    }
}
