import Foundation

/// Replays the ratings after a training cutoff in time order, as a stream of watch events: for
/// each event, is its movie in that customer's current top-k (hit@k, and its NDCG@k: 1/log2(rank+1)),
/// then the event is folded in. Three recommenders see the same events:
/// - fold-in: the model with every earlier event of the replay folded in (`Recommender.foldIn`,
///   as reco-api replicas do), watched movies left out;
/// - frozen model: the same model file, nothing folded in;
/// - most popular: the most rated movies in training, the customer's training movies left out.
///
/// The model is trained on the ratings before the cutoff only (the day below which
/// `trainingFraction` of the ratings fall), written to a model file and served from it, so the
/// code measured is the code that serves. Events on the cutoff day and after are replayed in
/// (day, input row) order; their movies count whether or not training knew them.
public struct PrequentialEvaluation: Sendable {
    public var trainingFraction = 0.8
    public var k = 10
    public var svd: TrainingParameters
    public var ranker: RankerParameters

    public init(svd: TrainingParameters, ranker: RankerParameters) {
        self.svd = svd
        self.ranker = ranker
    }

    public struct Row: Codable, Sendable, Equatable {
        public var recommender: String
        public var hitRate: Double
        public var ndcg: Double
        public var hits: Int

        enum CodingKeys: String, CodingKey {
            case recommender, ndcg, hits
            case hitRate = "hit_rate"
        }
    }

    public struct Result: Codable, Sendable {
        public var cutoffDay: Int
        public var trainingRatings: Int
        public var events: Int
        /// Events whose customer the model did not know at the cutoff.
        public var newCustomerEvents: Int
        public var k: Int
        public var ranker: String
        public var rows: [Row]
        /// Mean microseconds per event of fold-in plus top-k (the fold-in replay's cost).
        public var foldInMicroseconds: Double
        /// EASE: events whose top-k from kept scores (`FoldedScoreCache`, as a following replica
        /// serves them) differs from the top-k scored from scratch; nil for other rankers.
        public var keptScoreListsDiffering: Int?

        enum CodingKeys: String, CodingKey {
            case events, k, ranker, rows
            case keptScoreListsDiffering = "kept_score_lists_differing"
            case cutoffDay = "cutoff_day"
            case trainingRatings = "training_ratings"
            case newCustomerEvents = "new_customer_events"
            case foldInMicroseconds = "fold_in_microseconds"
        }
    }

    public enum Progress: Sendable {
        case training(ratings: Int, cutoffDay: Int)
        case replaying(done: Int, of: Int)
    }

