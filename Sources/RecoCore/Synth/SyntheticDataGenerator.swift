import Foundation

/// Writes a synthetic data set in the raw Netflix Prize format: `combined_data_N.txt` and an
/// ISO-8859-1 `movie_titles.csv`.
///
/// Ratings come from hidden structure a recommender can learn: a latent score
/// `b_u + b_i + p_u·q_i + noise` is cut at thresholds chosen so that stars follow the Netflix
/// distribution (4.6 / 10.1 / 28.7 / 33.6 / 23.0 %, mean 3.60). Movie popularity and customer
/// activity are Zipf-like, and who rates a movie is biased towards customers whose taste matches
/// it (`selectionStrength`), so which movies a customer rated says what they like; dates run from 1999-11-11 to 2005-12-31, denser towards the end, and
/// never before a movie's release year. The same config gives the same bytes.
public struct SyntheticDataGenerator: Sendable {
    public let config: SyntheticDataConfig

    public init(config: SyntheticDataConfig) {
        self.config = config
    }

    public struct Summary: Sendable {
        public var files: [String]
        public var ratings: Int
        public var customers: Int
        public var movies: Int
        public var starCounts: [Int]
        public var bytes: Int

        public var meanRating: Double {
            Double(starCounts.enumerated().reduce(0) { $0 + ($1.offset + 1) * $1.element }) / Double(max(ratings, 1))
        }
    }

    /// Cut points on the standard-normal scale for the cumulative Netflix star shares
    /// 0.046, 0.147, 0.434, 0.770 (inverse normal CDF).
    static let starThresholds: [Double] = [-1.6849, -1.0494, -0.1662, 0.7388]
    static let firstDay = CivilDate.daysSinceEpoch(year: 1999, month: 11, day: 11) ?? 0
    static let lastDay = CivilDate.daysSinceEpoch(year: 2005, month: 12, day: 31) ?? 0

    /// The hidden structure behind the ratings (and behind `SyntheticWorld`'s later days).
    public struct HiddenTastes: Sendable {
        public let customerIds: [UInt32]
        let activity: AliasTable
        /// Ratings per movie.
        let audience: [Int]
        let customerBias: [Float]
        let movieBias: [Float]
        /// customers × k and movies × k, p·q contributing variance 0.35².
        let customerFactors: [Float]
        let movieFactors: [Float]
        let factors: Int
        /// The standard deviation of p·q.
        static let tasteSD: Float = 0.35
        /// Movies' release years (nil: `NULL`).
        public let years: [Int?]
    }

    /// Writes the ratings; `rated` hears of every (customer, movie) pair drawn, by dense index.
    public func write(to directory: String, progress: (Int, Int) -> Void = { _, _ in }, rated: (Int, Int) -> Void = { _, _ in }) throws -> Summary {
        try generate(to: directory, progress: progress, rated: rated).summary
    }

    /// Writes the ratings and returns the hidden tastes they came from too.
    public func generate(to directory: String, progress: (Int, Int) -> Void = { _, _ in },
                         rated: (Int, Int) -> Void = { _, _ in }) throws -> (summary: Summary, tastes: HiddenTastes) {
        try config.validate()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var random = SplitMix64(seed: config.seed)
        let k = config.latentFactors

        let customerIds = makeCustomerIds(&random)
        let activity = AliasTable(weights: zipfWeights(count: config.customers, exponent: config.customerActivityExponent, offset: 1, &random))
        let audience = ratingsPerMovie(&random)

        // Hidden taste: biases and factors with p·q contributing variance 0.35².
        let factorSD = (0.35 / Double(k).squareRoot()).squareRoot()
        let customerBias = (0..<config.customers).map { _ in Float(0.35 * random.nextGaussian()) }
        let movieBias = (0..<config.movies).map { _ in Float(0.5 * random.nextGaussian()) }
        let customerFactors = (0..<(config.customers * k)).map { _ in Float(factorSD * random.nextGaussian()) }
        let movieFactors = (0..<(config.movies * k)).map { _ in Float(factorSD * random.nextGaussian()) }
        let tasteSD = HiddenTastes.tasteSD
        let chooser = RaterChooser(activity: activity, factors: k, customerFactors: customerFactors, movieFactors: movieFactors,
                                   strength: Float(config.selectionStrength) / tasteSD, candidates: config.selectionCandidates)
        let thresholds = calibratedThresholds(chooser, audience: audience, customerBias: customerBias, movieBias: movieBias)

        let years = try makeTitlesAndYears(directory: directory, &random)
        let tastes = HiddenTastes(customerIds: customerIds, activity: activity, audience: audience, customerBias: customerBias, movieBias: movieBias,
                                  customerFactors: customerFactors, movieFactors: movieFactors, factors: k, years: years)

        // Movies go to files in id order, each file holding about the same number of ratings.
        let fileCount = config.fileCount
        var files: [String] = []
        var starCounts = [Int](repeating: 0, count: 5)
        var bytes = 0
        var written = 0
        var movie = 0
        var lastSeen = [Int32](repeating: -1, count: config.customers)
        for fileIndex in 0..<fileCount {
            let path = (directory as NSString).appendingPathComponent("combined_data_\(fileIndex + 1).txt")
            files.append(path)
            var output = try BufferedOutput(path: path)
            let target = config.ratings * (fileIndex + 1) / fileCount
            while movie < config.movies && (written < target || fileIndex == fileCount - 1) {
                var stream = SplitMix64(seed: config.seed, stream: UInt64(movie) + 1)
                try output.append("\(movie + 1):\n")
                let firstDay = max(Self.firstDay, CivilDate.daysSinceEpoch(year: years[movie] ?? 1999, month: 1, day: 1) ?? Self.firstDay)
                let span = Double(Self.lastDay - firstDay)
                for _ in 0..<audience[movie] {
                    let customer = chooser.choose(movie: movie, excluding: { lastSeen[$0] == Int32(movie) }, &stream)
                    lastSeen[customer] = Int32(movie)
                    rated(customer, movie)
                    let score = customerBias[customer] + movieBias[movie] + chooser.taste(customer, movie) + Float(config.noise * stream.nextGaussian())
                    var stars = 1
                    for threshold in thresholds where score > threshold { stars += 1 }
                    starCounts[stars - 1] += 1
                    let day = firstDay + Int(span * stream.nextUnit().squareRoot())
                    try output.appendRating(customer: customerIds[customer], stars: stars, day: day)
                }
                written += audience[movie]
                movie += 1
                if movie % 64 == 0 { progress(written, config.ratings) }
            }
            try output.commit()
            bytes += output.bytesWritten
        }
        progress(config.ratings, config.ratings)
        return (Summary(files: files, ratings: written, customers: config.customers, movies: config.movies,
                        starCounts: starCounts, bytes: bytes), tastes)
    }

