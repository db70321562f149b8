import Foundation

/// Whether a candidate may replace the serving model: both are measured on the same held-out
/// window of the newest watches, which neither learned from. The serving model folds in the
/// watches before the window that the candidate learned (so both know the same history), then:
///
/// - ranking (`reco evaluate --ranking`'s protocol): each window customer's top-10, computed once
///   at the window's start, against the movies they watched in it (minus what the list could not
///   hold: movies already in their history);
/// - prequential hit@10: the window replayed in time order, each watch checked against the
///   customer's list with their earlier watches folded in, then folded in itself.
///
/// The candidate passes when its NDCG@10 is not below the serving model's by more than
/// `tolerance` and no refusal rule fires: its file does not load, one movie holds more than
/// `maximumTopShare` of all top-10 slots, or its catalogue coverage falls below
/// `minimumCoverageRatio` of the serving model's.
public struct QualityGate: Sendable {
    public var tolerance = 0.005
    public var maximumTopShare = 0.2
    public var minimumCoverageRatio = 0.5
    public var k = 10

    public init() {}

    /// One model's figures on `window` (in time order), `before` folded in first. Coverage is
    /// the share of `catalogueSize` movies (default: the model's) that some list holds: give both
    /// models the same size, or a candidate that knows more movies looks as if it covered less.
    public func figures(_ recommender: Recommender, foldingIn before: [WatchHistoryReader.Watch],
                        window: [WatchHistoryReader.Watch], catalogueSize: Int? = nil) -> GateDecision.Figures {
        var history: [UInt32: [UInt32]] = [:]
        for watch in before { history[watch.customerId, default: []].append(watch.movieId) }
        var watched: [UInt32: Set<UInt32>] = [:]
        var order: [UInt32] = []
        for watch in window {
            if watched[watch.customerId] == nil { order.append(watch.customerId) }
            watched[watch.customerId, default: []].insert(watch.movieId)
        }
        // Ranking: each customer's list at the window's start.
        var sums = (precision: 0.0, recall: 0.0, ndcg: 0.0, map: 0.0, hit: 0.0)
        var evaluated = 0
        var timesRecommended: [UInt32: Int] = [:]
        var slots = 0
        for customer in order {
            let known = history[customer] ?? []
            let folded = known.isEmpty ? nil : recommender.foldIn(customerId: customer, watched: known)
            let list = recommender.recommend(customerId: customer, limit: k, folded: folded).items.map(\.movieId)
            for movie in list { timesRecommended[movie, default: 0] += 1 }
            slots += list.count
            let excluded = excludedMovies(recommender, customer: customer, folded: known)
            let relevant = (watched[customer] ?? []).subtracting(excluded)
            guard !relevant.isEmpty else { continue }
            let figures = RankingMetrics.customerFigures(hits: list.map(relevant.contains), relevant: relevant.count, k: k)
            sums.precision += figures.precision
            sums.recall += figures.recall
            sums.ndcg += figures.ndcg
            sums.map += figures.map
            sums.hit += figures.hit
            evaluated += 1
        }
        let n = Double(max(evaluated, 1))
        let topTen = timesRecommended.values.sorted(by: >).prefix(10).reduce(0, +)
        let ranking = RankingMetrics(k: k, precision: sums.precision / n, recall: sums.recall / n, ndcg: sums.ndcg / n, map: sums.map / n,
                                     hitRate: sums.hit / n, coverage: Double(timesRecommended.count) / Double(max(catalogueSize ?? recommender.model.movieCount, 1)),
                                     concentration: Double(topTen) / Double(max(slots, 1)), customers: evaluated)
        // Prequential: watch by watch, in time order.
        var hits = 0
        for watch in window {
            let known = history[watch.customerId] ?? []
            let folded = known.isEmpty ? nil : recommender.foldIn(customerId: watch.customerId, watched: known)
            let list = recommender.recommend(customerId: watch.customerId, limit: k, folded: folded).items
            if list.contains(where: { $0.movieId == watch.movieId }) { hits += 1 }
            history[watch.customerId, default: []].append(watch.movieId)
        }
        let topShare = Double(timesRecommended.values.max() ?? 0) / Double(max(slots, 1))
        return GateDecision.Figures(ranking: ranking, prequentialHitRate: Double(hits) / Double(max(window.count, 1)), topMovieShare: topShare)
    }

