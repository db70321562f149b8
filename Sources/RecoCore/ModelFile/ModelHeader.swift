/// Everything a model file's header says (`ModelFileLayout` gives the bytes): `ModelFileWriter`
/// encodes it and `ModelFileReader` reads it back, so the field list exists once.
struct ModelHeader: Equatable {
    /// Where a section lies in the file.
    struct Extent: Equatable {
        var offset: Int
        var length: Int
    }

    var version: UInt32
    var customers: Int
    var movies: Int
    var factors: Int
    /// Floats per SVD factor row (`factors` rounded up to 8).
    var stride: Int
    var globalMean: Float
    var scale: RatingScale
    /// Rated (customer, movie) entries over all customers.
    var ratedEntries: Int
    /// Version 2: the ranker, its row stride and (iALS) its factors.
    var ranker: StoredRanker = .none
    var rankerStride = 0
    var rankerFactors = 0
    /// One per section of this version, in table order.
    var extents: [Extent] = []
    /// Including the trailing checksum.
    var fileSize = 0

    var headerSize: Int { ModelFileLayout.headerSize(version: version) }

    var sections: ArraySlice<ModelFileLayout.Section> { ModelFileLayout.Section.allCases.prefix(ModelFileLayout.sectionCount(version: version)) }

    subscript(section: ModelFileLayout.Section) -> Extent { extents[section.rawValue] }

    /// The header's bytes (`headerSize` of them).
    func encoded() -> [UInt8] {
        var header = [UInt8](repeating: 0, count: headerSize)
        header.replaceSubrange(0..<8, with: ModelFileLayout.magic)
        header.withUnsafeMutableBytes { raw in
            func put<T: FixedWidthInteger>(_ value: T, _ at: Int) { raw.storeBytes(of: value.littleEndian, toByteOffset: at, as: T.self) }
            put(version, ModelFileLayout.versionOffset)
            put(UInt32(headerSize), ModelFileLayout.headerSizeOffset)
            put(UInt64(customers), ModelFileLayout.customerCountOffset)
            put(UInt64(movies), ModelFileLayout.movieCountOffset)
            put(UInt32(factors), ModelFileLayout.factorsOffset)
            put(UInt32(stride), ModelFileLayout.strideOffset)
            put(globalMean.bitPattern, ModelFileLayout.globalMeanOffset)
            put(scale.lowestHalfStars, ModelFileLayout.lowestRatingOffset)
            put(scale.highestHalfStars, ModelFileLayout.highestRatingOffset)
            put(UInt64(ratedEntries), ModelFileLayout.ratedCountOffset)
            for (index, extent) in extents.enumerated() {
                put(UInt64(extent.offset), ModelFileLayout.tableEntry(index))
                put(UInt64(extent.length), ModelFileLayout.tableEntry(index) + 8)
            }
            put(UInt64(fileSize), ModelFileLayout.fileSizeOffset)
            if version >= 2 {
                put(ranker.rawValue, ModelFileLayout.rankerKindOffset)
                put(UInt32(rankerStride), ModelFileLayout.rankerStrideOffset)
                put(UInt32(rankerFactors), ModelFileLayout.rankerFactorsOffset)
            }
        }
        return header
    }

