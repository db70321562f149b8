import Foundation
@testable import RecoCore
import Testing
import TestSupport

@Suite struct SyntheticDataGeneratorTests {
    private func config(seed: UInt64 = 7, ratings: Int = 60_000) -> SyntheticDataConfig {
        var config = SyntheticDataConfig()
        config.customers = 3_000
        config.movies = 400
        config.ratings = ratings
        config.seed = seed
        config.files = 2
        return config
    }

    @Test func sameSeedGivesTheSameBytes() throws {
        let first = TemporaryDirectory()
        let second = TemporaryDirectory()
        _ = try SyntheticDataGenerator(config: config()).write(to: first.path)
        _ = try SyntheticDataGenerator(config: config()).write(to: second.path)
        for name in ["combined_data_1.txt", "combined_data_2.txt", "movie_titles.csv"] {
            #expect(!first.bytes(name).isEmpty)
            #expect(first.bytes(name) == second.bytes(name), "\(name)")
        }
        let other = TemporaryDirectory()
        _ = try SyntheticDataGenerator(config: config(seed: 8)).write(to: other.path)
        #expect(first.bytes("combined_data_1.txt") != other.bytes("combined_data_1.txt"))
    }

    @Test func outputReadsBackAsNetflixDataWithItsShape() throws {
        let directory = TemporaryDirectory()
        let summary = try SyntheticDataGenerator(config: config()).write(to: directory.path)
        var table = RatingsTable()
        var read = 0
        for file in summary.files {
            read += try NetflixRatingsReader(path: file).read(into: &table).ratings
        }
        #expect(read == 60_000)
        let dataset = RatingsDataset(table, scale: .netflix)
        #expect(abs(dataset.meanRating - 3.6) < 0.1)
        // Every star value occurs, in roughly Netflix's proportions.
        var stars = [Int](repeating: 0, count: 11)
        for value in dataset.halfStars { stars[Int(value)] += 1 }
        let shares = [2, 4, 6, 8, 10].map { Double(stars[$0]) / Double(dataset.count) }
        for (share, expected) in zip(shares, [0.046, 0.101, 0.287, 0.336, 0.230]) {
            #expect(abs(share - expected) < 0.04)
        }
        // No customer rates a movie twice.
        var pairs = Set<UInt64>()
        for index in 0..<dataset.count {
            pairs.insert(UInt64(dataset.customerIndex[index]) << 32 | UInt64(dataset.movieIndex[index]))
        }
        #expect(pairs.count == dataset.count)
        // Popularity is skewed: the busiest movie has many times the median count.
        let movieCounts = dataset.counts().movies.sorted()
        #expect(Double(movieCounts.last ?? 0) > 5 * Double(movieCounts[movieCounts.count / 2]))
        // Dates stay inside the Netflix window.
        let first = UInt16(SyntheticDataGenerator.firstDay)
        let last = UInt16(SyntheticDataGenerator.lastDay)
        #expect(dataset.days.allSatisfy { $0 >= first && $0 <= last })
    }

    @Test func titlesHaveCommasAccentsAndNullYears() throws {
        let directory = TemporaryDirectory()
        _ = try SyntheticDataGenerator(config: config()).write(to: directory.path)
        let bytes = directory.bytes("movie_titles.csv")
        #expect(bytes.contains { $0 >= 0x80 })
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains(",NULL,"))
        let movies = try MovieTitlesReader(path: directory.path + "/movie_titles.csv", format: .netflix).read().movies
        #expect(movies.count == 400)
        #expect(movies.contains { $0.title.contains(",") })
        #expect(movies.contains { $0.title.unicodeScalars.contains { $0.value > 127 } })
        #expect(movies.contains { $0.year == nil })
    }

    @Test func impossibleSizesAreRefused() {
        var config = config()
        config.ratings = 10_000_000
        #expect(throws: SyntheticDataError.self) { try config.validate() }
    }
}
