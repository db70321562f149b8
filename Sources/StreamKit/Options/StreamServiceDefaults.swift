/// What differs between the stream services' shared options: each service names its own
/// consumer group and batch size, so the option groups take them as a type parameter and
/// `--help` shows each service's own defaults.
public protocol StreamServiceDefaults {
    /// The consumer group a service joins unless `--group` says otherwise.
    static var group: String { get }
    /// Messages per batch unless `--batch-size` says otherwise.
    static var batchSize: Int { get }
    /// What the service does at a gap in its topic unless `--on-gap` says otherwise.
    static var onGap: GapPolicy { get }
}

extension StreamServiceDefaults {
    /// No event lost in silence: a gap stops the service unless a person says to read on.
    public static var onGap: GapPolicy { .fail }
}
