import Foundation

/// The days after the synthetic ratings, for the learning loop's test bed: each day customers'
/// hidden tastes drift, new movies arrive, and customers watch movies their taste favours. The
/// watches come from the same hidden structure as the ratings (`SyntheticDataGenerator`), so a
/// model that learns them learns something true, and one that does not falls behind.
///
/// A day: `watchesPerDay` watches by customers drawn by activity; each picks among
/// `candidates` movies drawn by popularity (a new movie enters the popularity ranks at a random
/// place among the top `newMovieRankShare` of ranks and loses half its weight a day) the one its
/// taste favours, with odds exp(strength × p_u·q_i / 0.35); a movie the customer rated or watched
/// is not watched again (`chooseWatch`). Every day each customer's taste moves: p ← √(1−d²)·p + d·ε with ε
/// drawn like p (`drift` d), which keeps its spread. Parameters are stated, never tuned to a result.
/// Beside the watches, `WorldOracle` measures per day the best hit@10 any model could reach
/// knowing day 0's catalogue or the movies released before the day: the loop's ceiling.
public struct SyntheticWorld: Sendable {
    public struct Config: Sendable, Equatable {
        public var days = 7
        public var newMoviesPerDay = 50
        public var watchesPerDay = 5_000
        public var drift = 0.2
        public var newMovieRankShare = 0.2
        public var candidates = 8
        public var selectionStrength = 1.5
        /// Midnight (UTC) of day 1, as µs since the epoch.
        public var start: Int64 = 1_798_761_600_000_000  // 2027-01-01
        public var seed: UInt64 = 7

        public init() {}
    }

    public struct Summary: Sendable, Codable, Equatable {
        public var days: Int
        public var watches: [Int]
        /// Per day, the share of its watches that went to movies newer than day 0.
        public var newMovieShare: [Double]
        public var movies: Int
        /// Per day, the ceiling hit@10 of `WorldOracle` (absent in worlds made from real data).
        public var oracle: [OracleDay]?
    }

    /// Hit@10 of the day's watches by `WorldOracle`'s lists, knowing the tastes and catalogue named.
    public struct OracleDay: Sendable, Codable, Equatable {
        /// Day 0's tastes and movies: the best a model that never learns again could serve.
        public var dayZeroTastesDayZeroMovies: Double
        /// Today's tastes, day 0's movies: the best with the catalogue of day 0 (fold-in's reach).
        public var dayZeroMovies: Double
        /// Today's tastes, the movies released before the day: the best of a model retrained
        /// after yesterday (the loop's reach).
        public var moviesBeforeTheDay: Double
        /// Today's tastes, every movie (today's releases too).
        public var allMovies: Double
    }

    public let config: Config
    public let base: SyntheticDataConfig

    public init(config: Config, base: SyntheticDataConfig) {
        self.config = config
        self.base = base
    }

    /// The folder of day `day` inside `directory`.
    public static func dayDirectory(_ directory: String, day: Int) -> String { directory + "/day-\(day)" }

