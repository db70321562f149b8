/// Writes a trained model as a `.recomodel` file (see `ModelFileLayout`), atomically.
public enum ModelFileWriter {
    /// Writes the customers and movies the training ratings knew; `customerIds` and `movieIds`
    /// map the model's dense indices back to ids (ascending). Each customer's rated movies come
    /// from `ratings`, for excluding them from recommendations. A `ranker` trained on the same
    /// dense indices is written beside the SVD; `interactions` give the rated movies' weights.
    /// `watches` (dense indices) join each customer's history at weight 1, as the ranker learned them.
    public static func write(_ model: FactorModel, customerIds: [UInt32], movieIds: [UInt32], ratings: TrainingRatings,
                             watches: [(customer: UInt32, movie: UInt32)] = [],
                             ranker: TrainedRanker? = nil, weighting: FeedbackWeighting = FeedbackWeighting(),
                             metadata: ModelMetadata, to path: String) throws(FileFormatError) {
        try write(model, customerIds: customerIds, movieIds: movieIds, ratings: ratings, watches: watches, ranker: ranker, weighting: weighting,
                  metadata: metadata, to: path, version: ModelFileLayout.formatVersion)
    }

    /// `version` 1 writes the SVD-only layout older builds read (kept for compatibility tests).
    static func write(_ model: FactorModel, customerIds: [UInt32], movieIds: [UInt32], ratings: TrainingRatings,
                      watches: [(customer: UInt32, movie: UInt32)] = [],
                      ranker: TrainedRanker?, weighting: FeedbackWeighting, metadata: ModelMetadata, to path: String,
                      version: UInt32) throws(FileFormatError) {
        let kept = KeptRows(model)
        let interactions = InteractionMatrix(ratings, weighting: weighting, watches: watches)
        let rated = kept.ratedLists(interactions)
        let metadataBytes: [UInt8]
        do {
            metadataBytes = Array(try JSONEncoderFactory.sorted().encode(metadata))
        } catch {
            throw FileFormatError(.io, path: path, message: "cannot encode model metadata: \(error)")
        }
        var payloads = svdSections(model, kept: kept, customerIds: customerIds, movieIds: movieIds, rated: rated, metadata: metadataBytes)
        var rankerStride = 0
        if version >= 2 {
            let sections = rankerSections(ranker, kept: kept, rated: rated, interactions: interactions)
            payloads += sections.payloads
            rankerStride = sections.stride
        }
        let layout = SectionPlacement(payloads, headerSize: ModelFileLayout.headerSize(version: version))
        var fields = HeaderFields(version: version, customers: kept.customers.count, movies: kept.movies.count, factors: model.factors,
                                  stride: model.stride, globalMean: model.globalMean, scale: model.scale, ratedEntries: rated.movies.count)
        fields.ranker = (ModelFileLayout.code(ranker?.parameters.kind), rankerStride,
                         ranker?.parameters.kind == .ials ? ranker?.parameters.factors ?? 0 : 0)
        try emit(header(fields, layout: layout, payloads: payloads), payloads: payloads, layout: layout, to: path)
    }

