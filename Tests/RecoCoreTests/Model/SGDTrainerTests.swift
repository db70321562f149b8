@testable import RecoCore
import Testing
import TestSupport

@Suite struct SGDTrainerTests {
    /// One step against Surprise's update written out by hand, in Double.
    @Test func stepMatchesTheHandComputedSurpriseUpdate() {
        var parameters = TrainingParameters()
        parameters.learningRateBias = 0.01
        parameters.learningRateFactors = 0.02
        parameters.regularizationBias = 0.1
        parameters.regularizationFactors = 0.05
        let stride = 8
        var p: [Float] = [0.1, -0.2, 0.3, 0.05, 0, 0, 0, 0]
        var q: [Float] = [0.4, 0.1, -0.3, 0.2, 0, 0, 0, 0]
        var bu: Float = 0.15
        var bi: Float = -0.25
        let mean: Float = 3.6, stars: Float = 4

        // Surprise: err = r - (mu + bu + bi + q·p); biases, then factors with the old values.
        let dot = zip(p, q).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        let error = Double(stars) - (Double(mean) + Double(bu) + Double(bi) + dot)
        let expectedBu = Double(bu) + 0.01 * (error - 0.1 * Double(bu))
        let expectedBi = Double(bi) + 0.01 * (error - 0.1 * Double(bi))
        let expectedP = zip(p, q).map { Double($0) + 0.02 * (error * Double($1) - 0.05 * Double($0)) }
        let expectedQ = zip(p, q).map { Double($1) + 0.02 * (error * Double($0) - 0.05 * Double($1)) }

        let returned = p.withUnsafeMutableBufferPointer { pu in
            q.withUnsafeMutableBufferPointer { qi in
                SGDTrainer.step(stars: stars, mean: mean, customerBias: &bu, movieBias: &bi,
                                customerRow: pu.baseAddress!, movieRow: qi.baseAddress!, stride: stride, parameters)
            }
        }
        #expect(abs(Double(returned) - error) < 1e-6)
        #expect(abs(Double(bu) - expectedBu) < 1e-6)
        #expect(abs(Double(bi) - expectedBi) < 1e-6)
        for f in 0..<stride {
            #expect(abs(Double(p[f]) - expectedP[f]) < 1e-6)
            #expect(abs(Double(q[f]) - expectedQ[f]) < 1e-6)
        }
        // Padding stays zero.
        #expect(p[4...].allSatisfy { $0 == 0 } && q[4...].allSatisfy { $0 == 0 })
    }

    /// Ratings from a planted rank-3 model plus noise (σ = 0.1): training must find the structure,
    /// with a holdout RMSE close to the noise floor and far below the biases-only baseline.
    @Test func recoversAPlantedLowRankModel() async throws {
        let planted = PlantedData(customers: 300, movies: 200, rank: 3, noise: 0.1, seed: 11)
        let (train, test) = planted.ratings(perCustomer: 60, testShare: 0.1)
        var parameters = TrainingParameters()
        parameters.factors = 3
        parameters.epochs = 150
        parameters.setLearningRate(0.01)
        parameters.setRegularization(0.005)
        parameters.threads = 2
        let scale = RatingScale(lowestHalfStars: 1, highestHalfStars: 10)
        let trained = parameters
        let (model, epochs) = try await offPool { try SGDTrainer(parameters: trained).train(train, scale: scale, holdout: test) }
        let accuracy = Accuracy.measure(model, on: test)
        #expect(accuracy.rmse < 0.16, "holdout RMSE \(accuracy.rmse)")
        #expect(epochs.last?.holdoutRMSE == accuracy.rmse)
        var biasesOnly = parameters
        biasesOnly.epochs = 150
        biasesOnly.initStandardDeviation = 0
        let baselineParameters = biasesOnly
        let (baseline, _) = try await offPool { try SGDTrainer(parameters: baselineParameters).train(train, scale: scale) }
        #expect(Accuracy.measure(baseline, on: test).rmse > 2 * accuracy.rmse)
    }

