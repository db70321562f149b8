/// The lowest and highest rating of a data set, in half stars (Netflix: 2...10, MovieLens: 1...10).
public struct RatingScale: Sendable, Equatable, Codable {
    public var lowestHalfStars: UInt8
    public var highestHalfStars: UInt8

    public static let netflix = RatingScale(lowestHalfStars: 2, highestHalfStars: 10)
    public static let movieLens = RatingScale(lowestHalfStars: 1, highestHalfStars: 10)

    public init(lowestHalfStars: UInt8, highestHalfStars: UInt8) {
        self.lowestHalfStars = lowestHalfStars
        self.highestHalfStars = highestHalfStars
    }

    public var lowest: Float { Float(lowestHalfStars) / 2 }
    public var highest: Float { Float(highestHalfStars) / 2 }

    public func contains(halfStars: UInt8) -> Bool {
        (lowestHalfStars...highestHalfStars).contains(halfStars)
    }

    /// The smallest scale that holds both.
    public func union(_ other: RatingScale) -> RatingScale {
        RatingScale(lowestHalfStars: min(lowestHalfStars, other.lowestHalfStars),
                    highestHalfStars: max(highestHalfStars, other.highestHalfStars))
    }

    var text: String { "\(Self.format(lowest))–\(Self.format(highest))" }

    static func format(_ stars: Float) -> String {
        stars == stars.rounded() ? String(Int(stars)) : String(stars)
    }
}
