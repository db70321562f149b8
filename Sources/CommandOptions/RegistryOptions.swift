import ArgumentParser
import RecoCore

/// `--registry DIR`: the model registry (versions, `current`, history). `reco models` uses the
/// default when it is not given; `reco train`, reco-api and the stream services use a registry
/// only when it is.
public struct RegistryOptions: ParsableArguments {
    @Option(name: .customLong("registry"),
            help: "Model registry directory (versions, the 'current' pointer, history.jsonl; default for 'reco models': \(ModelRegistry.defaultDirectory)).")
    public var givenDirectory: String?

    public init() {}

    public var isGiven: Bool { givenDirectory != nil }

    public var directory: String { givenDirectory ?? ModelRegistry.defaultDirectory }

    public var registry: ModelRegistry { ModelRegistry(directory: directory) }
}
