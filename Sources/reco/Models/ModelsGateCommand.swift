import ArgumentParser
import CommandOptions
import Foundation
import RecoCore

/// The loop's quality gate: candidate against current on the candidate's held-out watches.
struct ModelsGateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate",
        abstract: "Compare a candidate with the current model on the newest watches neither learned from; on a pass, refit it on everything.",
        discussion: """
            Both models are measured on the candidate's held-out window (the newest --gate-window of its exported watches): ranking metrics (top-10 per window customer at the window's start) and prequential hit@10 (the window replayed in time order, fold-in on); the current model folds in the exported watches before the window, which the candidate learned. It passes when its NDCG@10 is not below current's by more than --tolerance and no refusal rule fires (its file does not load, a movie holds more than --max-top-share of all top-10 slots, coverage below --min-coverage-ratio of current's). The decision and both sets of figures go into its entry and history.jsonl. On a pass the candidate is refitted on everything (the window included) and that refit joins the registry for 'promote --latest-gated'.

            Exit status: 0 passed, 99 refused (Airflow's and dagrun's 'skip' code: the DAG skips promote), 1 failed.
            """)

    @Argument(help: "The candidate (default: the newest version not gated yet).")
    var version: String?

    @Option(help: "How far the candidate's NDCG@10 may fall below current's.")
    var tolerance = 0.005

    @Option(help: "Refuse when one movie holds more than this share of all top-10 slots.")
    var maxTopShare = 0.2

    @Option(help: "Refuse when the candidate's catalogue coverage falls below this share of current's.")
    var minCoverageRatio = 0.5

    @Flag(help: "Decide only; do not refit a passing candidate.")
    var noRefit = false

    @OptionGroup var registry: RegistryOptions
    @OptionGroup var global: GlobalOptions

    /// dagrun's and Airflow's BashOperator's exit code for "skipped".
    static let refusedExitCode: Int32 = 99

    func run() throws {
        let logger = global.makeLogger(label: "reco.gate")
        let registry = registry.registry
        let current = try registry.currentVersion()
        let candidate = try chooseCandidate(registry, current: current)
        guard let recipe = candidate.recipe, candidate.heldOutWatches != nil else {
            throw ValidationError("\(candidate.version) has no held-out watches: train it with 'reco train --registry … --gate-window F'")
        }
        var gate = QualityGate()
        gate.tolerance = tolerance
        gate.maximumTopShare = maxTopShare
        gate.minimumCoverageRatio = minCoverageRatio
        let decision = try gate.judge(candidate, against: current, in: registry) { window in
            Console.line("gate: \(candidate.version) against \(current ?? "nothing") on \(Decimals.grouped(window.count)) held-out watches of \(Decimals.grouped(Set(window.map(\.customerId)).count)) customers")
        }
        try registry.record(decision)
        print(GateTable.text(decision))
        logger.info("gate decided", metadata: ["gate.candidate": "\(candidate.version)", "gate.passed": "\(decision.passed)",
                                               "gate.reasons": "\(decision.reasons.joined(separator: "; "))"])
        guard decision.passed else {
            print("gate: refused \(candidate.version): \(decision.reasons.joined(separator: "; "))")
            throw ExitCode(Self.refusedExitCode)
        }
        print("gate: passed \(candidate.version): \(decision.reasons.joined(separator: "; "))")
        guard !noRefit else { return }
        var gated = candidate
        gated.gate = decision
        let started = ContinuousClock.now
        let refit = try CandidateTrainer(registry: registry, recipe: recipe).train(
            refitOf: gated, parent: current, parentCutoff: current.flatMap { try? registry.entry($0).metadata.effectiveCutoff },
            createdBy: CreatedBy.describe(), observe: { _ in })
        print("refit on everything: \(refit.version) (\(Decimals.format((ContinuousClock.now - started).seconds, places: 1)) s), ready for 'reco models promote --latest-gated'")
    }

    private func chooseCandidate(_ registry: ModelRegistry, current: String?) throws -> RegistryEntry {
        if let version { return try registry.entry(version) }
        let entries = try registry.entries()
        let currentCreated = entries.first { $0.version == current }?.metadata.createdAt ?? ""
        guard let newest = entries.last(where: { $0.gate == nil && $0.heldOutWatches != nil && $0.metadata.createdAt > currentCreated }) else {
            throw ValidationError("no candidate to gate in \(registry.directory): train one with 'reco train --registry'")
        }
        return newest
    }
}