    @Test func deterministicForASeedAndThreadCount() async throws {
        let (train, _) = PlantedData(customers: 120, movies: 80, rank: 2, noise: 0.2, seed: 3).ratings(perCustomer: 30, testShare: 0)
        for threads in [1, 2, 3] {
            var parameters = TrainingParameters()
            parameters.factors = 10
            parameters.epochs = 5
            parameters.threads = threads
            parameters.seed = 9
            let fixed = parameters
            let first = try await offPool { try SGDTrainer(parameters: fixed).train(train, scale: .movieLens).model }
            let second = try await offPool { try SGDTrainer(parameters: fixed).train(train, scale: .movieLens).model }
            #expect(first.customerFactors == second.customerFactors)
            #expect(first.movieBias == second.movieBias)
        }
    }

    @Test func refusesBadParametersAndEmptyData() {
        var parameters = TrainingParameters()
        parameters.factors = 0
        #expect(throws: TrainingError.self) { try parameters.validate() }
        let empty = TrainingRatings(customers: [], movies: [], stars: [], customerCount: 0, movieCount: 0)
        #expect(throws: TrainingError.noRatings) { try SGDTrainer(parameters: TrainingParameters()).train(empty, scale: .netflix) }
    }

    @Test func unknownCustomersAndMoviesFallBackLikeSurprise() {
        let model = FactorModel(factors: 1, globalMean: 3, customerBias: [0.5, 9], movieBias: [-0.25, 9],
                                customerFactors: [1, 0, 0, 0, 0, 0, 0, 0] + [1, 0, 0, 0, 0, 0, 0, 0],
                                movieFactors: [0.5, 0, 0, 0, 0, 0, 0, 0] + [1, 0, 0, 0, 0, 0, 0, 0],
                                knownCustomer: [true, false], knownMovie: [true, false], scale: .netflix)
        #expect(model.predict(customer: 0, movie: 0) == 3.75)       // μ + b_u + b_i + q·p
        #expect(model.predict(customer: 1, movie: 0) == 2.75)       // unknown customer: μ + b_i
        #expect(model.predict(customer: 0, movie: 1) == 3.5)        // unknown movie: μ + b_u
        #expect(model.predict(customer: 99, movie: 99) == 3)        // neither: μ
    }
}

/// Ratings drawn from a known biased low-rank model, for tests that need learnable structure.
struct PlantedData {
    let customers: Int
    let movies: Int
    let rank: Int
    let noise: Double
    let seed: UInt64

    func ratings(perCustomer: Int, testShare: Double) -> (train: TrainingRatings, test: TrainingRatings) {
        var random = SplitMix64(seed: seed)
        let p = (0..<(customers * rank)).map { _ in 0.5 * random.nextGaussian() }
        let q = (0..<(movies * rank)).map { _ in 0.5 * random.nextGaussian() }
        let bu = (0..<customers).map { _ in 0.2 * random.nextGaussian() }
        let bi = (0..<movies).map { _ in 0.2 * random.nextGaussian() }
        var train = TrainingRatings(customers: [], movies: [], stars: [], customerCount: customers, movieCount: movies)
        var test = train
        for customer in 0..<customers {
            var chosen = Set<Int>()
            while chosen.count < perCustomer { chosen.insert(random.next(below: movies)) }
            for movie in chosen.sorted() {
                var value = 3 + bu[customer] + bi[movie] + noise * random.nextGaussian()
                for f in 0..<rank { value += p[customer * rank + f] * q[movie * rank + f] }
                let isTest = random.nextUnit() < testShare
                if isTest {
                    test.customers.append(UInt32(customer)); test.movies.append(UInt32(movie)); test.stars.append(Float(value))
                } else {
                    train.customers.append(UInt32(customer)); train.movies.append(UInt32(movie)); train.stars.append(Float(value))
                }
            }
        }
        return (train, test)
    }
}