    /// The SVD's sections (every format version has them), in table order.
    private static func svdSections(_ model: FactorModel, kept: KeptRows, customerIds: [UInt32], movieIds: [UInt32],
                                    rated: KeptRows.RatedLists, metadata: [UInt8]) -> [SectionPayload] {
        let stride = model.stride
        let movieFactors = kept.rows(model.movieFactors, stride: stride, of: kept.movies)
        let movieNorms = movieFactors.withUnsafeBufferPointer { factors in
            (0..<kept.movies.count).map { VectorMath.squaredNorm(factors.baseAddress! + $0 * stride, count: stride).squareRoot() }
        }
        return [
            .init(kept.customers.map { customerIds[$0] }), .init(kept.movies.map { movieIds[$0] }),
            .init(kept.customers.map { model.customerBias[$0] }), .init(kept.movies.map { model.movieBias[$0] }),
            .init(kept.rows(model.customerFactors, stride: stride, of: kept.customers)), .init(movieFactors),
            .init(movieNorms), .init(rated.offsets.map { UInt64($0) }), .init(rated.movies), .init(metadata),
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
        return ([.init(movieRows), .init(customerRows), .init(rated.weights), .init(kept.movies.map { popularity[$0] })], stride)
    }

    /// What the header says besides the section table.
    private struct HeaderFields {
        var version: UInt32
        var customers: Int
        var movies: Int
        var factors: Int
        var stride: Int
        var globalMean: Float
        var scale: RatingScale
        var ratedEntries: Int
        /// (kind code, row stride, factors), version 2 only.
        var ranker: (kind: UInt32, stride: Int, factors: Int) = (0, 0, 0)
    }

    private static func header(_ fields: HeaderFields, layout: SectionPlacement, payloads: [SectionPayload]) -> [UInt8] {
        var header = [UInt8](repeating: 0, count: layout.headerSize)
        header.replaceSubrange(0..<8, with: ModelFileLayout.magic)
        header.withUnsafeMutableBytes { raw in
            func put<T: FixedWidthInteger>(_ value: T, _ at: Int) { raw.storeBytes(of: value.littleEndian, toByteOffset: at, as: T.self) }
            put(fields.version, ModelFileLayout.versionOffset)
            put(UInt32(layout.headerSize), ModelFileLayout.headerSizeOffset)
            put(UInt64(fields.customers), ModelFileLayout.customerCountOffset)
            put(UInt64(fields.movies), ModelFileLayout.movieCountOffset)
            put(UInt32(fields.factors), ModelFileLayout.factorsOffset)
            put(UInt32(fields.stride), ModelFileLayout.strideOffset)
            put(fields.globalMean.bitPattern, ModelFileLayout.globalMeanOffset)
            put(fields.scale.lowestHalfStars, ModelFileLayout.lowestRatingOffset)
            put(fields.scale.highestHalfStars, ModelFileLayout.highestRatingOffset)
            put(UInt64(fields.ratedEntries), ModelFileLayout.ratedCountOffset)
            for (index, payload) in payloads.enumerated() {
                put(UInt64(layout.offsets[index]), ModelFileLayout.tableEntry(index))
                put(UInt64(payload.bytes.count), ModelFileLayout.tableEntry(index) + 8)
            }
            put(UInt64(layout.fileSize), ModelFileLayout.fileSizeOffset)
            if fields.version >= 2 {
                put(fields.ranker.kind, ModelFileLayout.rankerKindOffset)
                put(UInt32(fields.ranker.stride), ModelFileLayout.rankerStrideOffset)
                put(UInt32(fields.ranker.factors), ModelFileLayout.rankerFactorsOffset)
            }
        }
        return header
    }

    /// Writes header, aligned sections and the checksum trailer, atomically.
    private static func emit(_ header: [UInt8], payloads: [SectionPayload], layout: SectionPlacement, to path: String) throws(FileFormatError) {
        let file = try AtomicFile(path: path)
        var checksum = LaneChecksum()
        var written = 0
        func emit(_ bytes: [UInt8]) throws(FileFormatError) {
            bytes.withUnsafeBytes { checksum.update($0) }
            try file.write(bytes)
            written += bytes.count
        }
        try emit(header)
        for (index, payload) in payloads.enumerated() {
            try emit([UInt8](repeating: 0, count: layout.offsets[index] - written))
            try emit(payload.bytes)
        }
        try emit([UInt8](repeating: 0, count: layout.fileSize - 8 - written))
        try file.write([checksum.finalize().littleEndian])
        try file.commit()
    }
}

/// Where each section starts: after the header, each on a 64-byte boundary; then the checksum.
private struct SectionPlacement {
    let headerSize: Int
    let offsets: [Int]
    /// Including the 8-byte checksum trailer.
    let fileSize: Int

    init(_ payloads: [SectionPayload], headerSize: Int) {
        self.headerSize = headerSize
        var offsets: [Int] = []
        var offset = ModelFileLayout.aligned(headerSize)
        for payload in payloads {
            offsets.append(offset)
            offset = ModelFileLayout.aligned(offset + payload.bytes.count)
        }
        self.offsets = offsets
        fileSize = offset + 8
    }
}

/// A section's bytes as they go into the file.
private struct SectionPayload {
    let bytes: [UInt8]

    init<T>(_ values: [T]) {
        bytes = values.withUnsafeBytes { Array($0) }
    }
}

/// The customers and movies a model file keeps (those with training ratings: the others have
/// untrained factors), and how rows are renumbered onto them.
private struct KeptRows {
    let customers: [Int]
    let movies: [Int]
    let newCustomer: [Int]
    let newMovie: [Int]

    init(_ model: FactorModel) {
        customers = model.knownCustomer.indices.filter { model.knownCustomer[$0] }
        movies = model.knownMovie.indices.filter { model.knownMovie[$0] }
        var newCustomer = [Int](repeating: -1, count: model.customerCount)
        for (index, customer) in customers.enumerated() { newCustomer[customer] = index }
        var newMovie = [Int](repeating: -1, count: model.movieCount)
        for (index, movie) in movies.enumerated() { newMovie[movie] = index }
        self.newCustomer = newCustomer
        self.newMovie = newMovie
    }

    /// The rows `kept` of a row-major matrix, in order.
    func rows(_ values: [Float], stride: Int, of kept: [Int]) -> [Float] {
        var result = [Float](repeating: 0, count: kept.count * stride)
        for (index, row) in kept.enumerated() {
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
