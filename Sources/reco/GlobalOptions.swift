import ArgumentParser
import CommandOptions
import Logging

/// Options every subcommand takes.
struct GlobalOptions: ParsableArguments {
    @OptionGroup var logging: LoggingOptions

    @Flag(help: "Never draw progress bars, even on a terminal.")
    var noProgress = false

    func makeLogger(label: String) -> Logger {
        logging.bootstrap(label: label)
    }
}
