import Foundation

/// How much a watch weighs in the ranker's feedback, by its age: `watchWeight` at the newest
/// learned watch (a rating at full stars weighs 1), halved every `halfLifeDays` before it (nil:
/// no decay). The learning loop's way of weighting recent feedback more; `RecencySelection`
/// chooses it on a validation part of the learned watches, never on the gate's window.
public struct RecencyWeighting: Sendable, Codable, Equatable, Hashable, CustomStringConvertible {
    public var watchWeight: Float
    public var halfLifeDays: Double?

    public init(watchWeight: Float = 1, halfLifeDays: Double? = nil) {
        self.watchWeight = watchWeight
        self.halfLifeDays = halfLifeDays
    }

    /// What the loop did before it could choose: every watch at weight 1.
    public static let none = RecencyWeighting()

    public func weight(ageDays: Double) -> Float {
        guard let halfLifeDays, halfLifeDays > 0 else { return watchWeight }
        return watchWeight * Float(pow(0.5, max(ageDays, 0) / halfLifeDays))
    }

    /// Weights of `watches` relative to the newest of them (a watch without a time: the newest).
    public func weights(_ watches: [WatchHistoryReader.Watch]) -> [Float] {
        let newest = watches.compactMap(\.watchedAt).max() ?? 0
        return watches.map { watch in
            weight(ageDays: watch.watchedAt.map { Double(newest - $0) / 86_400_000_000 } ?? 0)
        }
    }

    public var description: String {
        "watch weight \(watchWeight)" + (halfLifeDays.map { ", half-life \($0) days" } ?? ", no decay")
    }

    enum CodingKeys: String, CodingKey {
        case watchWeight = "watch_weight"
        case halfLifeDays = "half_life_days"
    }
}
