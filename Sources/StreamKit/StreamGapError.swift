/// A consuming service stopped at gaps in its topic (`GapPolicy.fail`).
public struct StreamGapError: Error, CustomStringConvertible {
    public var service: String
    public var gaps: [StreamGap]

    public var description: String {
        "\(service) stopped: events lost in the topic before it read them, \(gaps.map(\.description).joined(separator: "; ")). "
            + "They were logged, counted and recorded; to accept the loss and read on, run it with --on-gap continue"
    }
}
