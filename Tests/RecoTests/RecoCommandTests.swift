import ArgumentParser
import Foundation
@testable import reco
import RecoCore
import Testing
import TestSupport

/// `reco`'s command line: subcommands, defaults, refusals and exit codes (64 for a usage error,
/// 1 for a failure, with a message naming what and where).
@Suite struct RecoCommandTests {
    @Test func subcommandsParseWithTheirDefaults() throws {
        let train = try #require(try RecoCommand.parseAsRoot(["train", "--data", "data/p"]) as? TrainCommand)
        #expect(train.output == "model/svd.recomodel" && train.holdoutFraction == nil)
        let recommend = try #require(try RecoCommand.parseAsRoot(["recommend", "--customer", "7"]) as? RecommendCommand)
        #expect(recommend.model.modelPath == "model/svd.recomodel" && recommend.catalog.path == "data/prepared/movies.csv")
        #expect(recommend.limit == 10 && recommend.order == .ranker)
        let none = try #require(try RecoCommand.parseAsRoot(["recommend", "--similar-to", "3", "--movies", "none", "--model", "m.recomodel"]) as? RecommendCommand)
        #expect(none.catalog.path == nil && none.model.modelPath == "m.recomodel")
        let broker = try #require(try RecoCommand.parseAsRoot(["broker", "--brokers", "3", "--port", "29092"]) as? BrokerCommand)
        #expect(try broker.brokerPorts() == [29092, 29093, 29094])
        let synth = try #require(try RecoCommand.parseAsRoot(["synth"]) as? SynthCommand)
        #expect(synth.ratings == 1_000_000 && synth.customers == 20_000 && synth.movies == 2_000)
    }

    @Test(arguments: [
        (["recommend"], "give --customer or --similar-to"),
        (["recommend", "--customer", "1", "--limit", "0"], "--limit must be 1...1000"),
        (["train", "--holdout-fraction", "1.5"], "--holdout-fraction must be between 0 and 1"),
        (["evaluate", "--folds", "1"], "--folds must be 2...100"),
        (["evaluate", "--ranking", "--prequential"], "choose one"),
        (["prepare", "x", "--movie-percentile", "2"], "percentiles must be between 0 and 1"),
        (["broker", "--partitions", "0"], "--partitions must be 1...64"),
        (["broker", "--brokers", "2", "--port", "1,1"], "a port is given twice"),
        (["broker", "--port", "70000"], "'70000' is not a port"),
        (["tune", "--folds", "101"], "--folds must be 2...100"),
        (["no-such-command"], "Unexpected argument 'no-such-command'"),
    ])
    func badOptionsAreUsageErrorsThatSayWhy(arguments: [String], message: String) {
        do {
            _ = try RecoCommand.parseAsRoot(arguments)
            Issue.record("\(arguments) parsed")
        } catch {
            #expect(RecoCommand.exitCode(for: error) == .validationFailure, "\(arguments)")
            #expect(RecoCommand.message(for: error).contains(message), "\(RecoCommand.message(for: error))")
        }
    }

    /// A failure at run time exits 1 with a message that names the file.
    @Test func aMissingModelFileFailsNamingIt() throws {
        let directory = TemporaryDirectory()
        let path = directory.path + "/missing.recomodel"
        var command = try #require(try RecoCommand.parseAsRoot(["recommend", "--customer", "7", "--model", path, "--log-level", "critical"]) as? RecommendCommand)
        #expect { try command.run() } throws: { error in
            RecoCommand.exitCode(for: error) == .failure && RecoCommand.message(for: error).contains(path)
        }
    }

    /// `reco models simulate` writes a registry of its own: handed a folder with something in
    /// it (the serving registry, say), it refuses and leaves it alone.
    @Test func simulateNeverEmptiesAFolderItWasHanded() throws {
        let directory = TemporaryDirectory()
        let registry = directory.path + "/registry"
        try FileManager.default.createDirectory(atPath: registry, withIntermediateDirectories: true)
        try "v1\n".write(toFile: registry + "/current", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: directory.path + "/world/world", withIntermediateDirectories: true)
        try #"{"days": 1, "watches": [0], "newMovieShare": [0], "movies": 0}"#.write(toFile: directory.path + "/world/world/world.json", atomically: true, encoding: .utf8)
        let command = try #require(try RecoCommand.parseAsRoot(["models", "simulate", "--world", directory.path + "/world", "--registry", registry,
                                                                 "--log-level", "critical"]) as? ModelsSimulateCommand)
        #expect { try command.run() } throws: { error in
            RecoCommand.exitCode(for: error) == .validationFailure && RecoCommand.message(for: error).contains("is not empty")
        }
        #expect(FileManager.default.fileExists(atPath: registry + "/current"))
    }
}
