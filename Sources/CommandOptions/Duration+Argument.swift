import ArgumentParser
import RecoCore

/// Durations on the command line are seconds, fractions kept (`--api-timeout 0.5` is 500 ms).
extension Duration: @retroactive ExpressibleByArgument {
    public init?(argument: String) {
        guard let seconds = Double(argument), seconds.isFinite, seconds >= 0, seconds < 1e12 else { return nil }
        self = .seconds(seconds)
    }

    public var defaultValueDescription: String {
        let seconds = self.seconds
        return seconds == seconds.rounded() ? "\(Int64(seconds)) s" : "\(seconds) s"
    }
}
