import Foundation
import RecoCore
import Testing
@testable import RecoAPI

/// Concurrent requests share passes over the movie factors and get the lists they would alone.
@Suite struct ScanBatcherTests {
    @Test func concurrentRequestsGetTheirOwnListsFromSharedPasses() async throws {
        let models = try TestModels()
        let serving = try #require(try await models.holder().serving)
        let customers: [UInt32] = (0..<400).map { $0 % 3 == 0 ? 100 : 200 }
        let alone = serving.recommend(customerIds: [100, 200], limit: 3, excludeRated: true, ordering: .ranker, watchingNow: [:])
        let expected = Dictionary(uniqueKeysWithValues: zip([UInt32(100), 200], alone))
        let served = await withTaskGroup(of: (UInt32, Recommendation).self) { group in
            for customer in customers {
                group.addTask { (customer, await serving.recommend(customerId: customer, limit: 3)) }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(served.count == customers.count)
        for (customer, list) in served { #expect(list == expected[customer], "customer \(customer)") }
        let counts = serving.batcher.counts
        #expect(counts.lists == customers.count, "every factor scan went through the batcher")
        #expect(counts.passes >= 1 && counts.passes <= counts.lists)
    }
}
