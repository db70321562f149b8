import Foundation
import RecoCore

/// The human-readable account of a preparation that `reco prepare` prints.
struct PreparationSummaryText {
    let report: PreparationReport

    var text: String {
        var lines: [String] = []
        for file in report.files {
            var line = "read \(file.path) (\(file.kind)): \(Decimals.grouped(file.records)) records"
            if file.skippedLines > 0 { line += ", \(Decimals.grouped(file.skippedLines)) bad lines skipped" }
            lines.append(line)
            for example in file.skippedExamples { lines.append("  skipped \(example)") }
        }
        for ignored in report.ignoredFiles { lines.append("ignored \(ignored) (not a recognised format)") }
        lines.append("")
        lines.append(row("", "ratings", "customers", "movies", "mean"))
        lines.append(row("read", report.read))
        if let trimming = report.trimming {
            lines.append(row("kept", report.kept))
            lines.append("")
            lines.append("trimming: movies need ≥ \(trimming.movieBenchmark) ratings (percentile \(report.moviePercentile ?? 0)), "
                + "customers ≥ \(trimming.customerBenchmark) (percentile \(report.customerPercentile ?? 0)); "
                + "dropped \(Decimals.grouped(trimming.moviesDropped)) movies and \(Decimals.grouped(trimming.customersDropped)) customers")
        } else {
            lines.append("no trimming (--no-trim)")
        }
        lines.append("titles: \(Decimals.grouped(report.titles))"
            + (report.keptMoviesWithoutTitle > 0 ? ", \(Decimals.grouped(report.keptMoviesWithoutTitle)) kept movies have no title" : ""))
        lines.append("data fingerprint \(report.dataFingerprint); \(Decimals.format(report.seconds, places: 2)) s")
        lines.append("wrote " + report.outputs.joined(separator: ", "))
        return lines.joined(separator: "\n")
    }

    private func row(_ label: String, _ counts: PreparationReport.Counts) -> String {
        row(label, Decimals.grouped(counts.ratings), Decimals.grouped(counts.customers), Decimals.grouped(counts.movies),
            Decimals.format(counts.meanRating, places: 3))
    }

    private func row(_ cells: String...) -> String {
        let widths = [6, 14, 12, 10, 8]
        return zip(cells, widths).enumerated().map { index, pair in
            let (cell, width) = pair
            let padding = String(repeating: " ", count: max(0, width - cell.count))
            return index == 0 ? cell + padding : padding + cell
        }.joined(separator: " ")
    }
}
