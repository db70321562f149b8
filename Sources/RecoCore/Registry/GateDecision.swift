/// The quality gate's comparison of a candidate with the model that was current, on the same
/// held-out window of the newest events that neither trained on, and its decision.
public struct GateDecision: Sendable, Codable, Equatable {
    /// One model's figures on the window.
    public struct Figures: Sendable, Codable, Equatable {
        /// `reco evaluate --ranking`'s protocol on the window (relevant = the window's watches).
        public var ranking: RankingMetrics
        /// Prequential hit@10: the window replayed in time order, each watch checked against the
        /// customer's list with the earlier watches folded in.
        public var prequentialHitRate: Double
        /// The largest share of all top-10 slots one movie holds.
        public var topMovieShare: Double

        public init(ranking: RankingMetrics, prequentialHitRate: Double, topMovieShare: Double) {
            self.ranking = ranking
            self.prequentialHitRate = prequentialHitRate
            self.topMovieShare = topMovieShare
        }

        enum CodingKeys: String, CodingKey {
            case ranking
            case prequentialHitRate = "prequential_hit_rate"
            case topMovieShare = "top_movie_share"
        }
    }

    /// The held-out window.
    public struct Window: Sendable, Codable, Equatable {
        public var events: Int
        public var customers: Int
        /// ISO 8601 times of its first and last watch.
        public var from: String
        public var to: String

        public init(events: Int, customers: Int, from: String, to: String) {
            self.events = events
            self.customers = customers
            self.from = from
            self.to = to
        }
    }

    public var candidate: String
    /// The version that was current (nil: none yet, so nothing to compare with).
    public var baseline: String?
    public var window: Window
    public var candidateFigures: Figures
    public var baselineFigures: Figures?
    /// How far the candidate's NDCG@10 may fall below the baseline's.
    public var tolerance: Double
    public var passed: Bool
    /// Each rule's verdict in words: why it passed, or which refusal rules fired.
    public var reasons: [String]
    public var decidedAt: String

    public init(candidate: String, baseline: String?, window: Window, candidateFigures: Figures, baselineFigures: Figures?,
                tolerance: Double, passed: Bool, reasons: [String], decidedAt: String) {
        self.candidate = candidate
        self.baseline = baseline
        self.window = window
        self.candidateFigures = candidateFigures
        self.baselineFigures = baselineFigures
        self.tolerance = tolerance
        self.passed = passed
        self.reasons = reasons
        self.decidedAt = decidedAt
    }

    enum CodingKeys: String, CodingKey {
        case candidate, baseline, window, tolerance, passed, reasons
        case candidateFigures = "candidate_figures"
        case baselineFigures = "baseline_figures"
        case decidedAt = "decided_at"
    }
}
