import Foundation

/// The learning loop run day by day on a synthetic world (`SyntheticWorld`), offline: each day's
/// watches are replayed in time order against three recommenders, and after the day the loop
/// trains a candidate on everything so far, gates it against the serving model on the day's
/// newest watches, and promotes the refit when it passes.
///
/// - frozen: the day-0 model, nothing folded in;
/// - fold-in: the day-0 model with every watch since day 0 folded in (what a replica serves
///   without the loop);
/// - retrained: the model the loop made current by the day's start, with what came after its
///   training folded in (the day's earlier watches, and whole days a refusing gate left to it),
///   as a replica following the log serves it.
///
/// Per day: prequential hit@10 of each, the share of the day's watches that go to movies newer
/// than day 0, and the share of the retrained model's top-10 slots that hold them.
public struct LoopSimulation: Sendable {
    public struct Day: Sendable, Codable, Equatable {
        public var day: Int
        public var watches: Int
        public var newMovieWatchShare: Double
        public var frozen: Double
        public var foldIn: Double
        public var retrained: Double
        public var retrainedNewMovieSlotShare: Double
        public var servingVersion: String
        /// The gate's verdict after the day ("passed", "refused: …").
        public var gate: String
        /// The candidate's weighting of watches by age (chosen on validation when several are offered).
        public var recency: String
        public var loopSeconds: Double
    }

    public let registry: ModelRegistry
    /// The base recipe: prepared data, parameters, rankers, gate window (its watch files are ignored).
    public let recipe: TrainingRecipe
    /// `SyntheticWorld`'s output folder.
    public let world: String
    /// Movies of day 0, the prepared ratings' (any other is new).
    public let baseMovies: Set<UInt32>
    public var gate = QualityGate()

    public init(registry: ModelRegistry, recipe: TrainingRecipe, world: String, baseMovies: Set<UInt32>) {
        self.registry = registry
        self.recipe = recipe
        self.world = world
        self.baseMovies = baseMovies
    }

    /// Runs day 0 (a model of the ratings alone, promoted) and then `days` days of the world.
    public func run(days: Int, progress: (String) -> Void = { _ in }) throws -> [Day] {
        try registry.create()
        var base = recipe
        base.watchFiles = []
        base.earlierWatchFiles = []
        base.gateWindow = 0
        let day0 = try CandidateTrainer(registry: registry, recipe: base).train(parent: nil, parentCutoff: nil, createdBy: "reco models simulate")
        try registry.promote(day0.version, reason: "day 0")
        progress("day 0: \(day0.version) trained on the ratings")
        let frozen = Recommender(model: try RecoModel(path: registry.modelPath(day0.version)))
        var sinceDay0: [WatchHistoryReader.Watch] = []
        var serving = frozen
        var servingVersion = day0.version
        // The watches the serving model did not learn (days after its training): a replica folds them in.
        var servingUnlearned: [WatchHistoryReader.Watch] = []
        var learnedThroughDay = 0
        var results: [Day] = []
        for day in 1...days {
            let file = SyntheticWorld.dayDirectory(world, day: day) + "/watches.csv"
            let watches = try WatchHistoryReader(path: file).read()
            let frozenRate = Self.prequential(frozen, prior: [], events: watches, foldIn: false, baseMovies: baseMovies).hitRate
            let foldInRate = Self.prequential(frozen, prior: sinceDay0, events: watches, foldIn: true, baseMovies: baseMovies).hitRate
            let retrained = Self.prequential(serving, prior: servingUnlearned, events: watches, foldIn: true, baseMovies: baseMovies)
            sinceDay0 += watches
            servingUnlearned += watches
            // The loop after the day: a candidate on everything so far, gated on the day's newest watches.
            let started = ContinuousClock.now
            var candidateRecipe = recipe
            candidateRecipe.catalogue = SyntheticWorld.dayDirectory(world, day: day) + "/movies.csv"
            // As the DAG does: the export holds every watch since current's cutoff (the days a
            // refusing gate left unlearned too); what current learned is its ancestors' part.
            candidateRecipe.watchFiles = ((learnedThroughDay + 1)...day).map { SyntheticWorld.dayDirectory(world, day: $0) + "/watches.csv" }
            candidateRecipe.earlierWatchFiles = (0..<learnedThroughDay).map { SyntheticWorld.dayDirectory(world, day: $0 + 1) + "/watches.csv" }
            let trainer = CandidateTrainer(registry: registry, recipe: candidateRecipe)
            let current = try registry.currentVersion()
            let parentCutoff = try current.map { try registry.entry($0).metadata.effectiveCutoff }
            let candidate = try trainer.train(parent: current, parentCutoff: parentCutoff, createdBy: "reco models simulate")
            let decision = try gate.judge(candidate, against: current, in: registry)
            try registry.record(decision)
            var verdict = "refused: " + decision.reasons.joined(separator: "; ")
            if decision.passed {
                var gated = candidate
                gated.gate = decision
                let refit = try trainer.train(refitOf: gated, parent: current, parentCutoff: parentCutoff, createdBy: "reco models simulate")
                try registry.promote(refit.version, reason: "day \(day): passed the gate")
                serving = Recommender(model: try RecoModel(path: registry.modelPath(refit.version)))
                servingUnlearned = []
                learnedThroughDay = day
                verdict = "passed"
            }
            let seconds = (ContinuousClock.now - started).seconds
            results.append(Day(day: day, watches: watches.count,
                               newMovieWatchShare: Double(watches.filter { !baseMovies.contains($0.movieId) }.count) / Double(max(watches.count, 1)),
                               frozen: frozenRate, foldIn: foldInRate, retrained: retrained.hitRate,
                               retrainedNewMovieSlotShare: retrained.newMovieSlotShare, servingVersion: servingVersion, gate: verdict,
                               recency: candidate.recency?.chosen.description ?? RecencyWeighting.none.description, loopSeconds: seconds))
            servingVersion = try registry.currentVersion() ?? servingVersion
            progress("day \(day): hit@10 frozen \(Decimals.format(frozenRate, places: 4)), fold-in \(Decimals.format(foldInRate, places: 4)), retrained \(Decimals.format(retrained.hitRate, places: 4)); gate \(verdict) (\(Decimals.format(seconds, places: 1)) s)")
        }
        return results
    }

    /// Prequential hit@10 of `events` (in time order), `prior` folded in first; with `foldIn`
    /// each event joins its customer's history after it is checked. Also the share of all lists'
    /// slots that hold movies newer than day 0.
    static func prequential(_ recommender: Recommender, prior: [WatchHistoryReader.Watch], events: [WatchHistoryReader.Watch], foldIn: Bool,
                            baseMovies: Set<UInt32>) -> (hitRate: Double, newMovieSlotShare: Double) {
        var history: [UInt32: [UInt32]] = [:]
        for watch in prior { history[watch.customerId, default: []].append(watch.movieId) }
        var hits = 0
        var slots = 0
        var newSlots = 0
        for event in events {
            let known = history[event.customerId] ?? []
            let folded = known.isEmpty ? nil : recommender.foldIn(customerId: event.customerId, watched: known)
            let list = recommender.recommend(customerId: event.customerId, limit: 10, folded: folded).items
            if list.contains(where: { $0.movieId == event.movieId }) { hits += 1 }
            slots += list.count
            newSlots += list.filter { !baseMovies.contains($0.movieId) }.count
            if foldIn { history[event.customerId, default: []].append(event.movieId) }
        }
        return (Double(hits) / Double(max(events.count, 1)), Double(newSlots) / Double(max(slots, 1)))
    }
}
