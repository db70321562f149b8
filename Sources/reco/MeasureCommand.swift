import ArgumentParser
import CommandOptions
import Foundation
import RecoCore

/// Timings of a model file for `scripts/bench`: open time and scoring latency, as JSON.
struct MeasureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "measure",
        abstract: "Measure how fast a model file opens, scores and folds in a watch (used by scripts/bench; prints JSON).")

    @OptionGroup var model: ModelOptions<TrainedModelDefaults>

    @Option(help: "How many customers to score.")
    var samples = 2_000

    @Option(help: "How many times to open the file.")
    var opens = 10

    func run() throws {
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        func percentile(_ values: [Double], _ q: Double) -> Double {
            let sorted = values.sorted()
            return sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))]
        }
        func time(_ body: () throws -> Void) rethrows -> Double {
            let start = ContinuousClock.now
            try body()
            return (ContinuousClock.now - start).seconds
        }
        // The first open warms the page cache; later ones measure the open itself.
        var structureOpens: [Double] = []
        var fullOpens: [Double] = []
        var opened: RecoModel?
        for _ in 0..<max(opens, 1) {
            fullOpens.append(try time { opened = try RecoModel(path: model.modelPath ?? "", verification: .full) })
            structureOpens.append(try time { _ = try RecoModel(path: model.modelPath ?? "", verification: .structure) })
        }
        guard let opened else { return }
        let recommender = Recommender(model: opened)
        var random = SplitMix64(seed: 1)
        let ids = opened.customerIds
        var topTen: [Double] = []
        var checksum: Float = 0
        for _ in 0..<samples {
            let id = ids[random.next(below: ids.count)]
            topTen.append(time { checksum += recommender.recommend(customerId: id, limit: 10).items.first?.score ?? 0 })
        }
        // Concurrent requests share a pass over the movie rows (reco-api's ScanBatcher): the time per list in passes of 8.
        var batchedTopTen: [Double] = []
        for _ in 0..<max(samples / Recommender.maximumScanBatch, 1) {
            let batch = (0..<Recommender.maximumScanBatch).map { _ in ids[random.next(below: ids.count)] }
            batchedTopTen.append(time { checksum += recommender.recommend(customerIds: batch, limit: 10).first?.items.first?.score ?? 0 }
                                 / Double(Recommender.maximumScanBatch))
        }
        var similar: [Double] = []
        for _ in 0..<min(samples, 500) {
            let movie = opened.movieIds[random.next(below: opened.movieCount)]
            similar.append(try time { checksum += try recommender.similarMovies(to: movie, limit: 10).first?.score ?? 0 })
        }
        // Fold-in, as a replica does per watch event: a known customer watches 1–5 movies since
        // training (iALS solves the customer's factors again; EASE only merges the movies).
        var foldIns: [Double] = []
        var foldInAndTopTen: [Double] = []
        for _ in 0..<samples {
            let id = ids[random.next(below: ids.count)]
            let watched = (0...random.next(below: 5)).map { _ in opened.movieIds[random.next(below: opened.movieCount)] }
            var folded: FoldedHistory?
            foldIns.append(time { folded = recommender.foldIn(customerId: id, watched: watched) })
            foldInAndTopTen.append(time {
                checksum += recommender.recommend(customerId: id, limit: 10, folded: recommender.foldIn(customerId: id, watched: watched)).items.first?.score ?? 0
            })
            checksum += folded?.rankerFactors?.first ?? 0
        }
        // EASE, as a replica with kept scores (`FoldedScoreCache`) does per watch: the customer's
        // earlier watches are kept; the new one adds one row, and the top-10 selects from them.
        var keptFoldIns: [Double] = []
        var keptTopTen: [Double] = []
        if let cache = FoldedScoreCache(recommender: recommender, byteBudget: 1 << 30) {
            for _ in 0..<samples {
                let id = ids[random.next(below: ids.count)]
                let watched = (0...(1 + random.next(below: 5))).map { _ in opened.movieIds[random.next(below: opened.movieCount)] }
                if let earlier = recommender.foldIn(customerId: id, watched: Array(watched.dropLast())) { cache.fold(customerId: id, folded: earlier) }
                var folded: FoldedHistory?
                keptFoldIns.append(time {
                    folded = recommender.foldIn(customerId: id, watched: watched)
                    if let folded { cache.fold(customerId: id, folded: folded) }
                })
                guard let folded else { continue }
                keptTopTen.append(time {
                    checksum += recommender.recommend(customerId: id, limit: 10, folded: cache.withScores(customerId: id, folded)).items.first?.score ?? 0
                })
            }
        }
        var result: [String: Double] = [
            "fold_in_mean_ms": foldIns.reduce(0, +) / Double(max(foldIns.count, 1)) * 1000, "fold_in_p99_ms": percentile(foldIns, 0.99) * 1000,
            "fold_in_top10_p50_ms": median(foldInAndTopTen) * 1000,
            "customers": Double(opened.customerCount), "movies": Double(opened.movieCount), "factors": Double(opened.factors),
            "file_mb": Double(opened.fileSize) / 1_048_576,
            "open_structure_ms": median(structureOpens) * 1000, "open_full_ms": median(fullOpens) * 1000,
            "top10_p50_ms": median(topTen) * 1000, "top10_p99_ms": percentile(topTen, 0.99) * 1000,
            "top10_batched_p50_ms": median(batchedTopTen) * 1000,
            "similar_p50_ms": median(similar) * 1000, "checksum": Double(checksum),
        ]
        if !keptFoldIns.isEmpty {
            result["kept_fold_in_mean_ms"] = keptFoldIns.reduce(0, +) / Double(keptFoldIns.count) * 1000
            result["kept_fold_in_p99_ms"] = percentile(keptFoldIns, 0.99) * 1000
            result["kept_top10_p50_ms"] = median(keptTopTen) * 1000
        }
        let data = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }
}
