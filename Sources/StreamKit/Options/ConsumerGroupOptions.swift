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

    @Option(help: ArgumentHelp(
        "At a gap in the topic (offsets the log no longer holds, deleted by retention or skipped by an offset reset before this group read them): the gap is logged at error level, counted in reco_stream_lost_events_total and recorded; then 'fail' stops the service (exit 1) before it reads past the gap, 'continue' reads on.",
        valueName: "fail|continue"))
    public var onGap = Defaults.onGap

    @Option(help: ArgumentHelp(
        "Static group membership (group.instance.id): a restarted member with the same id takes its partitions back at once instead of after the session timeout. Unique per running process of a group; empty: dynamic membership.",
        valueName: "id"))
    public var instanceId: String?

    public init() {}

    public func validate() throws {
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive") }
        if let exitWhenIdle, exitWhenIdle <= .zero { throw ValidationError("--exit-when-idle must be positive") }
        if let instanceId, instanceId.count > 249 || instanceId.contains(where: { $0.isWhitespace || $0.isNewline }) {
            throw ValidationError("--instance-id must be at most 249 characters without spaces")
        }
    }
}
