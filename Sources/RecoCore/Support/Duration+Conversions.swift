/// Durations in the units logs, C APIs and options use, fractions kept (`Duration.seconds(0.5)`
/// from the standard library builds them from a `Double`).
extension Duration {
    /// The duration in seconds as a Double.
    public var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }

    /// The duration in milliseconds as a Double (for logs and histograms).
    public var milliseconds: Double { seconds * 1000 }

    /// Whole milliseconds, rounded down and clamped to Int64 (for APIs that take an integer).
    public var wholeMilliseconds: Int64 {
        let (whole, overflow) = components.seconds.multipliedReportingOverflow(by: 1000)
        guard !overflow else { return components.seconds < 0 ? .min : .max }
        return whole.addingReportingOverflow(components.attoseconds / 1_000_000_000_000_000).partialValue
    }
}
