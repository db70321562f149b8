import ArgumentParser
import CommandOptions
import RecoCore

struct ModelsRollbackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback", abstract: "Make the version current replaced current again (or --to VERSION): the way back, on every replica within seconds.")

    @Option(help: "Roll back to this version instead of the previous one.")
    var to: String?

    @Option(help: "Why, for history.jsonl.")
    var reason = "rolled back by hand"

    @OptionGroup var registry: RegistryOptions

    func run() throws {
        let event = try registry.registry.rollback(to: to, reason: reason)
        print("rolled back to \(event.to) (was \(event.from ?? "none")): \(event.reason)")
    }
}
