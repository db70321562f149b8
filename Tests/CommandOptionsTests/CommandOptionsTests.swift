import ArgumentParser
import CommandOptions
import Logging
import RecoCore
import Testing
import TestSupport

/// The option groups every executable shares.
@Suite struct CommandOptionsTests {
    private enum Listen: ListenDefaults {
        static let port = 4000
    }

    private enum NoDefaultModel: ModelDefaults {
        static let modelPath: String? = nil
        static let modelUsage = "instead of --api"
    }

    private struct Everything: ParsableCommand {
        @OptionGroup var logging: LoggingOptions
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var model: ModelOptions<TrainedModelDefaults>
        @OptionGroup var catalog: CatalogOptions
        @OptionGroup var listen: ListenOptions<Listen>
        @Option var wait: Duration = .seconds(1)
    }

    private struct Optional: ParsableCommand {
        @OptionGroup var model: ModelOptions<NoDefaultModel>
    }

    @Test func defaults() throws {
        let parsed = try Everything.parse([])
        #expect(parsed.logging.logLevel == .info)
        #expect(parsed.database.databaseURL == nil && !parsed.database.isGiven(environment: [:]))
        #expect(parsed.database.isGiven(environment: ["DATABASE_URL": "postgresql://x"]))
        #expect(parsed.model.modelPath == "model/svd.recomodel")
        #expect(parsed.catalog.path == CatalogOptions.defaultPath && parsed.catalog.isDefault)
        #expect(parsed.listen.host == "127.0.0.1" && parsed.listen.port == 4000)
        #expect(try Optional.parse([]).model.modelPath == nil)
        #expect(Optional.helpMessage(columns: 400).contains("instead of --api") && !Optional.helpMessage(columns: 400).contains("default: model/"))
        #expect(Everything.helpMessage(columns: 400).contains("(default: model/svd.recomodel)"))
    }

    @Test func givenValues() throws {
        let parsed = try Everything.parse(["--log-level", "debug", "--database-url", "postgresql://u:p@h/d", "--model", "m.recomodel",
                                           "--movies", "none", "--host", "0.0.0.0", "--port", "0", "--wait", "0.25"])
        #expect(parsed.logging.logLevel == .debug && parsed.database.databaseURL == "postgresql://u:p@h/d")
        #expect(parsed.model.modelPath == "m.recomodel" && parsed.catalog.path == nil)
        #expect(parsed.listen.host == "0.0.0.0" && parsed.listen.port == 0)
        #expect(parsed.wait == .milliseconds(250))
    }

    @Test(arguments: [
        (["--port", "65536"], "--port must be 0...65535"),
        (["--port=-1"], "--port must be 0...65535"),
        (["--log-level", "loud"], "--log-level"),
        (["--wait", "soon"], "--wait"),
        (["--wait", "inf"], "--wait"),
        (["--wait=-2"], "--wait"),
    ])
    func badValuesAreUsageErrors(arguments: [String], names: String) {
        do {
            _ = try Everything.parse(arguments)
            Issue.record("\(arguments) parsed")
        } catch {
            #expect(Everything.exitCode(for: error) == .validationFailure)
            #expect(Everything.message(for: error).contains(names), "\(Everything.message(for: error))")
        }
    }

    @Test func aCatalogIsReadWhenNamedAndMayBeAbsentOnlyAtItsDefault() throws {
        let directory = TemporaryDirectory()
        directory.file("movies.csv", "Movie_Id,Year,Name\n3,2004,Heat\n")
        #expect(try CatalogOptions.parse(["--movies", directory.path + "/movies.csv"]).loadIfPresent()[3]?.title == "Heat")
        #expect(try CatalogOptions.parse(["--movies", "none"]).loadIfPresent().movies.isEmpty)
        #expect(throws: (any Error).self) { try CatalogOptions.parse(["--movies", directory.path + "/absent.csv"]).loadIfPresent() }
    }
}