    /// The decision from both models' figures (`baseline` nil: nothing serves yet, the rules alone decide).
    public func decide(candidate: String, candidateFigures: GateDecision.Figures?, loadFailure: String? = nil,
                       baseline: String?, baselineFigures: GateDecision.Figures?, window: [WatchHistoryReader.Watch],
                       decidedAt: String) -> GateDecision {
        var refusals: [String] = []
        var reasons: [String] = []
        let empty = GateDecision.Figures(ranking: RankingMetrics.mean([]), prequentialHitRate: 0, topMovieShare: 0)
        let figures = candidateFigures ?? empty
        if let loadFailure { refusals.append("the candidate's file does not load: \(loadFailure)") }
        if let baselineFigures {
            let difference = figures.ranking.ndcg - baselineFigures.ranking.ndcg
            let line = "NDCG@\(k) \(Self.format(figures.ranking.ndcg)) vs \(Self.format(baselineFigures.ranking.ndcg)) serving (\(difference >= 0 ? "+" : "")\(Self.format(difference)), tolerance \(Self.format(tolerance)))"
            if difference < -tolerance { refusals.append(line) } else { reasons.append(line) }
            let coverageFloor = baselineFigures.ranking.coverage * minimumCoverageRatio
            if figures.ranking.coverage < coverageFloor {
                refusals.append("catalogue coverage collapses: \(Self.percent(figures.ranking.coverage)) against \(Self.percent(baselineFigures.ranking.coverage)) serving (at least \(Self.percent(minimumCoverageRatio)) of it)")
            }
        } else {
            reasons.append("nothing serves yet: NDCG@\(k) \(Self.format(figures.ranking.ndcg)) stands alone")
        }
        if figures.topMovieShare > maximumTopShare {
            refusals.append("one movie holds \(Self.percent(figures.topMovieShare)) of all top-\(k) slots (at most \(Self.percent(maximumTopShare)))")
        }
        let times = window.compactMap(\.watchedAt)
        let span = GateDecision.Window(events: window.count, customers: Set(window.map(\.customerId)).count,
                                       from: times.min().map(RFC3339.string(microsecondsSinceEpoch:)) ?? "",
                                       to: times.max().map(RFC3339.string(microsecondsSinceEpoch:)) ?? "")
        return GateDecision(candidate: candidate, baseline: baseline, window: span, candidateFigures: figures, baselineFigures: baselineFigures,
                            tolerance: tolerance, passed: refusals.isEmpty, reasons: refusals.isEmpty ? reasons : refusals, decidedAt: decidedAt)
    }

    /// What a model leaves out of a customer's list: their training history and folded watches.
    private func excludedMovies(_ recommender: Recommender, customer: UInt32, folded: [UInt32]) -> Set<UInt32> {
        var excluded = Set(folded)
        let model = recommender.model
        if let index = model.customerIndex(of: customer) {
            for movie in model.ratedMovies(customer: index) where Int(movie) < model.movieCount { excluded.insert(model.movieIds[Int(movie)]) }
        }
        return excluded
    }

    static func format(_ value: Double) -> String { Decimals.format(value, places: 4) }
    static func percent(_ value: Double) -> String { Decimals.format(value * 100, places: 1) + "%" }

    /// The movies either model knows: the one catalogue both coverages are measured on.
    public static func commonCatalogueSize(_ models: [RecoModel]) -> Int {
        var movies = Set<UInt32>()
        for model in models { movies.formUnion(model.movieIds) }
        return movies.count
    }

    /// Compares `candidate` with `current` of `registry` on the candidate's held-out window,
    /// as `reco models gate` and the loop simulation do: current folds in what the candidate
    /// learned of the export before the window, both coverages are measured on the movies
    /// either knows, and a candidate whose file does not load is refused. `comparing` sees the
    /// window before the (long) measuring starts.
    public func judge(_ candidate: RegistryEntry, against current: String?, in registry: ModelRegistry, now: Date = Date(),
                      comparing: ([WatchHistoryReader.Watch]) -> Void = { _ in }) throws -> GateDecision {
        guard let recipe = candidate.recipe, let windowPath = candidate.heldOutWatches else {
            throw RegistryError(.refused, "\(candidate.version) has no held-out watches: train it with 'reco train --registry … --gate-window F'")
        }
        let window = try WatchHistoryReader(path: windowPath).read()
        let inputs = try CandidateTrainer(registry: registry, recipe: recipe).inputs(holdingOutWindow: true)
        comparing(window)
        let servingModel = try current.map { try RecoModel(path: registry.modelPath($0)) }
        var candidateModel: RecoModel?
        var loadFailure: String?
        do {
            candidateModel = try RecoModel(path: registry.modelPath(candidate.version))
        } catch {
            loadFailure = "\(error)"
        }
        let catalogueSize = Self.commonCatalogueSize([servingModel, candidateModel].compactMap { $0 })
        let baselineFigures = servingModel.map { figures(Recommender(model: $0), foldingIn: inputs.beforeWindow, window: window, catalogueSize: catalogueSize) }
        let candidateFigures = candidateModel.map { figures(Recommender(model: $0), foldingIn: [], window: window, catalogueSize: catalogueSize) }
        return decide(candidate: candidate.version, candidateFigures: candidateFigures, loadFailure: loadFailure, baseline: current,
                      baselineFigures: baselineFigures, window: window, decidedAt: ModelRegistry.timestamp(now))
    }
}
