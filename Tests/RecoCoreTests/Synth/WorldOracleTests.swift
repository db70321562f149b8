import Foundation
@testable import RecoCore
import Testing
import TestSupport

/// The learning loop's ceiling: the oracle ranks by the odds the world itself watches with, so
/// its top-10 is where the world's watches land most often.
@Suite struct WorldOracleTests {
    @Test func inTopCountsOnlyMoviesBelowTheBoundThatScoreHigher() {
        let scores: [Float] = [5, 4, 3, 2, 1, -.infinity]
        #expect(WorldOracle.inTop(2, movie: 1, scores: scores, bound: 6))
        #expect(!WorldOracle.inTop(2, movie: 2, scores: scores, bound: 6))
        // Within the bound (movies 0…2) two movies score higher than movie 2: third, not in a top 2.
        #expect(!WorldOracle.inTop(2, movie: 2, scores: scores, bound: 3))
        #expect(WorldOracle.inTop(3, movie: 2, scores: scores, bound: 3))
        // A movie at or above the bound is unknown to that catalogue; a seen one is never listed.
        #expect(!WorldOracle.inTop(10, movie: 4, scores: scores, bound: 4))
        #expect(!WorldOracle.inTop(10, movie: 5, scores: scores, bound: 6))
    }

    @Test func withoutTasteItRanksByPopularityAndNeverListsASeenMovie() {
        let popularity: [Double] = [5, 50, 20, 80, 1, 30]
        var oracle = WorldOracle(factors: 2, strength: 0, candidates: 8, seed: 1)
        let factors = [Float](repeating: 0.3, count: popularity.count * 2)
        oracle.startDay(popularity: popularity)
        let scores = oracle.scores(tastes: [0.5, -0.2][...], movieFactors: factors, table: AliasTable(weights: popularity), seen: [3])
        #expect(scores[3] == -.infinity)
        let order = (0..<popularity.count).filter { $0 != 3 }.sorted { scores[$0] > scores[$1] }
        #expect(order == [1, 5, 2, 0, 4])
    }

    @Test func itsTopTenIsWhereTheWorldsWatchesLandMostOften() {
        // 200 movies of Zipf-like popularity and random tastes; one customer watches 200,000
        // times by the world's own rule (nothing marked seen, so the law stays the same).
        var random = SplitMix64(seed: 11)
        let k = 8
        let movies = 200
        let sd = (0.35 / Double(k).squareRoot()).squareRoot()
        let popularity = (0..<movies).map { 1 / Double($0 + 1) }
        let factors = (0..<(movies * k)).map { _ in Float(sd * random.nextGaussian()) }
        let tastes = (0..<k).map { _ in Float(sd * random.nextGaussian()) }
        let table = AliasTable(weights: popularity)
        let strength = Float(1.5) / SyntheticDataGenerator.HiddenTastes.tasteSD
        var counts = [Int](repeating: 0, count: movies)
        for _ in 0..<200_000 {
            if let movie = SyntheticWorld.chooseWatch(tastes: tastes[...], movieFactors: factors, table: table, seen: [], candidates: 8,
                                                      strength: strength, random: &random) {
                counts[movie] += 1
            }
        }
        var oracle = WorldOracle(factors: k, strength: strength, candidates: 8, samples: 256, seed: 3)
        oracle.startDay(popularity: popularity)
        let scores = oracle.scores(tastes: tastes[...], movieFactors: factors, table: table, seen: [])
        let oracleTop = Set((0..<movies).sorted { scores[$0] > scores[$1] }.prefix(10))
        let observedTop = Set((0..<movies).sorted { counts[$0] > counts[$1] }.prefix(10))
        #expect(oracleTop.intersection(observedTop).count >= 8, "oracle \(oracleTop.sorted()), observed \(observedTop.sorted())")
        // Taste matters: popularity alone ranks worse than the oracle by the watches themselves.
        let byPopularity = Set(0..<10)
        let hits = { (list: Set<Int>) in list.reduce(0) { $0 + counts[$1] } }
        #expect(hits(oracleTop) > hits(byPopularity))
        #expect(Double(hits(oracleTop)) >= 0.97 * Double(hits(observedTop)))
    }

    @Test func aWorldReportsItsCeilingPerDay() throws {
        var base = SyntheticDataConfig()
        base.customers = 600
        base.movies = 120
        base.ratings = 8_000
        base.seed = 5
        base.files = 1
        let directory = TemporaryDirectory()
        var rated = [[Int32]](repeating: [], count: base.customers)
        let (_, tastes) = try SyntheticDataGenerator(config: base).generate(to: directory.path, rated: { rated[$0].append(Int32($1)) })
        let catalogue = try MovieTitlesReader(path: directory.path + "/movie_titles.csv", format: .netflix).read().movies
        var config = SyntheticWorld.Config()
        config.days = 3
        config.newMoviesPerDay = 10
        config.watchesPerDay = 800
        let summary = try SyntheticWorld(config: config, base: base).write(to: directory.path + "/world", tastes: tastes, rated: rated, catalogue: catalogue)
        let oracle = try #require(summary.oracle)
        #expect(oracle.count == 3)
        for day in oracle {
            for rate in [day.dayZeroTastesDayZeroMovies, day.dayZeroMovies, day.moviesBeforeTheDay, day.allMovies] {
                #expect((0...1).contains(rate))
            }
        }
        // Before day 1 only day 0's movies exist, so the two catalogues give the same lists.
        #expect(oracle[0].moviesBeforeTheDay == oracle[0].dayZeroMovies)
        // world.json carries it for `reco models simulate`.
        let written = try JSONDecoder().decode(SyntheticWorld.Summary.self, from: Data(directory.bytes("world/world.json")))
        #expect(written.oracle == oracle)
    }
}
