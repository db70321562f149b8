import ArgumentParser
import CommandOptions

/// Options of the commands that read or write runs.
struct CommonOptions: ParsableArguments {
    @Option(help: "Folder of run states and logs.")
    var runsDir = "runs"

    @OptionGroup var logging: LoggingOptions
}
