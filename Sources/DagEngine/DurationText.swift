import Foundation
import RecoCore

/// Durations as written in DAG files: `500ms`, `2s`, `1.5m`, `1h`, or a bare number of seconds.
enum DurationText {
    /// The longest duration a DAG may name (a year): beyond it a value is a typo, and far beyond
    /// it the conversion to whole milliseconds would overflow.
    static let maximumSeconds: Double = 365 * 24 * 3600

    /// The duration, or nil for text that is not one or is negative or longer than `maximumSeconds`.
    static func parse(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        let unit = units.first { trimmed.hasSuffix($0.suffix) }
        guard let value = Double(trimmed.dropLast(unit?.suffix.count ?? 0)), value.isFinite else { return nil }
        let seconds = value * (unit?.seconds ?? 1)
        guard seconds >= 0, seconds <= maximumSeconds else { return nil }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }

    /// `1.5 s`, `250 ms`, `2 min 5 s`: for status tables and messages.
    static func format(_ duration: Duration) -> String {
        let seconds = duration.seconds
        if seconds < 1 { return "\(Int((seconds * 1000).rounded())) ms" }
        if seconds < 60 { return String(format: "%.1f s", seconds) }
        let whole = Int(seconds.rounded())
        if whole < 3600 { return "\(whole / 60) min \(whole % 60) s" }
        return "\(whole / 3600) h \(whole % 3600 / 60) min"
    }
}
