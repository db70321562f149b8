/// Writes a trained model as a `.recomodel` file (see `ModelFileLayout`), atomically.
public enum ModelFileWriter {
    /// Writes the customers and movies the training ratings knew; `customerIds` and `movieIds`
    /// map the model's dense indices back to ids (ascending). Each customer's rated movies come
    /// from `ratings`, for excluding them from recommendations. A `ranker` trained on the same
    /// dense indices is written beside the SVD; `interactions` give the rated movies' weights.
    /// `watches` (dense indices) join each customer's history at weight 1, as the ranker learned them.
    /// Customers and movies the SVD never saw (only watches or `extraMovies`, an updated
    /// catalogue's, know them) are kept with zero SVD rows: their predicted stars fall back to
    /// μ + b_u or μ + b_i, and the ranker scores them from the watches.
    public static func write(_ model: FactorModel, customerIds: [UInt32], movieIds: [UInt32], ratings: TrainingRatings,
                             watches: [(customer: UInt32, movie: UInt32)] = [],
                             ranker: TrainedRanker? = nil, weighting: FeedbackWeighting = FeedbackWeighting(),
                             extraMovies: Set<Int> = [], metadata: ModelMetadata, to path: String) throws(FileFormatError) {
        try write(model, customerIds: customerIds, movieIds: movieIds, ratings: ratings, watches: watches, ranker: ranker, weighting: weighting,
                  extraMovies: extraMovies, metadata: metadata, to: path, version: ModelFileLayout.formatVersion)
    }

    /// `version` 1 writes the SVD-only layout older builds read (kept for compatibility tests).
    static func write(_ model: FactorModel, customerIds: [UInt32], movieIds: [UInt32], ratings: TrainingRatings,
                      watches: [(customer: UInt32, movie: UInt32)] = [],
                      ranker: TrainedRanker?, weighting: FeedbackWeighting, extraMovies: Set<Int> = [], metadata: ModelMetadata, to path: String,
                      version: UInt32) throws(FileFormatError) {
        let interactions = InteractionMatrix(ratings, weighting: weighting, watches: watches)
        // Version 1 files have no ranker: only what the SVD knows is worth keeping there.
        let kept = version >= 2 ? KeptRows(model, interactions: interactions, extraMovies: extraMovies) : KeptRows(model)
        let rated = kept.ratedLists(interactions)
        let metadataBytes: [UInt8]
        do {
            metadataBytes = Array(try JSONEncoderFactory.sorted().encode(metadata))
        } catch {
            throw FileFormatError(.io, path: path, message: "cannot encode model metadata: \(error)")
        }
        var payloads = svdSections(model, kept: kept, customerIds: customerIds, movieIds: movieIds, rated: rated, metadata: metadataBytes)
        var header = ModelHeader(version: version, customers: kept.customers.count, movies: kept.movies.count, factors: model.factors,
                                 stride: model.stride, globalMean: model.globalMean, scale: model.scale, ratedEntries: rated.movies.count)
        if version >= 2 {
            let sections = rankerSections(ranker, kept: kept, rated: rated, interactions: interactions)
            payloads += sections.payloads
            header.ranker = StoredRanker(ranker?.parameters.kind)
            header.rankerStride = sections.stride
            header.rankerFactors = ranker?.parameters.kind == .ials ? ranker?.parameters.factors ?? 0 : 0
        }
        precondition(payloads.map(\.section) == Array(header.sections), "sections in table order")
        header.place(payloads)
        try emit(header, payloads: payloads, to: path)
    }

    /// The SVD's sections (every format version has them), in table order.
    private static func svdSections(_ model: FactorModel, kept: KeptRows, customerIds: [UInt32], movieIds: [UInt32],
                                    rated: KeptRows.RatedLists, metadata: [UInt8]) -> [SectionPayload] {
        let stride = model.stride
        let movieFactors = kept.rows(model.movieFactors, stride: stride, of: kept.movies, known: model.knownMovie)
        let movieNorms = movieFactors.withUnsafeBufferPointer { factors in
            (0..<kept.movies.count).map { VectorMath.squaredNorm(factors.baseAddress! + $0 * stride, count: stride).squareRoot() }
        }
        return [
            .init(.customerIds, kept.customers.map { customerIds[$0] }),
            .init(.movieIds, kept.movies.map { movieIds[$0] }),
            .init(.customerBias, kept.customers.map { model.knownCustomer[$0] ? model.customerBias[$0] : 0 }),
            .init(.movieBias, kept.movies.map { model.knownMovie[$0] ? model.movieBias[$0] : 0 }),
            .init(.customerFactors, kept.rows(model.customerFactors, stride: stride, of: kept.customers, known: model.knownCustomer)),
            .init(.movieFactors, movieFactors),
            .init(.movieNorms, movieNorms),
            .init(.ratedOffsets, rated.offsets.map { UInt64($0) }),
            .init(.ratedMovies, rated.movies),
            .init(.metadata, metadata),
        ]
    }

    /// Version 2's ranker sections (empty rows without a ranker) and the ranker's row stride.
    private static func rankerSections(_ ranker: TrainedRanker?, kept: KeptRows, rated: KeptRows.RatedLists,
                                       interactions: InteractionMatrix) -> (payloads: [SectionPayload], stride: Int) {
        var stride = 0
        var movieRows: [Float] = []
        var customerRows: [Float] = []
        if let ranker {
            switch ranker.parameters.kind {
            case .ease:
                stride = EASETrainer.rowStride(kept.movies.count)
                movieRows = kept.squareRows(ranker.movieRows, stride: ranker.stride, newStride: stride)
            case .ials:
                stride = ranker.stride
                movieRows = kept.rows(ranker.movieRows, stride: stride, of: kept.movies)
                customerRows = kept.rows(ranker.customerFactors, stride: stride, of: kept.customers)
            }
        }
        let popularity = interactions.ratingCounts()
        return ([.init(.rankerMovieRows, movieRows), .init(.rankerCustomerFactors, customerRows), .init(.ratedWeights, rated.weights),
                 .init(.popularity, kept.movies.map { popularity[$0] })], stride)
    }