    /// Checks what must hold before anything else in a file of `size` bytes at `raw` is read
    /// (the checksum included): the magic, a version this build reads, and that the file is as
    /// long as it says. Returns the version.
    @discardableResult
    static func checkEnvelope(_ raw: UnsafeRawPointer, size: Int, path: String) throws(FileFormatError) -> UInt32 {
        func u32(_ offset: Int) -> UInt32 { UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
        func u64(_ offset: Int) -> UInt64 { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }

        guard size >= 8 else { throw FileFormatError(.truncated, path: path, message: "model file is truncated (\(size) bytes)") }
        guard Array(UnsafeRawBufferPointer(start: raw, count: 8)) == ModelFileLayout.magic else {
            throw FileFormatError(.notThisFormat, path: path, message: "not a reco model file")
        }
        guard size >= ModelFileLayout.headerSize(version: 1) + 8 else {
            throw FileFormatError(.truncated, path: path, message: "model file is truncated (\(size) bytes)")
        }
        let version = u32(ModelFileLayout.versionOffset)
        guard version <= ModelFileLayout.formatVersion else {
            throw FileFormatError(.unsupportedVersion, path: path,
                                  message: "model format version \(version) is newer than this build reads (\(ModelFileLayout.formatVersion)); upgrade reco")
        }
        let headerSize = ModelFileLayout.headerSize(version: version)
        guard version >= 1, u32(ModelFileLayout.headerSizeOffset) == UInt32(headerSize) else {
            throw FileFormatError(.unsupportedVersion, path: path, message: "model format version \(version) is not supported")
        }
        guard size >= headerSize + 8 else {
            throw FileFormatError(.truncated, path: path, message: "model file is truncated (\(size) bytes)")
        }
        let declaredSize = u64(ModelFileLayout.fileSizeOffset)
        guard declaredSize == UInt64(size) else {
            if declaredSize > UInt64(size) {
                throw FileFormatError(.truncated, path: path, message: "model file is truncated (\(size) of \(declaredSize) bytes)")
            }
            throw ModelFileReader.corrupt("file has \(UInt64(size) - declaredSize) bytes after its end", path: path)
        }
        return version
    }

    /// Reads and checks the header of a whole file of `size` bytes at `raw`: its envelope, counts
    /// bounded by the file size (before any arithmetic), dimensions, the ranker's fields and
    /// every section's place. Section lengths are the reader's to check.
    static func read(_ raw: UnsafeRawPointer, size: Int, path: String) throws(FileFormatError) -> ModelHeader {
        func u32(_ offset: Int) -> UInt32 { UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
        func u64(_ offset: Int) -> UInt64 { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
        func corrupt(_ message: String) -> FileFormatError { ModelFileReader.corrupt(message, path: path) }

        let version = try checkEnvelope(raw, size: size, path: path)
        let headerSize = ModelFileLayout.headerSize(version: version)
        let limit = UInt64(size)
        let counts = (customers: u64(ModelFileLayout.customerCountOffset), movies: u64(ModelFileLayout.movieCountOffset),
                      rated: u64(ModelFileLayout.ratedCountOffset))
        guard counts.customers < limit, counts.movies < limit, counts.rated < limit else {
            throw corrupt("impossible header values (counts beyond the file's size)")
        }
        let scale = RatingScale(lowestHalfStars: raw.load(fromByteOffset: ModelFileLayout.lowestRatingOffset, as: UInt8.self),
                                highestHalfStars: raw.load(fromByteOffset: ModelFileLayout.highestRatingOffset, as: UInt8.self))
        var header = ModelHeader(version: version, customers: Int(counts.customers), movies: Int(counts.movies),
                                 factors: Int(u32(ModelFileLayout.factorsOffset)), stride: Int(u32(ModelFileLayout.strideOffset)),
                                 globalMean: Float(bitPattern: u32(ModelFileLayout.globalMeanOffset)), scale: scale,
                                 ratedEntries: Int(counts.rated), fileSize: size)
        guard header.factors > 0, header.factors <= 4096, header.stride == FactorModel.stride(for: header.factors), header.movies > 0 else {
            throw corrupt("impossible header values")
        }
        if version >= 2 {
            guard let ranker = StoredRanker(rawValue: u32(ModelFileLayout.rankerKindOffset)) else {
                throw corrupt("unknown ranker kind \(u32(ModelFileLayout.rankerKindOffset))")
            }
            header.ranker = ranker
            header.rankerStride = Int(u32(ModelFileLayout.rankerStrideOffset))
            header.rankerFactors = Int(u32(ModelFileLayout.rankerFactorsOffset))
            switch ranker {
            case .none:
                guard header.rankerStride == 0 else { throw corrupt("ranker stride without a ranker") }
            case .ease:
                guard header.rankerStride == EASETrainer.rowStride(header.movies) else {
                    throw corrupt("EASE row stride \(header.rankerStride) for \(header.movies) movies")
                }
            case .ials:
                guard header.rankerFactors > 0, header.rankerFactors <= 4096, header.rankerStride == FactorModel.stride(for: header.rankerFactors) else {
                    throw corrupt("impossible iALS factors")
                }
            }
        }
        for section in header.sections {
            let offset = u64(ModelFileLayout.tableEntry(section.rawValue))
            let length = u64(ModelFileLayout.tableEntry(section.rawValue) + 8)
            guard offset >= UInt64(headerSize), offset % UInt64(ModelFileLayout.alignment) == 0,
                  offset <= limit - 8, length <= limit - 8 - offset else {
                throw corrupt("section \(section) lies outside the file")
            }
            header.extents.append(Extent(offset: Int(offset), length: Int(length)))
        }
        return header
    }
}
