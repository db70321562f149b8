import ArgumentParser
import CommandOptions
import Foundation
import RecoCore
import RecoStore

/// The loop's first step: the watches the consumer stored since the current model's cutoff.
struct ExportWatchesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-watches",
        abstract: "Write the watches stored since the current model's cutoff (the watch_events view) as CSV, and where the export stops in the log.",
        discussion: """
            Selected by the current model's log positions where they are of the same cluster and topic (exact), else by its cutoff time; everything with no current model. Only each partition's current log incarnation, and only below the stored progress (every event below it is stored or dead-lettered). The CSV has customer_id, movie_id, watched_at; <output>.positions.json holds the positions it stops at, which the model trained from it records.
            """)

    @OptionGroup var registry: RegistryOptions
    @OptionGroup var database: DatabaseOptions

    @Option(help: "Topic of the watch events.")
    var topic = "watch_events"

    @Option(name: [.short, .customLong("output")], help: "CSV file to write.")
    var output: String

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let logger = global.makeLogger(label: "reco.export-watches")
        let registry = registry.registry
        let since: WatchExportReadModel.Since
        var sinceText = "the beginning (no current model)"
        if let current = try registry.currentVersion() {
            let metadata = try registry.entry(current).metadata
            let cutoff = RFC3339.microsecondsSinceEpoch(metadata.effectiveCutoff) ?? 0
            since = metadata.logPositions.map { .positions($0, fallback: cutoff) } ?? .time(cutoff)
            sinceText = "\(current) (cutoff \(metadata.effectiveCutoff))"
        } else {
            since = .beginning
        }
        let store = RecommendationStore(url: DatabaseURL(database.databaseURL, environment: ProcessInfo.processInfo.environment), logger: logger)
        let export = try await WatchExportReadModel(store: store).export(topic: topic, since: since)
        try WatchHistoryReader.write(export.watches, to: output)
        let positionsPath = Self.positionsPath(for: output)
        if let positions = export.positions {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try AtomicFile.write(String(decoding: try encoder.encode(positions), as: UTF8.self) + "\n", to: positionsPath)
        } else {
            try? FileManager.default.removeItem(atPath: positionsPath)
        }
        print("exported \(Decimals.grouped(export.watches.count)) watches of \(topic) since \(sinceText), selected by \(export.selectedBy), to \(output)")
        if let positions = export.positions {
            print("the export stops at \(positions.nextOffsets.sorted { Int($0.key) ?? 0 < Int($1.key) ?? 0 }.map { "p\($0.key)<\($0.value)" }.joined(separator: " ")) (\(positionsPath))")
        }
        logger.info("watches exported", metadata: ["export.watches": "\(export.watches.count)", "export.selected_by": "\(export.selectedBy)"])
    }

    /// Where the positions of an export go: beside it.
    static func positionsPath(for output: String) -> String { output + ".positions.json" }
}
