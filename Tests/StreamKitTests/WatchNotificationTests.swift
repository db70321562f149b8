import RecoCore
import StreamKit
import Testing

@Suite struct WatchNotificationTests {
    @Test func theBodyCarriesTheEventTheListAndNullsForWhatIsMissing() throws {
        let event = WatchEvent(eventId: "e-1", customerId: 785_314, movieId: 3, title: "Heat", year: 1995, watchedAt: "2026-11-25T18:00:00.000Z", source: "test")
        let list = CustomerRecommendations(customerId: 785_314, coldStart: false, rankedBy: "ease", items: [
            RecommendedMovie(rank: 1, movieId: 7, title: "Ran \"乱\"", year: nil, score: 4.123456),
            RecommendedMovie(rank: 2, movieId: 9, title: nil, year: 2001, score: 3.5),
        ])
        let notification = WatchNotification(idempotencyKey: WatchNotification.key(topic: "watch_events", partition: 2, offset: 41),
                                             event: event, modelVersion: "v1", recommendations: list)
        let body = try JSONParser.parse(notification.jsonBytes())
        #expect(body["idempotency_key"]?.string == "watch_events/2/41")
        #expect(body["customer_id"]?.number == 785_314 && body["movie_id"]?.number == 3)
        #expect(body["model_version"]?.string == "v1" && body["cold_start"] == .bool(false))
        let items = try #require(body["recommendations"]?.array)
        #expect(items.count == 2)
        #expect(items[0]["title"]?.string == "Ran \"乱\"" && items[0]["year"] == .null && items[0]["score"]?.number == 4.1235)
        #expect(items[1]["title"] == .null && items[1]["year"]?.number == 2001)
        #expect(body["summary"]?.string == "Ran \"乱\"; movie 9")
    }
}
