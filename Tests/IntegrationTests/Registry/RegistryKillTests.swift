import Foundation
import RecoCore
import Testing
import TestSupport

/// Registry atomicity against `kill -9`: `reco models promote` is killed at random moments of
/// its run, over and over; after every kill `current` names one of the two versions whole (the
/// old or the new), the version loads, the lock is free for the next promotion and every line of
/// history.jsonl is a whole event.
@Suite(.serialized) struct RegistryKillTests {
    static let bin = Repository.root + "/.build/debug"

    @Test(.timeLimit(.minutes(5)))
    func killNineDuringPromoteLeavesTheOldOrTheNewPointer() async throws {
        let work = NSTemporaryDirectory() + "registry-kill-\(UUID().uuidString.prefix(8))"
        try await Shell.run("\(Self.bin)/reco synth --ratings 1500 --customers 200 --movies 60 --seed 4 --output \(work)/raw --no-progress")
        try await Shell.run("\(Self.bin)/reco prepare \(work)/raw --no-trim --output \(work)/prepared --no-progress")
        for name in ["a", "b"] {
            try await Shell.run("\(Self.bin)/reco train --data \(work)/prepared --factors 4 --epochs 2 --no-ranker --output \(work)/\(name).recomodel --no-progress")
            try await Shell.run("\(Self.bin)/reco models add \(work)/\(name).recomodel --registry \(work)/registry")
            try await Task.sleep(for: .milliseconds(1_100))  // versions are named by the second
        }
        let registry = ModelRegistry(directory: "\(work)/registry")
        let versions = try registry.entries().map(\.version)
        try #require(versions.count == 2)

        func promote(_ target: String) throws -> Process {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "\(Self.bin)/reco")
            process.arguments = ["models", "promote", target, "--registry", "\(work)/registry"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            return process
        }
        // How long one promotion takes here, launched as the rounds launch it, start to exit:
        // the shortest of three (a slow outlier would put most kills after the exit), and the
        // kills are spread over 90% of it.
        var spans: [Duration] = []
        for _ in 0..<3 {
            let target = try #require(versions.first { $0 != (try? registry.currentVersion()) })
            let started = ContinuousClock.now
            let process = try promote(target)
            await process.exited()
            spans.append(ContinuousClock.now - started)
        }
        let span = max(spans.min()!, .milliseconds(20)) * 0.9
        var random = SplitMix64(seed: 9)
        var killedMidway = 0
        for round in 0..<40 {
            let before = try #require(try registry.currentVersion())
            let target = try #require(versions.first { $0 != before })
            let process = try promote(target)
            try await Task.sleep(for: span * random.nextUnit())
            kill(process.processIdentifier, SIGKILL)
            await process.exited()
            if process.terminationReason == .uncaughtSignal { killedMidway += 1 }
            let pointer = try String(contentsOfFile: "\(work)/registry/current", encoding: .utf8)
            #expect(pointer == before + "\n" || pointer == target + "\n", "round \(round): current is '\(pointer)'")
            let current = try #require(try registry.currentVersion())
            _ = try RecoModel(path: registry.modelPath(current))
        }
        #expect(killedMidway > 10, "most rounds were killed before they finished (\(killedMidway) of 40)")
        let history = try String(contentsOfFile: "\(work)/registry/history.jsonl", encoding: .utf8).split(separator: "\n")
        for line in history { #expect(throws: Never.self) { try JSONParser.parse(Array(line.utf8)) } }
        // The lock went with the killed processes: a promotion goes through.
        let last = try #require(try registry.currentVersion())
        try await Shell.run("\(Self.bin)/reco models promote \(versions.first { $0 != last }!) --registry \(work)/registry")
        #expect(try registry.currentVersion() != last)
    }
}
