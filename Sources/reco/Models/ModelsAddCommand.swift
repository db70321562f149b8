import ArgumentParser
import CommandOptions
import Foundation
import RecoCore

/// Brings a model file trained outside the registry into it (its first version, typically).
struct ModelsAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Copy a model file into the registry as a version (named by its metadata), optionally making it current.")

    @Argument(help: "The model file (from 'reco train').")
    var file: String

    @Flag(help: "Make it current at once, without the gate (a registry's first model).")
    var promote = false

    @OptionGroup var registry: RegistryOptions

    func run() throws {
        let registry = registry.registry
        try registry.create()
        let model = try RecoModel(path: file)
        let version = model.metadata.version
        guard (try? registry.entry(version)) == nil else { throw ValidationError("version \(version) is already in \(registry.directory)") }
        // Copied through a temporary name: a reader never sees half a file under the version's name.
        let temporary = registry.modelPath(version) + ".tmp-\(getpid())"
        try? FileManager.default.removeItem(atPath: temporary)
        try FileManager.default.copyItem(atPath: file, toPath: temporary)
        guard rename(temporary, registry.modelPath(version)) == 0 else { throw ValidationError("cannot move the copy into \(registry.directory)") }
        try registry.register(RegistryEntry(metadata: model.metadata, createdBy: CreatedBy.describe(), addedAt: ModelRegistry.timestamp(Date())))
        print("added \(version) to \(registry.directory)")
        if promote {
            let event = try registry.promote(version, reason: "added and promoted (reco models add --promote), without the gate")
            print("promoted \(event.to) (was \(event.from ?? "none"))")
        }
    }
}
