/// How a registry candidate was trained, kept in its entry so that the gate can refit it on
/// everything once it passes: the prepared data, the watches its ancestors learned, the watches
/// exported since the parent's cutoff, the catalogue, the parameters, and the share of the
/// newest watches held out.
public struct TrainingRecipe: Sendable, Codable, Equatable {
    /// `reco prepare`'s output: ratings.bin, movies.csv, and watches.csv when it has one.
    public var dataDirectory: String
    /// Watches exported since the parent's cutoff (`reco models export-watches`), kept in the registry.
    public var watchFiles: [String]
    /// The watches every ancestor learned (the parent's earlier and own files), oldest first: a
    /// day's candidate keeps what yesterday's model learned instead of forgetting it.
    public var earlierWatchFiles: [String] = []
    /// A catalogue with movies newer than the prepared data (movies.csv format); nil: the prepared one.
    public var catalogue: String?
    public var parameters: TrainingParameters
    /// Ranker candidates (the best by validation NDCG@10 is fitted); empty: SVD only.
    public var rankers: [RankerParameters]
    /// "random" or "time": how the ranker's validation split is carved.
    public var validationSplit: String
    /// The newest share of the exported watches (by time) the candidate leaves out, for the gate.
    public var gateWindow: Double
    /// Where the export stopped in the watch log.
    public var positions: LogPositions?
    /// Weightings of the watches by age to choose from on validation (`RecencySelection`); one:
    /// used as it is.
    public var recencyCandidates: [RecencyWeighting] = [.none]

    public init(dataDirectory: String, watchFiles: [String], catalogue: String?, parameters: TrainingParameters,
                rankers: [RankerParameters], validationSplit: String, gateWindow: Double, positions: LogPositions?) {
        self.dataDirectory = dataDirectory
        self.watchFiles = watchFiles
        self.catalogue = catalogue
        self.parameters = parameters
        self.rankers = rankers
        self.validationSplit = validationSplit
        self.gateWindow = gateWindow
        self.positions = positions
    }

    enum CodingKeys: String, CodingKey {
        case parameters, rankers, catalogue, positions
        case dataDirectory = "data_directory"
        case watchFiles = "watch_files"
        case earlierWatchFiles = "earlier_watch_files"
        case recencyCandidates = "recency_candidates"
        case validationSplit = "validation_split"
        case gateWindow = "gate_window"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        dataDirectory = try container.decode(String.self, forKey: .dataDirectory)
        watchFiles = try container.decode([String].self, forKey: .watchFiles)
        earlierWatchFiles = try container.decodeIfPresent([String].self, forKey: .earlierWatchFiles) ?? []
        catalogue = try container.decodeIfPresent(String.self, forKey: .catalogue)
        parameters = try container.decode(TrainingParameters.self, forKey: .parameters)
        rankers = try container.decode([RankerParameters].self, forKey: .rankers)
        validationSplit = try container.decode(String.self, forKey: .validationSplit)
        gateWindow = try container.decode(Double.self, forKey: .gateWindow)
        positions = try container.decodeIfPresent(LogPositions.self, forKey: .positions)
        recencyCandidates = try container.decodeIfPresent([RecencyWeighting].self, forKey: .recencyCandidates) ?? [.none]
    }

    /// What a child of a version trained with this recipe has learned before its own exports.
    public var learnedWatchFiles: [String] { earlierWatchFiles + watchFiles }
}
