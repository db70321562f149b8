@testable import RecoCore
import Testing

@Suite struct RankingSplitTests {
    /// Customer 1 has 10 ratings on days 1…10, customer 2 four ratings (fewer than 5).
    private func dataset() -> RatingsDataset {
        var table = RatingsTable()
        for day in (1...10).reversed() { table.append(customer: 1, movie: UInt32(day), halfStars: 8, day: UInt16(day)) }
        for day in 1...4 { table.append(customer: 2, movie: UInt32(day), halfStars: 8, day: UInt16(day)) }
        return RatingsDataset(table, scale: .netflix)
    }

    @Test func timeSplitHoldsOutEachCustomersLatestFifth() {
        let data = dataset()
        let parts = RankingSplit.defaultTime.split(Array(0..<data.count), of: data)
        let heldDays = parts.test.map { data.days[$0] }.sorted()
        #expect(heldDays == [9, 10])
        #expect(parts.test.allSatisfy { data.customerIds[Int(data.customerIndex[$0])] == 1 })
        #expect(parts.train.count == data.count - 2)
        // A validation split carved from training the same way takes the latest fifth of what is left.
        let validation = RankingSplit.defaultTime.split(parts.train, of: data)
        #expect(validation.test.map { data.days[$0] }.sorted() == [7, 8])
    }

    @Test func fractionSplitIsSeededAndComplete() {
        let data = dataset()
        let rows = Array(0..<data.count)
        let first = RankingSplit.fraction(0.25, seed: 3).split(rows, of: data)
        #expect(first == RankingSplit.fraction(0.25, seed: 3).split(rows, of: data))
        #expect(Set(first.train + first.test) == Set(rows))
        #expect(first.test.count == 4)
    }
}
