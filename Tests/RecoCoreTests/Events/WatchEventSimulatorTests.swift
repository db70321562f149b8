@testable import RecoCore
import Testing

@Suite struct WatchEventSimulatorTests {
    @Test func drawsCustomersAndMoviesByActivityAndIsDeterministic() {
        var table = RatingsTable()
        // Customer 1 rates 9 movies, customer 2 one; movie 1 is rated by both.
        for movie in 1...9 { table.append(customer: 1, movie: UInt32(movie), halfStars: 8, day: 0) }
        table.append(customer: 2, movie: 1, halfStars: 6, day: 0)
        let dataset = RatingsDataset(table, scale: .netflix)
        let catalog = MovieCatalog([Movie(id: 1, year: 2000, title: "One")])
        var first = WatchEventSimulator(dataset: dataset, catalog: catalog, seed: 7)
        var second = WatchEventSimulator(dataset: dataset, catalog: catalog, seed: 7)
        let events = (0..<5_000).map { _ in first.next(watchedAt: "2026-01-01T00:00:00Z") }
        #expect(events == (0..<5_000).map { _ in second.next(watchedAt: "2026-01-01T00:00:00Z") })
        let customerOne = Double(events.filter { $0.customerId == 1 }.count) / 5_000
        #expect(abs(customerOne - 0.9) < 0.03)
        let movieOne = Double(events.filter { $0.movieId == 1 }.count) / 5_000
        #expect(abs(movieOne - 0.2) < 0.03)
        #expect(events.first { $0.movieId == 1 }?.title == "One")
        #expect(Set(events.map(\.eventId)).count == 5_000)
    }
}
