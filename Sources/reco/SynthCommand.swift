import ArgumentParser
import Foundation
import RecoCore

struct SynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Generate a synthetic Netflix-Prize-shaped data set in the raw Netflix format.",
        discussion: """
            Writes combined_data_N.txt (MovieID: blocks of CustomerID,Rating,Date lines) and an ISO-8859-1 movie_titles.csv. Ratings follow hidden low-rank taste plus biases, with Zipf-like movie popularity and customer activity and the Netflix star distribution (mean about 3.6). The same options and seed always give the same bytes.

            With --days N the world goes on for N days after the ratings (the learning loop's test bed): each day tastes drift (--taste-drift), --new-movies-per-day movies arrive and --watches-per-day watches follow the hidden tastes. Day d goes to <output>/world/day-d: watches.jsonl (watch_event/v1, for 'producer --source replay'), watches.csv (customer_id, movie_id, watched_at) and movies.csv (the catalogue so far); world.json sums it up.
            """)

    @Option(help: "Number of customers.")
    var customers = 20_000

    @Option(help: "Number of movies.")
    var movies = 2_000

    @Option(help: "Number of ratings.")
    var ratings = 1_000_000

    @Option(help: "Random seed.")
    var seed: UInt64 = 42

    @Option(help: "Number of combined_data_N.txt files (default: one per 25M ratings, at most 4).")
    var files: Int?

    @Option(help: "Rank of the hidden taste structure.")
    var latentFactors = 8

    @Option(help: "Selection bias: customers rate movies that match their taste with odds exp(strength × match); 0 makes who rates independent of taste.")
    var selectionStrength = 1.5

    @Option(name: [.short, .customLong("output")], help: "Output directory.")
    var output = "data/synth"

    @Option(help: "Days of the world after the ratings (0: none).")
    var days = 0

    @Option(help: "With --days: movies that arrive each day.")
    var newMoviesPerDay = 50

    @Option(help: "With --days: watches each day.")
    var watchesPerDay = 5_000

    @Option(help: "With --days: how far tastes move each day (0: not at all; p ← √(1−d²)·p + d·ε).")
    var tasteDrift = 0.2

    @Option(help: "With --days: midnight UTC of day 1 (RFC 3339).")
    var start = "2027-01-01T00:00:00Z"

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard days >= 0, newMoviesPerDay >= 0, watchesPerDay >= 0, (0...1).contains(tasteDrift) else {
            throw ValidationError("--days, --new-movies-per-day and --watches-per-day must be 0 or more, --taste-drift 0...1")
        }
        guard RFC3339.microsecondsSinceEpoch(start) != nil else { throw ValidationError("--start must be an RFC 3339 time, got '\(start)'") }
    }

    func run() throws {
        let logger = global.makeLogger(label: "reco.synth")
        var config = SyntheticDataConfig()
        config.customers = customers
        config.movies = movies
        config.ratings = ratings
        config.seed = seed
        config.files = files
        config.latentFactors = latentFactors
        config.selectionStrength = selectionStrength
        let progress = TerminalProgress(label: "synth", disabled: global.noProgress)
        let started = ContinuousClock.now
        let summary: SyntheticDataGenerator.Summary
        let tastes: SyntheticDataGenerator.HiddenTastes
        // Who rated what, for the world's days (a movie is not watched again).
        var rated = [[Int32]](repeating: [], count: days > 0 ? customers : 0)
        do {
            (summary, tastes) = try SyntheticDataGenerator(config: config).generate(to: output, progress: { done, total in
                progress.update(done: done, total: total)
            }, rated: { customer, movie in
                if days > 0 { rated[customer].append(Int32(movie)) }
            })
        } catch {
            progress.finish()
            throw error
        }
        progress.finish()
        let seconds = (ContinuousClock.now - started).seconds
        let shares = summary.starCounts.map { Decimals.format(100 * Double($0) / Double(max(summary.ratings, 1)), places: 1) + "%" }
        print("wrote \(Decimals.grouped(summary.ratings)) ratings of \(Decimals.grouped(summary.customers)) customers on \(Decimals.grouped(summary.movies)) movies to \(output)")
        print("files: \(summary.files.map { ($0 as NSString).lastPathComponent }.joined(separator: ", ")), movie_titles.csv")
        print("stars 1–5: \(shares.joined(separator: " ")), mean \(Decimals.format(summary.meanRating, places: 3))")
        logger.info("synth done", metadata: ["synth.ratings": "\(summary.ratings)", "synth.bytes": "\(summary.bytes)",
                                             "synth.seconds": "\(Decimals.format(seconds, places: 2))"])
        guard days > 0 else { return }
        var world = SyntheticWorld.Config()
        world.days = days
        world.newMoviesPerDay = newMoviesPerDay
        world.watchesPerDay = watchesPerDay
        world.drift = tasteDrift
        world.start = RFC3339.microsecondsSinceEpoch(start) ?? world.start
        world.seed = seed &+ 1
        let titles = try MovieTitlesReader(path: (output as NSString).appendingPathComponent("movie_titles.csv"), format: .netflix).read().movies
        let folder = (output as NSString).appendingPathComponent("world")
        let outcome = try SyntheticWorld(config: world, base: config).write(to: folder, tastes: tastes, rated: rated, catalogue: titles)
        print("world: \(outcome.days) days in \(folder): watches per day \(outcome.watches.map(Decimals.grouped).joined(separator: " ")), "
            + "share to movies newer than day 0 \(outcome.newMovieShare.map { Decimals.format($0 * 100, places: 1) + "%" }.joined(separator: " ")), \(Decimals.grouped(outcome.movies)) movies by the end "
            + "(drift \(tasteDrift), \(newMoviesPerDay) new movies a day)")
        if let oracle = outcome.oracle {
            let format: (Double) -> String = { Decimals.format($0, places: 4) }
            print("ceiling hit@10 per day (the world's oracle): day-0 movies \(oracle.map { format($0.dayZeroMovies) }.joined(separator: " ")); "
                + "movies before the day \(oracle.map { format($0.moviesBeforeTheDay) }.joined(separator: " "))")
        }
    }
}

