/// One line of the registry's append-only `history.jsonl`: a gate decision, a promotion or a rollback.
public struct RegistryEvent: Sendable, Codable, Equatable {
    public enum Action: String, Sendable, Codable {
        /// A candidate was gated (`reason` says passed or refused, and why).
        case gate
        case promote, rollback
    }

    /// ISO 8601.
    public var time: String
    public var action: Action
    /// The version that was current before (nil for the first promotion).
    public var from: String?
    public var to: String
    public var reason: String

    public init(time: String, action: Action, from: String?, to: String, reason: String) {
        self.time = time
        self.action = action
        self.from = from
        self.to = to
        self.reason = reason
    }
}
