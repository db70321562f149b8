import ArgumentParser

/// What a consuming service does once it found a gap (`StreamGap`), after it logged, counted and
/// recorded it: `fail` stops the service with an error (exit 1) before it reads past the gap, so
/// a supervisor or the DAG run notices and the loss is accepted only by a person (running it
/// again with `continue`); `continue` goes on reading after the gap.
public enum GapPolicy: String, Sendable, CaseIterable, ExpressibleByArgument {
    case fail
    case `continue`
}
