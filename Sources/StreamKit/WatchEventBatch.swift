import RecoCore
import RecoKafka

/// A batch of messages decoded into watch events; the messages that are not events become dead
/// letters with the decoder's reason.
public struct WatchEventBatch: Sendable {
    public var events: [(message: KafkaConsumedMessage, events: [WatchEvent])] = []
    public var deadLetters: [DeadLetter] = []

    public init(_ messages: [KafkaConsumedMessage]) {
        for message in messages {
            do {
                events.append((message, try WatchEventDecoder.decode(message.value)))
            } catch {
                deadLetters.append(DeadLetter(message: message, reason: error.reason.rawValue, error: error.description))
            }
        }
    }

    /// Each customer once, in order of first appearance.
    public var customerIds: [UInt32] {
        var seen = Set<UInt32>()
        return events.flatMap { $0.events.map(\.customerId) }.filter { seen.insert($0).inserted }
    }

    public var eventCount: Int { events.reduce(0) { $0 + $1.events.count } }

    /// Every customer's top-N from `source`, waited for while the source is unavailable; the
    /// model version and the lists by customer id. Empty when the batch has no event.
    public func recommendations(from source: any RecommendationSource, limit: Int,
                                context: BatchContext) async throws -> (modelVersion: String, byCustomer: [UInt32: CustomerRecommendations]) {
        let customers = customerIds
        guard !customers.isEmpty else { return ("", [:]) }
        // The batch's events go with the request: each stored list is computed after its event
        // is folded in, whether or not the source has read it from Kafka yet.
        // (At most what one request carries; beyond, the rest are left to the replica's log.)
        let watching = Array(events.flatMap { $0.events.map { RecommendationBatchRequest.Watching(customerId: $0.customerId, movieId: $0.movieId) } }
            .prefix(RecommendationBatchRequest.maximumWatching))
        let answer = try await context.untilAvailable("recommendations") { try await source.recommend(customers, watching: watching, limit: limit) }
        return (answer.modelVersion, Dictionary(answer.results.map { ($0.customerId, $0) }, uniquingKeysWith: { first, _ in first }))
    }
}
