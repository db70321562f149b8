/// One row of `recommendation_lists`: one watch event (customer, movie, time, source; the
/// `watch_events` view reads them back as the watch history) and the ranked list written for it,
/// keyed by its Kafka position and its index within the message (the seed's messages may carry
/// several events). Titles are not repeated here: they live once in `movies`.
public struct RecommendationList: Sendable, Equatable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    /// 0 for a message with one event; k for the k-th event of a multi-event message.
    public var eventIndex: Int
    public var eventId: String
    public var customerId: UInt32
    public var watchedMovieId: UInt32
    /// RFC 3339.
    public var watchedAt: String
    /// In rank order, with `scores` beside them.
    public var movieIds: [UInt32]
    public var scores: [Double]
    public var modelVersion: String
    public var coldStart: Bool
    /// Where the watch came from (the event's `source`; nil for the seed's format).
    public var source: String?

    public init(topic: String, partition: Int32, offset: Int64, eventIndex: Int, eventId: String, customerId: UInt32, watchedMovieId: UInt32,
                watchedAt: String, movieIds: [UInt32], scores: [Double], modelVersion: String, coldStart: Bool, source: String? = nil) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.eventIndex = eventIndex
        self.eventId = eventId
        self.customerId = customerId
        self.watchedMovieId = watchedMovieId
        self.watchedAt = watchedAt
        self.movieIds = movieIds
        self.scores = scores
        self.modelVersion = modelVersion
        self.coldStart = coldStart
        self.source = source
    }
}
