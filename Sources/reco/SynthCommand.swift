import ArgumentParser
import Foundation
import RecoCore

struct SynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Generate a synthetic Netflix-Prize-shaped data set in the raw Netflix format.",
        discussion: """
            Writes combined_data_N.txt (MovieID: blocks of CustomerID,Rating,Date lines) and an ISO-8859-1 movie_titles.csv. Ratings follow hidden low-rank taste plus biases, with Zipf-like movie popularity and customer activity and the Netflix star distribution (mean about 3.6). The same options and seed always give the same bytes.
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

    @OptionGroup var global: GlobalOptions

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
        do {
            summary = try SyntheticDataGenerator(config: config).write(to: output) { done, total in
                progress.update(done: done, total: total)
            }
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
    }
}

