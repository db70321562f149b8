import ArgumentParser
import RecoCore

/// The learning loop's weighting of recent feedback: every combination of the given watch
/// weights and half-lives is a candidate, chosen on validation (one: used as it is).
struct RecencyOptions: ParsableArguments {
    @Option(help: "With --registry: weights of a watch (a full-star rating weighs 1) to choose from, e.g. 1,4,16.")
    var watchWeight: ListOption<Float> = ListOption([1])

    @Option(help: "With --registry: half-lives in days of a watch's weight to choose from ('none': no decay), e.g. none,2.")
    var watchHalfLife: ListOption<HalfLife> = ListOption([HalfLife(days: nil)])

    var candidates: [RecencyWeighting] {
        watchWeight.values.flatMap { weight in watchHalfLife.values.map { RecencyWeighting(watchWeight: weight, halfLifeDays: $0.days) } }
    }

    func validate() throws {
        guard watchWeight.values.allSatisfy({ $0 > 0 && $0.isFinite }) else { throw ValidationError("--watch-weight values must be positive") }
    }
}

/// A half-life in days, or none.
struct HalfLife: LosslessStringConvertible, Sendable {
    var days: Double?

    init(days: Double?) {
        self.days = days
    }

    init?(_ description: String) {
        if description == "none" {
            days = nil
        } else if let days = Double(description), days > 0, days.isFinite {
            self.days = days
        } else {
            return nil
        }
    }

    var description: String { days.map { String($0) } ?? "none" }
}