    /// Writes `day-N/watches.jsonl` (watch_event/v1 lines, in time order), `day-N/watches.csv`
    /// (customer_id, movie_id, watched_at) and `day-N/movies.csv` (the catalogue up to that day)
    /// for every day, and `world.json`. `rated[c]`: the movies customer c rated (dense indices);
    /// `catalogue`: day 0's movies (ids 1…movies) as the generator titled them.
    public func write(to directory: String, tastes: SyntheticDataGenerator.HiddenTastes, rated: [[Int32]], catalogue baseMovies: [Movie]) throws -> Summary {
        var random = SplitMix64(seed: config.seed)
        let k = tastes.factors
        let factorSD = (0.35 / Double(k).squareRoot()).squareRoot()
        var customerFactors = tastes.customerFactors
        var movieFactors = tastes.movieFactors
        var years = tastes.years
        var seen = rated.map { Set($0.map(Int.init)) }
        // Popularity of day-0 movies by their audience; new ones get a weight when they arrive.
        var popularity = tastes.audience.map { Double(max($0, 1)) }
        let sortedWeights = popularity.sorted(by: >)
        var catalogue = baseMovies.sorted { $0.id < $1.id }
        guard catalogue.count == base.movies else {
            throw SyntheticDataError.invalid("the catalogue has \(catalogue.count) movies, the ratings \(base.movies)")
        }
        var watchCounts: [Int] = []
        var newShares: [Double] = []
        var oracleDays: [OracleDay] = []
        let dayZeroTastes = customerFactors
        var oracle = WorldOracle(factors: k, strength: Float(config.selectionStrength) / SyntheticDataGenerator.HiddenTastes.tasteSD,
                                 candidates: config.candidates, seed: config.seed)
        let strength = Float(config.selectionStrength) / SyntheticDataGenerator.HiddenTastes.tasteSD
        for day in 1...max(config.days, 1) {
            // Tastes drift.
            let keep = Float((1 - config.drift * config.drift).squareRoot())
            for index in customerFactors.indices {
                customerFactors[index] = keep * customerFactors[index] + Float(config.drift * factorSD * random.nextGaussian())
            }
            // New movies; yesterday's new ones cool down.
            let releasedBeforeTheDay = popularity.count
            for movie in base.movies..<popularity.count { popularity[movie] *= 0.5 }
            for _ in 0..<config.newMoviesPerDay {
                let movie = popularity.count
                let rank = random.next(below: max(1, Int(Double(sortedWeights.count) * config.newMovieRankShare)))
                popularity.append(sortedWeights[min(rank, sortedWeights.count - 1)])
                movieFactors += (0..<k).map { _ in Float(factorSD * random.nextGaussian()) }
                years.append(2006 + (day - 1) / 365)
                catalogue.append(Movie(id: UInt32(movie + 1), year: years[movie], title: "New release \(movie + 1) (day \(day))"))
            }
            let movieTable = AliasTable(weights: popularity)
            oracle.startDay(popularity: popularity)
            var oracleHits = [0, 0, 0, 0]
            // The day's watches.
            var watches: [(time: Int64, customer: Int, movie: Int)] = []
            let dayStart = config.start + Int64(day - 1) * 86_400_000_000
            for _ in 0..<config.watchesPerDay {
                let customer = tastes.activity.sample(&random)
                let tastesNow = customerFactors[(customer * k)..<((customer + 1) * k)]
                guard let best = Self.chooseWatch(tastes: tastesNow, movieFactors: movieFactors, table: movieTable, seen: seen[customer],
                                                  candidates: config.candidates, strength: strength, random: &random) else { continue }
                // The ceiling: where the oracle's lists, knowing each catalogue, put this watch.
                let now = oracle.scores(tastes: tastesNow, movieFactors: movieFactors, table: movieTable, seen: seen[customer])
                let then = oracle.scores(tastes: dayZeroTastes[(customer * k)..<((customer + 1) * k)], movieFactors: movieFactors,
                                         table: movieTable, seen: seen[customer])
                if WorldOracle.inTop(10, movie: best, scores: then, bound: base.movies) { oracleHits[0] += 1 }
                if WorldOracle.inTop(10, movie: best, scores: now, bound: base.movies) { oracleHits[1] += 1 }
                if WorldOracle.inTop(10, movie: best, scores: now, bound: releasedBeforeTheDay) { oracleHits[2] += 1 }
                if WorldOracle.inTop(10, movie: best, scores: now, bound: popularity.count) { oracleHits[3] += 1 }
                seen[customer].insert(best)
                watches.append((dayStart + Int64(random.next(below: 86_400_000)) * 1_000, customer, best))
            }
            watches.sort { ($0.time, $0.customer, $0.movie) < ($1.time, $1.customer, $1.movie) }
            try writeDay(directory, day: day, watches: watches, tastes: tastes, catalogue: catalogue)
            watchCounts.append(watches.count)
            newShares.append(Double(watches.filter { $0.movie >= base.movies }.count) / Double(max(watches.count, 1)))
            let rates = oracleHits.map { Double($0) / Double(max(watches.count, 1)) }
            oracleDays.append(OracleDay(dayZeroTastesDayZeroMovies: rates[0], dayZeroMovies: rates[1], moviesBeforeTheDay: rates[2], allMovies: rates[3]))
        }
        let summary = Summary(days: max(config.days, 1), watches: watchCounts, newMovieShare: newShares, movies: popularity.count, oracle: oracleDays)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(String(decoding: try encoder.encode(summary), as: UTF8.self) + "\n", to: directory + "/world.json")
        return summary
    }

    /// One watch of a customer as the world makes it: `candidates` movies drawn by popularity
    /// (`table`), those already seen dropped, one picked with odds exp(strength · p_u·q_m); nil
    /// when every candidate was seen.
    static func chooseWatch(tastes: ArraySlice<Float>, movieFactors: [Float], table: AliasTable, seen: Set<Int>, candidates: Int,
                            strength: Float, random: inout SplitMix64) -> Int? {
        let k = tastes.count
        let start = tastes.startIndex
        var total: Float = 0
        var weights: [(movie: Int, weight: Float)] = []
        for _ in 0..<candidates {
            let movie = table.sample(&random)
            guard !seen.contains(movie) else { continue }
            var taste: Float = 0
            for f in 0..<k { taste += tastes[start + f] * movieFactors[movie * k + f] }
            let weight = exp(strength * taste)
            weights.append((movie, weight))
            total += weight
        }
        var pick = Float(random.nextUnit()) * total
        for candidate in weights {
            pick -= candidate.weight
            if pick <= 0 { return candidate.movie }
        }
        return weights.last?.movie
    }

    private func writeDay(_ directory: String, day: Int, watches: [(time: Int64, customer: Int, movie: Int)],
                          tastes: SyntheticDataGenerator.HiddenTastes, catalogue: [Movie]) throws {
        let folder = Self.dayDirectory(directory, day: day)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var events = BufferedOutputText()
        var rows: [WatchHistoryReader.Watch] = []
        rows.reserveCapacity(watches.count)
        for (index, watch) in watches.enumerated() {
            let movie = catalogue[watch.movie]
            let event = WatchEvent(eventId: "synth-\(config.seed)-\(day)-\(index)", customerId: tastes.customerIds[watch.customer], movieId: movie.id,
                                   title: movie.title, year: movie.year, watchedAt: RFC3339.string(microsecondsSinceEpoch: watch.time), source: "synth")
            events.append(event.jsonBytes())
            rows.append(.init(customerId: event.customerId, movieId: event.movieId, watchedAt: watch.time))
        }
        try AtomicFile.write(events.text, to: folder + "/watches.jsonl")
        try WatchHistoryReader.write(rows, to: folder + "/watches.csv")
        try MovieCatalog(catalogue).write(to: folder + "/movies.csv")
    }
}

/// JSON lines gathered as text.
private struct BufferedOutputText {
    var text = ""

    mutating func append(_ line: [UInt8]) {
        text += String(decoding: line, as: UTF8.self)
        text += "\n"
    }
}
