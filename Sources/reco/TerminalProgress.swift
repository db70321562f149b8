import Foundation
import RecoCore

/// A one-line progress display on standard error, drawn only when it is a terminal and at most
/// ten times a second.
final class TerminalProgress {
    private let enabled: Bool
    private let label: String
    private var lastDraw = ContinuousClock.now - .seconds(1)
    private let started = ContinuousClock.now
    private var drew = false

    init(label: String, disabled: Bool = false) {
        self.label = label
        self.enabled = !disabled && isatty(STDERR_FILENO) == 1
    }

    func update(phase: String? = nil, done: Int, total: Int, unit: String = "") {
        guard enabled else { return }
        let now = ContinuousClock.now
        guard now - lastDraw >= .milliseconds(100) || done >= total else { return }
        lastDraw = now
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 0
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let elapsed = now - started
        let seconds = elapsed.seconds
        let percent = Int(fraction * 100)
        let text = "\r\(label)\(phase.map { " " + $0 } ?? "") [\(bar)] \(percent)% \(Self.amount(done, unit))/\(Self.amount(total, unit)) \(String(format: "%.1f", seconds))s\u{1B}[K"
        FileHandle.standardError.write(Data(text.utf8))
        drew = true
    }

    /// Ends the line so that later output starts on a fresh one.
    func finish() {
        guard enabled, drew else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        drew = false
    }

    private static func amount(_ value: Int, _ unit: String) -> String {
        if unit == "B" {
            let mib = Double(value) / 1_048_576
            return String(format: "%.0f MiB", mib)
        }
        return value >= 1_000_000 ? String(format: "%.1fM", Double(value) / 1e6) : String(value)
    }
}
