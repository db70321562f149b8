import ArgumentParser
import CommandOptions
import RecoCore

struct ModelsPruneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune", abstract: "Remove all but the newest versions; current and its parent always stay.")

    @Option(help: "Versions to keep besides current and its parent.")
    var keep: Int

    @OptionGroup var registry: RegistryOptions

    func validate() throws {
        guard keep >= 0 else { throw ValidationError("--keep must be 0 or more") }
    }

    func run() throws {
        let removed = try registry.registry.prune(keep: keep)
        print(removed.isEmpty ? "nothing to remove" : "removed \(removed.count): \(removed.joined(separator: ", "))")
    }
}