    public func run(_ dataset: RatingsDataset, modelPath: String, progress: (Progress) -> Void = { _ in }) throws -> Result {
        guard dataset.count > 10 else { throw TrainingError.invalidParameter("prequential evaluation needs more than 10 ratings") }
        guard trainingFraction > 0, trainingFraction < 1 else { throw TrainingError.invalidParameter("training fraction must be between 0 and 1") }
        let cutoffDay = Int(dataset.days.sorted()[min(dataset.count - 1, Int(Double(dataset.count) * trainingFraction))])
        var table = RatingsTable()
        var events: [Int] = []
        for row in 0..<dataset.count {
            if Int(dataset.days[row]) < cutoffDay {
                table.append(customer: dataset.customerIds[Int(dataset.customerIndex[row])], movie: dataset.movieIds[Int(dataset.movieIndex[row])],
                             halfStars: dataset.halfStars[row], day: dataset.days[row])
            } else {
                events.append(row)
            }
        }
        events.sort { dataset.days[$0] != dataset.days[$1] ? dataset.days[$0] < dataset.days[$1] : $0 < $1 }
        let training = RatingsDataset(table, scale: dataset.scale)
        guard training.count > 0, !events.isEmpty else { throw TrainingError.invalidParameter("the cutoff leaves no training ratings or no events") }
        progress(.training(ratings: training.count, cutoffDay: cutoffDay))
        var job = TrainingJob(dataset: training, parameters: svd)
        job.rankers = [ranker]
        job.rankerValidation = nil
        let outcome = try job.run()
        try job.write(outcome, to: modelPath)
        let recommender = Recommender(model: try RecoModel(path: modelPath))

        let popular = Self.popularOrder(training)
        var trainingMovies: [UInt32: Set<UInt32>] = [:]
        for row in 0..<training.count {
            trainingMovies[training.customerIds[Int(training.customerIndex[row])], default: []].insert(training.movieIds[Int(training.movieIndex[row])])
        }
        var frozenLists: [UInt32: [UInt32]] = [:]
        var watched: [UInt32: [UInt32]] = [:]
        // EASE: the scores a following replica keeps, folded watch by watch, beside the from-scratch fold-in.
        let keptScores = FoldedScoreCache(recommender: recommender, byteBudget: 1 << 30)
        var keptDiffering = 0
        var sums = [(hits: 0, ndcg: 0.0), (hits: 0, ndcg: 0.0), (hits: 0, ndcg: 0.0), (hits: 0, ndcg: 0.0)]
        var newCustomerEvents = 0
        var foldInTime = Duration.zero
        func score(_ list: [UInt32], _ movie: UInt32, into slot: Int) {
            guard let position = list.firstIndex(of: movie) else { return }
            sums[slot].hits += 1
            sums[slot].ndcg += 1 / log2(Double(position) + 2)
        }
        for (done, row) in events.enumerated() {
            let customer = dataset.customerIds[Int(dataset.customerIndex[row])]
            let movie = dataset.movieIds[Int(dataset.movieIndex[row])]
            if trainingMovies[customer] == nil { newCustomerEvents += 1 }
            let started = ContinuousClock.now
            let history = watched[customer] ?? []
            let folded = history.isEmpty ? nil : recommender.foldIn(customerId: customer, watched: history)
            let current = recommender.recommend(customerId: customer, limit: k, folded: folded).items.map(\.movieId)
            foldInTime += ContinuousClock.now - started
            score(current, movie, into: 0)
            let frozen = frozenLists[customer] ?? recommender.recommend(customerId: customer, limit: k).items.map(\.movieId)
            frozenLists[customer] = frozen
            score(frozen, movie, into: 1)
            let own = trainingMovies[customer] ?? []
            score(Array(popular.lazy.filter { !own.contains($0) }.prefix(k)), movie, into: 2)
            if let keptScores {
                let kept = folded.map { keptScores.withScores(customerId: customer, $0) }
                let list = recommender.recommend(customerId: customer, limit: k, folded: kept).items.map(\.movieId)
                score(list, movie, into: 3)
                if list != current { keptDiffering += 1 }
            }
            watched[customer, default: []].append(movie)
            if let keptScores, let now = recommender.foldIn(customerId: customer, watched: watched[customer] ?? []) {
                keptScores.fold(customerId: customer, folded: now)
            }
            if done % 1_000 == 999 { progress(.replaying(done: done + 1, of: events.count)) }
        }
        progress(.replaying(done: events.count, of: events.count))
        var names = ["fold-in (\(ranker.kind.title))", "frozen model (\(ranker.kind.title))", "most popular"]
        if keptScores != nil { names.append("fold-in, kept scores (\(ranker.kind.title))") }
        let rows = zip(names, sums).map { name, sum in
            Row(recommender: name, hitRate: Double(sum.hits) / Double(events.count), ndcg: sum.ndcg / Double(events.count), hits: sum.hits)
        }
        return Result(cutoffDay: cutoffDay, trainingRatings: training.count, events: events.count, newCustomerEvents: newCustomerEvents,
                      k: k, ranker: ranker.summary, rows: rows,
                      foldInMicroseconds: foldInTime.seconds * 1e6 / Double(events.count),
                      keptScoreListsDiffering: keptScores == nil ? nil : keptDiffering)
    }

    /// Movie ids by training ratings, most first, ties to the smaller id.
    static func popularOrder(_ training: RatingsDataset) -> [UInt32] {
        var counts = [Int](repeating: 0, count: training.movieCount)
        for movie in training.movieIndex { counts[Int(movie)] += 1 }
        return counts.indices.sorted { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : training.movieIds[$0] < training.movieIds[$1] }
            .map { training.movieIds[$0] }
    }
}
