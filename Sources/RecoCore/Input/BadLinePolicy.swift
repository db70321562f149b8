/// What a reader does with a line it cannot parse.
public enum BadLinePolicy: Sendable {
    /// Stop with an `InputError` naming the file and line.
    case fail
    /// Skip the line, count it and keep the first few errors as examples.
    case skip
}

/// Lines a reader skipped under `BadLinePolicy.skip`.
public struct SkippedLines: Sendable, Equatable {
    public static let exampleLimit = 5
    public private(set) var count = 0
    public private(set) var examples: [InputError] = []

    public init() {}

    mutating func record(_ error: InputError) {
        count += 1
        if examples.count < Self.exampleLimit { examples.append(error) }
    }

    mutating func merge(_ other: SkippedLines) {
        count += other.count
        for example in other.examples where examples.count < Self.exampleLimit {
            examples.append(example)
        }
    }
}
