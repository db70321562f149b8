/// One row of `recommendations`: a movie recommended for the customer of one Kafka event.
public struct RecommendationRow: Sendable, Equatable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    /// 1-based rank; for a message carrying several events, event k's ranks start at k × 100 + 1.
    public var rank: Int
    public var customerId: UInt32
    public var movieId: UInt32
    public var title: String?
    public var year: Int?
    public var score: Float
    public var modelVersion: String
    public var eventId: String
    /// RFC 3339.
    public var eventTime: String
    public var coldStart: Bool

    public init(topic: String, partition: Int32, offset: Int64, rank: Int, customerId: UInt32, movieId: UInt32, title: String?,
                year: Int?, score: Float, modelVersion: String, eventId: String, eventTime: String, coldStart: Bool) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.rank = rank
        self.customerId = customerId
        self.movieId = movieId
        self.title = title
        self.year = year
        self.score = score
        self.modelVersion = modelVersion
        self.eventId = eventId
        self.eventTime = eventTime
        self.coldStart = coldStart
    }
}
