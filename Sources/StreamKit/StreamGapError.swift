/// A consuming service stopped at gaps in its topic (`GapPolicy.fail`).
public struct StreamGapError: Error, CustomStringConvertible {
    public var service: String
    public var gaps: [StreamGap]
    /// The gaps went with a previous log (a restarted cluster, a recreated topic); the service
    /// already reads the new one, so started again it goes on without being told to.
    public var previousLog: Bool

    public init(service: String, gaps: [StreamGap], previousLog: Bool = false) {
        self.service = service
        self.gaps = gaps
        self.previousLog = previousLog
    }

    public var description: String {
        if previousLog {
            return "\(service) stopped: the topic's log restarted (a new cluster or a recreated topic) and took with it events this service had not read, "
                + "\(gaps.map(\.description).joined(separator: "; ")). They were logged, counted and recorded; started again, the service reads the new log"
        }
        return "\(service) stopped: events lost in the topic before it read them, \(gaps.map(\.description).joined(separator: "; ")). "
            + "They were logged, counted and recorded; to accept the loss and read on, run it with --on-gap continue"
    }
}
