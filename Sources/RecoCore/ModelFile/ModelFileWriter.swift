/// Writes a trained model as a `.recomodel` file (see `ModelFileLayout`), atomically.
public enum ModelFileWriter {
    /// Writes the customers and movies the training ratings knew; `customerIds` and `movieIds`
    /// map the model's dense indices back to ids (ascending). Each customer's rated movies come
    /// from `ratings`, for excluding them from recommendations.
    public static func write(_ model: FactorModel, customerIds: [UInt32], movieIds: [UInt32], ratings: TrainingRatings,
                             metadata: ModelMetadata, to path: String) throws(FileFormatError) {
        // Keep only customers and movies with training ratings: the others have untrained factors.
        let customers = model.knownCustomer.indices.filter { model.knownCustomer[$0] }
        let movies = model.knownMovie.indices.filter { model.knownMovie[$0] }
        var newMovieIndex = [UInt32](repeating: .max, count: model.movieCount)
        for (index, movie) in movies.enumerated() { newMovieIndex[movie] = UInt32(index) }
        var newCustomerIndex = [Int](repeating: -1, count: model.customerCount)
        for (index, customer) in customers.enumerated() { newCustomerIndex[customer] = index }

        let stride = model.stride
        var customerFactors = [Float](repeating: 0, count: customers.count * stride)
        for (index, customer) in customers.enumerated() {
            for f in 0..<stride { customerFactors[index * stride + f] = model.customerFactors[customer * stride + f] }
        }
        var movieFactors = [Float](repeating: 0, count: movies.count * stride)
        for (index, movie) in movies.enumerated() {
            for f in 0..<stride { movieFactors[index * stride + f] = model.movieFactors[movie * stride + f] }
        }
        let movieNorms = movieFactors.withUnsafeBufferPointer { factors in
            (0..<movies.count).map { VectorMath.squaredNorm(factors.baseAddress! + $0 * stride, count: stride).squareRoot() }
        }
        let (ratedOffsets, ratedMovies) = ratedLists(ratings, customerCount: customers.count,
                                                     customerIndex: newCustomerIndex, movieIndex: newMovieIndex)

        let encoder = JSONEncoderFactory.sorted()
        let metadataBytes: [UInt8]
        do {
            metadataBytes = Array(try encoder.encode(metadata))
        } catch {
            throw FileFormatError(.io, path: path, message: "cannot encode model metadata: \(error)")
        }

        var sections = [(offset: Int, length: Int)]()
        var offset = ModelFileLayout.aligned(ModelFileLayout.headerSize)
        let lengths = [customers.count * 4, movies.count * 4, customers.count * 4, movies.count * 4,
                       customerFactors.count * 4, movieFactors.count * 4, movies.count * 4,
                       ratedOffsets.count * 8, ratedMovies.count * 4, metadataBytes.count]
        for length in lengths {
            sections.append((offset, length))
            offset = ModelFileLayout.aligned(offset + length)
        }
        let fileSize = offset + 8

        var header = [UInt8](repeating: 0, count: ModelFileLayout.headerSize)
        header.replaceSubrange(0..<8, with: ModelFileLayout.magic)
        header.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: ModelFileLayout.formatVersion.littleEndian, toByteOffset: 8, as: UInt32.self)
            raw.storeBytes(of: UInt32(ModelFileLayout.headerSize).littleEndian, toByteOffset: 12, as: UInt32.self)
            raw.storeBytes(of: UInt64(customers.count).littleEndian, toByteOffset: 16, as: UInt64.self)
            raw.storeBytes(of: UInt64(movies.count).littleEndian, toByteOffset: 24, as: UInt64.self)
            raw.storeBytes(of: UInt32(model.factors).littleEndian, toByteOffset: 32, as: UInt32.self)
            raw.storeBytes(of: UInt32(stride).littleEndian, toByteOffset: 36, as: UInt32.self)
            raw.storeBytes(of: model.globalMean.bitPattern.littleEndian, toByteOffset: 40, as: UInt32.self)
            raw.storeBytes(of: model.scale.lowestHalfStars, toByteOffset: 44, as: UInt8.self)
            raw.storeBytes(of: model.scale.highestHalfStars, toByteOffset: 45, as: UInt8.self)
            raw.storeBytes(of: UInt64(ratedMovies.count).littleEndian, toByteOffset: 48, as: UInt64.self)
            for (index, section) in sections.enumerated() {
                let entry = ModelFileLayout.sectionTableOffset + index * 16
                raw.storeBytes(of: UInt64(section.offset).littleEndian, toByteOffset: entry, as: UInt64.self)
                raw.storeBytes(of: UInt64(section.length).littleEndian, toByteOffset: entry + 8, as: UInt64.self)
            }
            raw.storeBytes(of: UInt64(fileSize).littleEndian, toByteOffset: ModelFileLayout.fileSizeOffset, as: UInt64.self)
        }

        let file = try AtomicFile(path: path)
        var checksum = LaneChecksum()
        var written = 0
        func emit(_ bytes: UnsafeRawBufferPointer) throws(FileFormatError) {
            checksum.update(bytes)
            try file.write(bytes)
            written += bytes.count
        }
        func emit<T>(_ array: [T], at sectionOffset: Int) throws(FileFormatError) {
            let padding = [UInt8](repeating: 0, count: sectionOffset - written)
            let paddingResult = padding.withUnsafeBytes { bytes in Result { () throws(FileFormatError) in try emit(bytes) } }
            try paddingResult.get()
            let result = array.withUnsafeBytes { bytes in Result { () throws(FileFormatError) in try emit(bytes) } }
            try result.get()
        }
        try emit(header, at: 0)
        try emit(customers.map { customerIds[$0] }, at: sections[0].offset)
        try emit(movies.map { movieIds[$0] }, at: sections[1].offset)
        try emit(customers.map { model.customerBias[$0] }, at: sections[2].offset)
        try emit(movies.map { model.movieBias[$0] }, at: sections[3].offset)
        try emit(customerFactors, at: sections[4].offset)
        try emit(movieFactors, at: sections[5].offset)
        try emit(movieNorms, at: sections[6].offset)
        try emit(ratedOffsets.map { UInt64($0) }, at: sections[7].offset)
        try emit(ratedMovies, at: sections[8].offset)
        try emit(metadataBytes, at: sections[9].offset)
        try emit([UInt8](), at: fileSize - 8)
        try file.write([checksum.finalize().littleEndian])
        try file.commit()
    }

    /// Compressed-row lists of each customer's rated movies, ascending.
    private static func ratedLists(_ ratings: TrainingRatings, customerCount: Int, customerIndex: [Int], movieIndex: [UInt32]) -> ([Int], [UInt32]) {
        var offsets = [Int](repeating: 0, count: customerCount + 1)
        for customer in ratings.customers { offsets[customerIndex[Int(customer)] + 1] += 1 }
        for index in 0..<customerCount { offsets[index + 1] += offsets[index] }
        var position = offsets
        var movies = [UInt32](repeating: 0, count: ratings.count)
        for row in 0..<ratings.count {
            let customer = customerIndex[Int(ratings.customers[row])]
            movies[position[customer]] = movieIndex[Int(ratings.movies[row])]
            position[customer] += 1
        }
        for customer in 0..<customerCount {
            movies[offsets[customer]..<offsets[customer + 1]].sort()
        }
        return (offsets, movies)
    }
}
