import ArgumentParser

/// Where a consumer group without committed offsets starts reading.
public enum AutoOffsetReset: String, CaseIterable, ExpressibleByArgument, Sendable {
    case earliest
    case latest
}