    /// Writes header, aligned sections and the checksum trailer, atomically.
    private static func emit(_ header: ModelHeader, payloads: [SectionPayload], to path: String) throws(FileFormatError) {
        let file = try AtomicFile(path: path)
        var checksum = LaneChecksum()
        var written = 0
        func emit(_ bytes: [UInt8]) throws(FileFormatError) {
            bytes.withUnsafeBytes { checksum.update($0) }
            try file.write(bytes)
            written += bytes.count
        }
        try emit(header.encoded())
        for payload in payloads {
            try emit([UInt8](repeating: 0, count: header[payload.section].offset - written))
            try emit(payload.bytes)
        }
        try emit([UInt8](repeating: 0, count: header.fileSize - 8 - written))
        try file.write([checksum.finalize().littleEndian])
        try file.commit()
    }
}

extension ModelHeader {
    /// Places the sections after the header, each on a 64-byte boundary, then the checksum.
    fileprivate mutating func place(_ payloads: [SectionPayload]) {
        var offset = ModelFileLayout.aligned(headerSize)
        extents = payloads.map { payload in
            defer { offset = ModelFileLayout.aligned(offset + payload.bytes.count) }
            return Extent(offset: offset, length: payload.bytes.count)
        }
        fileSize = offset + 8
    }
}

/// A section's bytes as they go into the file.
private struct SectionPayload {
    let section: ModelFileLayout.Section
    let bytes: [UInt8]

    init<T>(_ section: ModelFileLayout.Section, _ values: [T]) {
        self.section = section
        bytes = values.withUnsafeBytes { Array($0) }
    }
}

/// The customers and movies a model file keeps: those with training ratings, and those only
/// the ranker's interactions (watches) or the catalogue bring; the rest have untrained rows and
/// nothing to say. And how rows are renumbered onto them.
private struct KeptRows {
    let customers: [Int]
    let movies: [Int]
    let newCustomer: [Int]
    let newMovie: [Int]

    /// What the SVD knows.
    init(_ model: FactorModel) {
        self.init(model, customers: model.knownCustomer.indices.filter { model.knownCustomer[$0] },
                  movies: model.knownMovie.indices.filter { model.knownMovie[$0] })
    }

    /// What the SVD or the ranker's interactions know, and `extraMovies`.
    init(_ model: FactorModel, interactions: InteractionMatrix, extraMovies: Set<Int>) {
        var interacted = [Bool](repeating: false, count: model.movieCount)
        for movie in interactions.ratedMovies where Int(movie) < model.movieCount { interacted[Int(movie)] = true }
        let customers = model.knownCustomer.indices.filter { customer in
            model.knownCustomer[customer] || (customer < interactions.customerCount && !interactions.rated(customer).isEmpty)
        }
        let movies = model.knownMovie.indices.filter { model.knownMovie[$0] || interacted[$0] || extraMovies.contains($0) }
        self.init(model, customers: customers, movies: movies)
    }

    private init(_ model: FactorModel, customers: [Int], movies: [Int]) {
        self.customers = customers
        self.movies = movies
        var newCustomer = [Int](repeating: -1, count: model.customerCount)
        for (index, customer) in customers.enumerated() { newCustomer[customer] = index }
        var newMovie = [Int](repeating: -1, count: model.movieCount)
        for (index, movie) in movies.enumerated() { newMovie[movie] = index }
        self.newCustomer = newCustomer
        self.newMovie = newMovie
    }

    /// The rows `kept` of a row-major matrix, in order; rows not `known` (untrained) are zero.
    func rows(_ values: [Float], stride: Int, of kept: [Int], known: [Bool]? = nil) -> [Float] {
        var result = [Float](repeating: 0, count: kept.count * stride)
        for (index, row) in kept.enumerated() where known?[row] ?? true {
            result[(index * stride)..<((index + 1) * stride)] = values[(row * stride)..<((row + 1) * stride)]
        }
        return result
    }

    /// A movies × movies matrix restricted to kept movies in both dimensions.
    func squareRows(_ values: [Float], stride: Int, newStride: Int) -> [Float] {
        var result = [Float](repeating: 0, count: movies.count * newStride)
        for (row, oldRow) in movies.enumerated() {
            for (column, oldColumn) in movies.enumerated() {
                result[row * newStride + column] = values[oldRow * stride + oldColumn]
            }
        }
        return result
    }

    typealias RatedLists = (offsets: [Int], movies: [UInt32], weights: [Float])

    /// Each kept customer's rated movies (new indices, ascending, once each) and their weights.
    func ratedLists(_ interactions: InteractionMatrix) -> RatedLists {
        var offsets = [0]
        var movies: [UInt32] = []
        var weights: [Float] = []
        offsets.reserveCapacity(customers.count + 1)
        movies.reserveCapacity(interactions.ratedMovies.count)
        weights.reserveCapacity(interactions.ratedMovies.count)
        for customer in customers {
            for index in interactions.rated(customer) {
                let movie = newMovie[Int(interactions.ratedMovies[index])]
                guard movie >= 0 else { continue }
                movies.append(UInt32(movie))
                weights.append(interactions.ratedWeights[index])
            }
            offsets.append(movies.count)
        }
        return (offsets, movies, weights)
    }
}