    /// Star cut points: the Netflix cumulative shares as quantiles of the latent score of the
    /// ratings this generator actually draws (selection shifts them above the population's).
    private func calibratedThresholds(_ chooser: RaterChooser, audience: [Int], customerBias: [Float], movieBias: [Float]) -> [Float] {
        var random = SplitMix64(seed: config.seed, stream: 0xCA11B)
        let movieTable = AliasTable(weights: audience.map { Double($0) })
        let samples = 40_000
        var scores: [Float] = []
        scores.reserveCapacity(samples)
        for _ in 0..<samples {
            let movie = movieTable.sample(&random)
            let customer = chooser.choose(movie: movie, excluding: { _ in false }, &random)
            scores.append(customerBias[customer] + movieBias[movie] + chooser.taste(customer, movie) + Float(config.noise * random.nextGaussian()))
        }
        scores.sort()
        return [0.046, 0.147, 0.434, 0.770].map { share in scores[min(samples - 1, Int(share * Double(samples)))] }
    }

    /// Sparse ascending ids like Netflix's (1 to 2,649,429 for 480,189 customers).
    private func makeCustomerIds(_ random: inout SplitMix64) -> [UInt32] {
        (0..<config.customers).map { UInt32($0 * 5 + 1 + random.next(below: 5)) }
    }

    /// Zipf weights over a random ranking, so popularity is not tied to id order.
    private func zipfWeights(count: Int, exponent: Double, offset: Double, _ random: inout SplitMix64) -> [Double] {
        var ranks = Array(0..<count)
        for index in stride(from: count - 1, to: 0, by: -1) {
            ranks.swapAt(index, random.next(below: index + 1))
        }
        return ranks.map { 1 / pow(Double($0) + offset, exponent) }
    }

    /// Splits the ratings among movies by popularity, no movie above the audience cap.
    private func ratingsPerMovie(_ random: inout SplitMix64) -> [Int] {
        let weights = zipfWeights(count: config.movies, exponent: config.moviePopularityExponent, offset: 10, &random)
        let cap = max(1, Int(Double(config.customers) * SyntheticDataConfig.maximumAudienceShare))
        var counts = [Int](repeating: 0, count: config.movies)
        var remaining = config.ratings
        var open = Array(0..<config.movies)
        // Hand out by weight; movies that hit the cap drop out and the rest share what is left.
        while remaining > 0 && !open.isEmpty {
            let total = open.reduce(0.0) { $0 + weights[$1] }
            var handed = 0
            for movie in open {
                let share = min(cap - counts[movie], Int(Double(remaining) * weights[movie] / total))
                counts[movie] += share
                handed += share
            }
            remaining -= handed
            open.removeAll { counts[$0] >= cap }
            if handed == 0 {
                // Rounding left a few: give them one at a time to the most popular open movies.
                for movie in open.sorted(by: { weights[$0] > weights[$1] }) where remaining > 0 {
                    counts[movie] += 1
                    remaining -= 1
                }
            }
        }
        return counts
    }

    /// Writes `movie_titles.csv` and returns each movie's year (nil for `NULL`).
    private func makeTitlesAndYears(directory: String, _ random: inout SplitMix64) throws -> [Int?] {
        var years: [Int?] = []
        var output = try BufferedOutput(path: (directory as NSString).appendingPathComponent("movie_titles.csv"))
        for movie in 0..<config.movies {
            // About 1 in 2,500 movies has no year, as in Netflix's file; at least one when there are 20+.
            let unknown = random.next(below: 2_500) == 0 || (config.movies >= 20 && movie == config.movies / 2)
            let year: Int? = unknown ? nil : 2005 - Int(90 * pow(random.nextUnit(), 2.5))
            years.append(year)
            let title = TitleGenerator.title(for: movie, random: &random)
            try output.append("\(movie + 1),\(year.map(String.init) ?? "NULL"),")
            try output.append(bytes: TitleGenerator.latin1(title))
            try output.append("\n")
        }
        try output.commit()
        return years
    }
}
