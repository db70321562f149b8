import ArgumentParser
import CommandOptions
import RecoCore

struct ModelsPromoteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "promote", abstract: "Make a version current (every replica following the registry serves it within seconds).",
        discussion: "With --latest-gated: the newest version that passed the gate (a refit) and is newer than current; none: exit 0 with a notice, nothing changed.")

    @Argument(help: "The version to promote.")
    var version: String?

    @Flag(help: "Promote the newest gated version newer than current.")
    var latestGated = false

    @Option(help: "Why, for history.jsonl.")
    var reason = "promoted by hand"

    @OptionGroup var registry: RegistryOptions

    func validate() throws {
        guard (version == nil) != !latestGated else { throw ValidationError("give a VERSION or --latest-gated") }
    }

    func run() throws {
        let registry = registry.registry
        var target = version
        var why = reason
        if latestGated {
            let current = try registry.currentVersion()
            let entries = try registry.entries()
            let currentCreated = entries.first { $0.version == current }?.metadata.createdAt ?? ""
            guard let newest = entries.last(where: { $0.gate?.passed == true && $0.refitOf != nil && $0.metadata.createdAt > currentCreated }) else {
                print("no gated version newer than \(current ?? "nothing"): nothing promoted")
                return
            }
            target = newest.version
            if reason == "promoted by hand" { why = "passed the gate as \(newest.refitOf ?? newest.version)" }
        }
        let event = try registry.promote(target ?? "", reason: why)
        print("promoted \(event.to) (was \(event.from ?? "none")): \(event.reason)")
    }
}
