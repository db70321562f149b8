import Foundation

/// Trains a registry version from a recipe: a candidate, with the newest exported watches held
/// out for the gate, or the refit on everything once the candidate passed. Customers who only
/// watched, and movies only watches or the catalogue know, join the model's id maps, so new
/// movies become recommendable as soon as watches give them a signal.
public struct CandidateTrainer: Sendable {
    public let registry: ModelRegistry
    public let recipe: TrainingRecipe

    public init(registry: ModelRegistry, recipe: TrainingRecipe) {
        self.registry = registry
        self.recipe = recipe
    }

    /// What one training learns from.
    public struct Inputs: Sendable {
        /// The prepared ratings with the id maps extended by the watches and the catalogue.
        public var dataset: RatingsDataset
        /// Prepared, earlier (the ancestors') and exported watches it learns from (the window left out).
        public var watches: [WatchHistoryReader.Watch]
        /// The newest exported watches, held out for the gate (empty for a refit).
        public var window: [WatchHistoryReader.Watch]
        /// Exported watches before the window: what the serving model must fold in to be
        /// compared fairly with a candidate that learned them.
        public var beforeWindow: [WatchHistoryReader.Watch]
        /// Prepared and earlier watches (what was learned before the export).
        public var earlier: [WatchHistoryReader.Watch]
        /// Movies in the model that no rating knows (from watches or the catalogue).
        public var newMovies: Int
        /// Catalogue movies nothing rated or watched.
        public var catalogueOnlyMovies: [UInt32]
        public var ratingsFingerprint: String
    }

    public func inputs(holdingOutWindow: Bool) throws -> Inputs {
        let ratings = try RatingsStore.load(path: (recipe.dataDirectory as NSString).appendingPathComponent(DataPreparer.ratingsFile))
        let prepared = (recipe.dataDirectory as NSString).appendingPathComponent(WatchHistoryReader.preparedFile)
        var base = FileManager.default.fileExists(atPath: prepared) ? try WatchHistoryReader(path: prepared).read() : []
        for file in recipe.earlierWatchFiles { base += try WatchHistoryReader(path: file).read() }
        var exported: [WatchHistoryReader.Watch] = []
        for file in recipe.watchFiles { exported += try WatchHistoryReader(path: file).read() }
        // The window: the newest share of the exported watches with a time, by time (stable).
        var window: [WatchHistoryReader.Watch] = []
        var learned = exported
        if holdingOutWindow, recipe.gateWindow > 0 {
            let timed = exported.enumerated().filter { $0.element.watchedAt != nil }
                .sorted { ($0.element.watchedAt!, $0.offset) < ($1.element.watchedAt!, $1.offset) }
            let count = Int((Double(timed.count) * recipe.gateWindow).rounded(.up))
            let heldOut = Set(timed.suffix(count).map(\.offset))
            window = timed.suffix(count).map(\.element)
            learned = exported.enumerated().filter { !heldOut.contains($0.offset) }.map(\.element)
        }
        let cataloguePath = recipe.catalogue ?? (recipe.dataDirectory as NSString).appendingPathComponent(DataPreparer.moviesFile)
        let catalogue = FileManager.default.fileExists(atPath: cataloguePath) ? try MovieCatalog.load(path: cataloguePath) : MovieCatalog()
        let all = base + learned
        let extended = ratings.includingIds(customers: all.map(\.customerId), movies: all.map(\.movieId) + catalogue.movies.map(\.id))
        let watchedMovies = Set(all.map(\.movieId))
        let catalogueOnly = catalogue.movies.map(\.id).filter { id in
            !watchedMovies.contains(id) && ratings.movieIds.withUnsafeBufferPointer { SortedIds.index(of: id, in: $0) == nil }
        }
        return Inputs(dataset: extended, watches: all, window: window, beforeWindow: learned, earlier: base,
                      newMovies: extended.movieCount - ratings.movieCount, catalogueOnlyMovies: catalogueOnly,
                      ratingsFingerprint: ratings.fingerprint())
    }

    /// Trains, writes `<version>.recomodel` into the registry and registers it. A candidate's
    /// held-out watches go beside it as `<version>.window.csv`.
    public func train(refitOf candidate: RegistryEntry? = nil, parent: String?, parentCutoff: String?, createdBy: String, now: Date = Date(),
                      observe: SGDTrainer.EpochObserver = { _ in },
                      rankerProgress: (TrainingJob.RankerStage) -> Void = { _ in }) throws -> RegistryEntry {
        let isRefit = candidate != nil
        let inputs = try inputs(holdingOutWindow: !isRefit)
        var job = TrainingJob(dataset: inputs.dataset, parameters: recipe.parameters, holdout: .none,
                              dataFingerprint: Self.fingerprint(inputs))
        job.rankers = recipe.rankers.map { ranker in
            var ranker = ranker
            ranker.threads = recipe.parameters.threads
            return ranker
        }
        job.rankerValidation = recipe.validationSplit == "time" ? .defaultTime : .fraction(0.2, seed: recipe.parameters.seed &+ 1)
        job.watches = inputs.watches
        job.extraMovieIds = inputs.catalogueOnlyMovies
        // The watches' weighting by age: a refit keeps its candidate's choice; a candidate
        // chooses on the newest of its learned export (the gate's window is not in it).
        var recency = candidate?.recency
        if recency == nil, let ranker = job.rankers.first {
            recency = try RecencySelection(candidates: recipe.recencyCandidates, ranker: ranker)
                .run(inputs.dataset, earlier: inputs.earlier, exported: inputs.beforeWindow)
        }
        job.recency = recency?.chosen ?? .none
        let outcome = try job.run(observe: observe, rankerProgress: rankerProgress)
        let version = TrainingJob.version(now: now, fingerprint: job.dataFingerprint)
        guard (try? registry.entry(version)) == nil else {
            throw RegistryError(.duplicate, "version \(version) is already in the registry (same data within the same second)")
        }
        let newest = inputs.watches.compactMap(\.watchedAt).max()
        let metadata = try job.write(outcome, to: registry.modelPath(version), now: now, version: version) { metadata in
            metadata.parentVersion = parent
            metadata.cutoff = newest.map(RFC3339.string(microsecondsSinceEpoch:)) ?? parentCutoff
            // Only a model that learned everything the export covered stops exactly at its positions.
            metadata.logPositions = isRefit || recipe.gateWindow == 0 ? recipe.positions : nil
            metadata.trainingWatches = inputs.watches.count
            metadata.newMovies = inputs.newMovies
        }
        var heldOut: String?
        if !inputs.window.isEmpty {
            let path = registry.directory + "/" + version + ".window.csv"
            try WatchHistoryReader.write(inputs.window, to: path)
            heldOut = path
        }
        var entry = RegistryEntry(metadata: metadata, createdBy: createdBy, addedAt: ModelRegistry.timestamp(now), gate: candidate?.gate,
                                  recipe: recipe, heldOutWatches: heldOut, refitOf: candidate?.version)
        entry.recency = recency
        try registry.register(entry)
        return entry
    }

    /// The data a version learned from, in 16 hex digits: the ratings' fingerprint, the watches
    /// and the catalogue's additions (a candidate and its refit differ by the window).
    static func fingerprint(_ inputs: Inputs) -> String {
        var checksum = Checksum64()
        checksum.update(Array(inputs.ratingsFingerprint.utf8))
        checksum.update(inputs.watches.map(\.customerId))
        checksum.update(inputs.watches.map(\.movieId))
        checksum.update(inputs.catalogueOnlyMovies)
        let hex = String(checksum.value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
