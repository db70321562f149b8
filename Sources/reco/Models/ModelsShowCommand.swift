import ArgumentParser
import CommandOptions
import Foundation
import RecoCore

struct ModelsShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "One version's entry as JSON (default: current).")

    @Argument(help: "The version (default: current).")
    var version: String?

    @OptionGroup var registry: RegistryOptions

    func run() throws {
        let registry = registry.registry
        guard let version = try version ?? registry.currentVersion() else { throw ValidationError("nothing is current in \(registry.directory): name a version") }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(try registry.entry(version)), as: UTF8.self))
    }
}
