import ArgumentParser

/// Where an executable's `--model` points by default, and what else the help should say.
public protocol ModelDefaults {
    /// nil: no default (the model is optional, or another option replaces it).
    static var modelPath: String? { get }
    /// Appended to `--model`'s help, e.g. "instead of --api".
    static var modelUsage: String { get }
}

/// The model file `reco train` writes by default.
public enum TrainedModelDefaults: ModelDefaults {
    public static let modelPath: String? = "model/svd.recomodel"
    public static let modelUsage = ""
}

/// `--model`: the model file from `reco train`.
public struct ModelOptions<Defaults: ModelDefaults>: ParsableArguments {
    @Option(name: .customLong("model"),
            help: ArgumentHelp("Model file from 'reco train'\(Defaults.modelUsage.isEmpty ? "" : " " + Defaults.modelUsage)\(Defaults.modelPath.map { " (default: \($0))" } ?? "")."))
    public var givenModelPath: String?

    public init() {}

    /// The model file: given, else the default; nil when neither.
    public var modelPath: String? { givenModelPath ?? Defaults.modelPath }
}
