import Foundation

/// What the registry keeps beside each `<version>.recomodel`: the model's own metadata (parent,
/// cutoff, data, parameters, validation), who made it, and the quality gate's decision once it
/// was gated. Stored as `<version>.json`; the model file itself never changes.
public struct RegistryEntry: Sendable, Codable, Equatable {
    public var metadata: ModelMetadata
    /// The command, user and host that made it, e.g. "reco train --registry model/registry (root@ci)".
    public var createdBy: String
    /// When it entered the registry (ISO 8601).
    public var addedAt: String
    /// The gate's comparison with the model that was current, once `reco models gate` ran.
    public var gate: GateDecision?
    /// How it was trained (candidates: so the gate can refit on everything).
    public var recipe: TrainingRecipe?
    /// A candidate's held-out watches (the newest of its export), a CSV in the registry; nil
    /// for a model trained on everything.
    public var heldOutWatches: String?
    /// For a refit: the candidate whose gate it passed.
    public var refitOf: String?
    /// How its watches were weighted by age, and the validation that chose it.
    public var recency: RecencySelection.Outcome?

    public init(metadata: ModelMetadata, createdBy: String, addedAt: String, gate: GateDecision? = nil, recipe: TrainingRecipe? = nil,
                heldOutWatches: String? = nil, refitOf: String? = nil) {
        self.metadata = metadata
        self.createdBy = createdBy
        self.addedAt = addedAt
        self.gate = gate
        self.recipe = recipe
        self.heldOutWatches = heldOutWatches
        self.refitOf = refitOf
    }

    public var version: String { metadata.version }

    enum CodingKeys: String, CodingKey {
        case metadata, gate, recipe
        case createdBy = "created_by"
        case addedAt = "added_at"
        case heldOutWatches = "held_out_watches"
        case refitOf = "refit_of"
        case recency
    }
}
