import Foundation
@testable import RecoCore
import Testing
import TestSupport

/// What `ModelFileWriter` writes, `ModelFileReader` reads back: every section, for a file without
/// a ranker and for each ranker kind, and a header that re-encodes to its own bytes.
@Suite struct ModelFileRoundTripTests {
    let directory = TemporaryDirectory()

    /// Every customer rates and every movie is rated, so the file keeps every row as trained.
    private func train(_ kind: RankerKind?) throws -> (path: String, dataset: RatingsDataset, outcome: TrainingJob.Outcome) {
        var table = RatingsTable()
        var random = SplitMix64(seed: 9)
        for customer in 0..<50 {
            for movie in 0..<24 where random.nextUnit() < 0.4 || movie == customer % 24 {
                table.append(customer: UInt32(100 + customer * 3), movie: UInt32(10 + movie * 5), halfStars: UInt8(2 + random.next(below: 9)), day: 0)
            }
        }
        let dataset = RatingsDataset(table, scale: .netflix)
        var parameters = TrainingParameters()
        parameters.factors = 6
        parameters.epochs = 2
        var job = TrainingJob(dataset: dataset, parameters: parameters)
        if let kind {
            var ranker = RankerParameters(kind: kind)
            ranker.factors = 5
            ranker.iterations = 2
            job.rankers = [ranker]
        } else {
            job.rankers = []
        }
        let outcome = try job.run()
        let path = directory.path + "/\(kind?.rawValue ?? "none").recomodel"
        try job.write(outcome, to: path)
        return (path, dataset, outcome)
    }

    @Test(arguments: [nil, RankerKind.ease, .ials])
    func everySectionReadsBackAsWritten(kind: RankerKind?) throws {
        let (path, dataset, outcome) = try train(kind)
        let model = try RecoModel(path: path)
        let svd = outcome.model
        #expect(model.formatVersion == ModelFileLayout.formatVersion)
        #expect(model.customerCount == dataset.customerCount && model.movieCount == dataset.movieCount)
        #expect(model.factors == 6 && model.stride == FactorModel.stride(for: 6))
        #expect(model.globalMean == svd.globalMean && model.scale == .netflix)
        #expect(Array(model.customerIds) == dataset.customerIds)
        #expect(Array(model.movieIds) == dataset.movieIds)
        #expect(Array(model.customerBias) == svd.customerBias)
        #expect(Array(model.movieBias) == svd.movieBias)
        #expect(Array(model.customerFactors) == svd.customerFactors)
        #expect(Array(model.movieFactors) == svd.movieFactors)
        let norms = (0..<svd.movieCount).map { movie in
            svd.movieFactors[(movie * svd.stride)..<((movie + 1) * svd.stride)].reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
        }
        #expect(zip(Array(model.movieNorms), norms).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, $1) })
        let weighting = outcome.ranker?.parameters.weighting ?? FeedbackWeighting()
        let interactions = InteractionMatrix(outcome.training, weighting: weighting)
        for customer in 0..<dataset.customerCount {
            let range = interactions.rated(customer)
            #expect(Array(model.ratedMovies(customer: customer)) == Array(interactions.ratedMovies[range]))
            #expect(model.ratedWeights(customer: customer).map(Array.init) == Array(interactions.ratedWeights[range]))
        }
        #expect(model.popularity.map(Array.init) == interactions.ratingCounts())
        #expect(model.metadata.parameters.factors == 6 && model.metadata.parameters.epochs == 2)
        #expect(model.metadata.ranker?.parameters.kind == kind)
        #expect(model.ranker == kind)
        switch kind {
        case nil:
            #expect(model.rankerStride == 0 && model.rankerMovieRows.isEmpty && model.rankerCustomerFactors.isEmpty)
        case .ease:
            let ranker = try #require(outcome.ranker)
            #expect(model.rankerStride == EASETrainer.rowStride(dataset.movieCount) && model.rankerStride == ranker.stride)
            #expect(Array(model.rankerMovieRows) == ranker.movieRows)
            #expect(model.rankerCustomerFactors.isEmpty)
        case .ials:
            let ranker = try #require(outcome.ranker)
            #expect(model.rankerStride == ranker.stride)
            #expect(Array(model.rankerMovieRows) == ranker.movieRows)
            #expect(Array(model.rankerCustomerFactors) == ranker.customerFactors)
        }
    }

    @Test(arguments: [nil, RankerKind.ease, .ials])
    func theHeaderReEncodesToItsOwnBytes(kind: RankerKind?) throws {
        let (path, _, _) = try train(kind)
        let bytes = directory.bytes((path as NSString).lastPathComponent)
        let header = try bytes.withUnsafeBytes { try ModelHeader.read($0.baseAddress!, size: bytes.count, path: path) }
        #expect(header.encoded() == Array(bytes.prefix(header.headerSize)))
        #expect(header.ranker == StoredRanker(kind))
        #expect(header.fileSize == bytes.count)
        // Sections follow one another in table order, each on a 64-byte boundary.
        let offsets = header.sections.map { header[$0].offset }
        #expect(offsets == offsets.sorted() && offsets.allSatisfy { $0 % ModelFileLayout.alignment == 0 })
        #expect(offsets.first == ModelFileLayout.aligned(header.headerSize))
    }
}
