import Foundation

/// `reco prepare`: reads rating and title files, trims, and writes the prepared data set:
/// `ratings.bin` (see `RatingsStore`), `movies.csv`, `movie_summary.csv` and `summary.json`.
public struct DataPreparer: Sendable {
    public static let ratingsFile = "ratings.bin"
    public static let moviesFile = "movies.csv"
    public static let summaryFile = "movie_summary.csv"
    public static let reportFile = "summary.json"

    public let options: PreparationOptions

    public init(options: PreparationOptions) {
        self.options = options
    }

    public func run(progress: (PreparationProgress) -> Void = { _ in }) throws -> PreparationReport {
        let started = ContinuousClock.now
        var report = PreparationReport()
        let (ratingFiles, titleFiles) = try classifyInputs(&report)
        guard !ratingFiles.isEmpty else {
            throw InputError(.empty, file: options.inputs.joined(separator: ", "),
                             message: "no ratings file among the inputs (give combined_data_*.txt, data_cleaned.csv, ratings.csv or u.data)")
        }

        // Ratings, streamed into columns.
        let sizes = try ratingFiles.map { try LineReader(path: $0.path).fileSize() }
        let totalBytes = sizes.reduce(0, +)
        var table = RatingsTable()
        table.reserveCapacity(totalBytes / 8 + 16)
        var scale: RatingScale?
        var doneBytes = 0
        for (index, file) in ratingFiles.enumerated() {
            let readProgress = { (bytes: Int) in
                progress(PreparationProgress(phase: "reading", completedBytes: doneBytes + bytes, totalBytes: totalBytes))
            }
            let (result, fileScale) = try RatingsFileReader.read(file.path, kind: file.kind, policy: options.badLines,
                                                                 into: &table, progress: readProgress)
            scale = scale.map { $0.union(fileScale) } ?? fileScale
            doneBytes += sizes[index]
            if result.ratings == 0 && result.skipped.count == 0 {
                throw InputError(.empty, file: file.path, message: "contains no ratings")
            }
            record(&report, file, result.lines, result.ratings, result.skipped)
        }
        guard !table.isEmpty else {
            throw InputError(.empty, file: ratingFiles.map(\.path).joined(separator: ", "), message: "no valid rating in the input")
        }

        // Titles.
        var catalog = MovieCatalog()
        for file in titleFiles {
            guard case .movieTitles(let format) = file.kind else { continue }
            let result = try MovieTitlesReader(path: file.path, format: format, encoding: options.titlesEncoding,
                                               policy: options.badLines).read()
            for movie in result.movies { catalog.insert(movie) }
            record(&report, file, result.movies.count + result.skipped.count, result.movies.count, result.skipped)
        }
        report.titles = catalog.count

        progress(PreparationProgress(phase: "indexing", completedBytes: totalBytes, totalBytes: totalBytes))
        let ratingScale = scale ?? .netflix
        var dataset = RatingsDataset(consume table, scale: ratingScale)
        report.ratingScale = ratingScale
        report.read = counts(dataset)
        let summary = MovieSummary(dataset)

        if let trimmer = options.trimmer {
            progress(PreparationProgress(phase: "trimming", completedBytes: totalBytes, totalBytes: totalBytes))
            report.trimming = trimmer.trim(&dataset)
            report.moviePercentile = trimmer.moviePercentile
            report.customerPercentile = trimmer.customerPercentile
        }
        report.kept = counts(dataset)
        report.keptMoviesWithoutTitle = dataset.movieIds.filter { catalog[$0] == nil }.count
        report.dataFingerprint = dataset.fingerprint()

        progress(PreparationProgress(phase: "writing", completedBytes: totalBytes, totalBytes: totalBytes))
        try FileManager.default.createDirectory(atPath: options.outputDirectory, withIntermediateDirectories: true)
        let output = { (name: String) in (options.outputDirectory as NSString).appendingPathComponent(name) }
        try RatingsStore.write(dataset, to: output(Self.ratingsFile))
        try catalog.write(to: output(Self.moviesFile))
        try AtomicFile.write(summary.csv(), to: output(Self.summaryFile))
        report.outputs = [Self.ratingsFile, Self.moviesFile, Self.summaryFile, Self.reportFile].map(output)
        report.seconds = (ContinuousClock.now - started).seconds
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(String(decoding: try encoder.encode(report), as: UTF8.self) + "\n", to: output(Self.reportFile))
        return report
    }

    private struct InputFile {
        var path: String
        var kind: InputKind
    }

    private func classifyInputs(_ report: inout PreparationReport) throws -> (ratings: [InputFile], titles: [InputFile]) {
        var ratings: [InputFile] = []
        var titles: [InputFile] = []
        func add(_ path: String, kind: InputKind) {
            if case .movieTitles = kind { titles.append(InputFile(path: path, kind: kind)) } else { ratings.append(InputFile(path: path, kind: kind)) }
        }
        for input in options.inputs {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) else {
                throw InputError(.unreadable, file: input, message: "no such file or directory")
            }
            guard isDirectory.boolValue else {
                add(input, kind: try InputKind.detect(path: input))
                continue
            }
            let names = try FileManager.default.contentsOfDirectory(atPath: input).sorted()
            for name in names where !name.hasPrefix(".") {
                let path = (input as NSString).appendingPathComponent(name)
                var nested: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &nested), !nested.boolValue else { continue }
                let kind: InputKind
                do {
                    kind = try InputKind.detect(path: path)
                } catch {
                    guard error.code == .unknownFormat || error.code == .empty else { throw error }
                    report.ignoredFiles.append(path)
                    continue
                }
                add(path, kind: kind)
            }
        }
        return (ratings, titles)
    }

    private func record(_ report: inout PreparationReport, _ file: InputFile, _ lines: Int, _ records: Int, _ skipped: SkippedLines) {
        report.files.append(PreparationReport.FileRead(
            path: file.path, kind: file.kind.description, lines: lines, records: records,
            skippedLines: skipped.count, skippedExamples: skipped.examples.map(\.description)))
    }

    private func counts(_ dataset: RatingsDataset) -> PreparationReport.Counts {
        PreparationReport.Counts(ratings: dataset.count, customers: dataset.customerCount,
                                 movies: dataset.movieCount, meanRating: dataset.meanRating)
    }
}
