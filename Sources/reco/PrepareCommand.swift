import ArgumentParser
import Foundation
import RecoCore

struct PrepareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prepare",
        abstract: "Read rating and title files, trim, and write the prepared data set.",
        discussion: """
            Inputs are files or directories, recognised by their first line: Netflix Prize combined_data_*.txt and movie_titles.csv, the seed's data_cleaned.csv (Cust_Id,Rating,Movie_Id) and titles CSV (Movie_Id,Year,Name), MovieLens ratings.csv / movies.csv and u.data / u.item.

            Trimming follows the seed: movies with fewer ratings than the 70th percentile of movie rating counts and customers below the 70th percentile of customer counts are dropped (both thresholds from the untrimmed data, rounded half to even, as pandas does).

            Writes ratings.bin (binary ratings store), movies.csv (Movie_Id,Year,Name, UTF-8), movie_summary.csv (per-movie count and mean before trimming) and summary.json into the output directory.
            """)

    @Argument(help: "Rating and title files, or directories holding them.")
    var inputs: [String]

    @Option(name: [.short, .customLong("output")], help: "Output directory.")
    var output = "data/prepared"

    @Option(help: "Drop movies rated fewer times than this percentile (0-1) of movie rating counts.")
    var moviePercentile = 0.7

    @Option(help: "Drop customers with fewer ratings than this percentile (0-1) of customer rating counts.")
    var customerPercentile = 0.7

    @Flag(help: "Keep every rating (no trimming).")
    var noTrim = false

    @Flag(help: "Skip and count malformed lines instead of stopping at the first one.")
    var skipBadLines = false

    @Option(help: "Encoding of title files: utf8, latin1 or auto (default: auto for Netflix, utf8 for CSVs, latin1 for u.item).")
    var titlesEncoding: TextEncoding?

    @Option(help: "Watch history CSV (header with customer_id and movie_id, e.g. exported from PostgreSQL's watch_events view); repeatable. Written beside the ratings for 'reco train': the ranker learns from watches at weight 1, the SVD from ratings only.")
    var watches: [String] = []

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard (0...1).contains(moviePercentile), (0...1).contains(customerPercentile) else {
            throw ValidationError("percentiles must be between 0 and 1")
        }
    }

    func run() throws {
        let logger = global.makeLogger(label: "reco.prepare")
        let options = PreparationOptions(
            inputs: inputs, outputDirectory: output,
            trimmer: noTrim ? nil : Trimmer(moviePercentile: moviePercentile, customerPercentile: customerPercentile),
            badLines: skipBadLines ? .skip : .fail, titlesEncoding: titlesEncoding)
        // Watch histories are read first: a bad one stops before anything is written.
        var all: [WatchHistoryReader.Watch] = []
        for path in watches { all += try WatchHistoryReader(path: path).read() }
        let progress = TerminalProgress(label: "prepare", disabled: global.noProgress)
        let report: PreparationReport
        do {
            report = try DataPreparer(options: options).run { step in
                progress.update(phase: step.phase, done: step.completedBytes, total: step.totalBytes, unit: "B")
            }
        } catch {
            progress.finish()
            throw error
        }
        progress.finish()
        print(PreparationSummaryText(report: report).text)
        if !watches.isEmpty {
            let target = (output as NSString).appendingPathComponent(WatchHistoryReader.preparedFile)
            try WatchHistoryReader.write(all, to: target)
            Console.line("watches: \(Decimals.grouped(all.count)) from \(watches.count) watch history file(s) → \(target)")
            logger.info("watches prepared", metadata: ["prepare.watches": "\(all.count)", "prepare.watches_file": "\(target)"])
        }
        logger.info("prepare done", metadata: [
            "prepare.ratings_read": "\(report.read.ratings)", "prepare.ratings_kept": "\(report.kept.ratings)",
            "prepare.skipped_lines": "\(report.skippedLines)", "prepare.seconds": "\(Decimals.format(report.seconds, places: 2))",
        ])
    }
}

extension TextEncoding: ExpressibleByArgument {}
