import Foundation
import RecoCore
import Testing
import TestSupport

/// `reco models simulate` over a small synthetic world of two days: the days and their watches
/// are the world's, the new movies' shares agree with what `reco synth` wrote, the frozen model
/// can give no slot to a new movie, and the loop's model of day 2 is the version the registry
/// made current after day 1 (when the gate passed) or the day-0 one (when it refused).
@Suite(.serialized) struct LoopSimulationTests {
    static let bin = Repository.root + "/.build/debug"

    @Test(.timeLimit(.minutes(5)))
    func theLoopRunsDayByDayThroughTheRegistry() async throws {
        let work = NSTemporaryDirectory() + "loop-sim-\(UUID().uuidString.prefix(8))"
        try await Shell.run("\(Self.bin)/reco synth --ratings 20000 --customers 1000 --movies 200 --seed 3 --days 2 --new-movies-per-day 20 --watches-per-day 600 --output \(work)/world --no-progress")
        try await Shell.run("\(Self.bin)/reco prepare \(work)/world --no-trim --output \(work)/prepared --no-progress")
        try await Shell.run("\(Self.bin)/reco models simulate --world \(work)/world --data \(work)/prepared --ranker ease --factors 4 --epochs 2 "
                            + "--watch-weight 1,4 --registry \(work)/registry --output \(work)/days.json --no-progress")
        let parsed = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: "\(work)/days.json"))))
        let days = try #require(parsed.array)
        let world = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: "\(work)/world/world/world.json"))))
        #expect(days.count == 2)
        for (index, day) in days.enumerated() {
            #expect(day["day"]?.number == Double(index + 1))
            #expect(day["watches"]?.number == world["watches"]?.array?[index].number)
            let share = try #require(day["newMovieWatchShare"]?.number)
            #expect(abs(share - (world["newMovieShare"]?.array?[index].number ?? -1)) < 1e-9)
            for key in ["frozen", "foldIn", "retrained", "retrainedNewMovieSlotShare"] {
                #expect((0...1).contains(day[key]?.number ?? -1), "\(key)")
            }
            #expect(day["recency"]?.string?.hasPrefix("watch weight") == true)
        }
        // Day 1: nothing retrained yet, so the loop serves the day-0 model as fold-in does.
        #expect(days[0]["retrained"]?.number == days[0]["foldIn"]?.number)
        #expect(days[0]["retrainedNewMovieSlotShare"]?.number == 0)
        // Day 2 is served by what the gate left current after day 1.
        let registry = ModelRegistry(directory: "\(work)/registry")
        let history = try registry.history()
        let dayZero = try #require(history.first { $0.action == .promote }?.to)
        let afterDayOne = days[0]["gate"]?.string == "passed" ? history.filter { $0.action == .promote }.dropFirst().first?.to : dayZero
        #expect(days[1]["servingVersion"]?.string == afterDayOne)
        #expect(history.filter { $0.action == .gate }.count == 2, "one gate decision a day")
        // Every candidate chose its watch weight on validation among the two offered.
        let candidates = try registry.entries().filter { $0.heldOutWatches != nil }
        #expect(candidates.count == 2 && candidates.allSatisfy { $0.recency?.trials.count == 2 })
    }
}
