import ArgumentParser
import Logging

/// Options every subcommand takes.
struct GlobalOptions: ParsableArguments {
    @Option(help: "Log level: trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    @Flag(help: "Never draw progress bars, even on a terminal.")
    var noProgress = false

    func makeLogger(label: String) -> Logger {
        LoggingBootstrap.once(level: logLevel)
        return Logger(label: label)
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
