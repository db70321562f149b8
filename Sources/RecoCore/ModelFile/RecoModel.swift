import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A model file read into private memory: opening reads and checks the header and section table
/// and verifies the checksum, then every array is used in place (no per-row parsing).
///
/// The bytes are copied, not mapped: a mapped file that is overwritten or truncated in place
/// (`cp other.recomodel live.recomodel`) changes under the server or kills it with SIGBUS, while a
/// private copy stays exactly what was verified.
///
/// Unchecked Sendable: the copy is never written after opening and lives as long as the object.
public final class RecoModel: @unchecked Sendable {
    public enum Verification: Sendable {
        /// Check the checksum of every byte (default).
        case full
        /// Check structure only, for tools that open a trusted file repeatedly.
        case structure
    }

    public let path: String
    public let metadata: ModelMetadata
    public let customerCount: Int
    public let movieCount: Int
    public let factors: Int
    public let stride: Int
    public let globalMean: Float
    public let scale: RatingScale
    public let fileSize: Int
    public let formatVersion: UInt32
    /// The implicit-feedback ranker stored beside the SVD; nil for SVD-only (version 1) files.
    public let ranker: RankerKind?
    /// Floats per row of the ranker's sections.
    public let rankerStride: Int

    private let base: UnsafeRawPointer
    private let sections: [(offset: Int, length: Int)]

    public init(path: String, verification: Verification = .full) throws(FileFormatError) {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw FileFormatError(.io, path: path, message: "cannot open model: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw FileFormatError(.io, path: path, message: "cannot stat model") }
        let size = Int(info.st_size)
        guard size >= ModelFileLayout.headerSize(version: 1) + 8 else {
            if size >= 8 { try Self.checkMagic(fd: fd, path: path) }
            throw FileFormatError(.truncated, path: path, message: "model file is truncated (\(size) bytes)")
        }
        let copy = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: ModelFileLayout.alignment)
        let raw = UnsafeRawPointer(copy)
        do {
            try Self.readWhole(fd, into: copy, size: size, path: path)
            let parsed = try Self.parse(raw, size: size, path: path, verification: verification)
            base = raw
            fileSize = size
            sections = parsed.sections
            customerCount = parsed.customers
            movieCount = parsed.movies
            factors = parsed.factors
            stride = parsed.stride
            globalMean = parsed.mean
            scale = parsed.scale
            metadata = parsed.metadata
            formatVersion = parsed.version
            ranker = parsed.ranker
            rankerStride = parsed.rankerStride
        } catch {
            copy.deallocate()
            throw error
        }
    }

    deinit {
        UnsafeMutableRawPointer(mutating: base).deallocate()
    }

    /// Reads the whole file; a file that shrinks meanwhile (being rewritten) is truncated.
    private static func readWhole(_ fd: Int32, into buffer: UnsafeMutableRawPointer, size: Int, path: String) throws(FileFormatError) {
        var done = 0
        while done < size {
            let count = pread(fd, buffer + done, min(size - done, 1 << 30), off_t(done))
            if count < 0 {
                if errno == EINTR { continue }
                throw FileFormatError(.io, path: path, message: "cannot read model: \(String(cString: strerror(errno)))")
            }
            guard count > 0 else {
                throw FileFormatError(.truncated, path: path, message: "model file is truncated (\(done) of \(size) bytes; was it being rewritten?)")
            }
            done += count
        }
    }

    // MARK: Sections

    public var customerIds: UnsafeBufferPointer<UInt32> { buffer(.customerIds) }
    public var movieIds: UnsafeBufferPointer<UInt32> { buffer(.movieIds) }
    public var customerBias: UnsafeBufferPointer<Float> { buffer(.customerBias) }
    public var movieBias: UnsafeBufferPointer<Float> { buffer(.movieBias) }
    public var customerFactors: UnsafeBufferPointer<Float> { buffer(.customerFactors) }
    public var movieFactors: UnsafeBufferPointer<Float> { buffer(.movieFactors) }
    public var movieNorms: UnsafeBufferPointer<Float> { buffer(.movieNorms) }
    var ratedOffsets: UnsafeBufferPointer<UInt64> { buffer(.ratedOffsets) }
    var ratedMovieIndices: UnsafeBufferPointer<UInt32> { buffer(.ratedMovies) }
    /// EASE's B (one row per movie) or iALS movie factors; empty without a ranker.
    public var rankerMovieRows: UnsafeBufferPointer<Float> { ranker == nil ? UnsafeBufferPointer(start: nil, count: 0) : buffer(.rankerMovieRows) }
    /// iALS customer factors; empty otherwise.
    public var rankerCustomerFactors: UnsafeBufferPointer<Float> { ranker == nil ? UnsafeBufferPointer(start: nil, count: 0) : buffer(.rankerCustomerFactors) }
    /// Training ratings per movie (version 2), the cold-start order.
    public var popularity: UnsafeBufferPointer<Float>? { formatVersion >= 2 ? buffer(.popularity) : nil }

    /// Dense index of a customer id, or nil for a customer the model has not seen.
    public func customerIndex(of id: UInt32) -> Int? { SortedIds.index(of: id, in: customerIds) }

    /// Dense index of a movie id, or nil for a movie the model does not know.
    public func movieIndex(of id: UInt32) -> Int? { SortedIds.index(of: id, in: movieIds) }

    /// The movies (dense indices, ascending) the customer rated in the training data.
    public func ratedMovies(customer index: Int) -> UnsafeBufferPointer<UInt32> {
        UnsafeBufferPointer(rebasing: ratedMovieIndices[ratedRange(customer: index)])
    }

    /// The implicit-feedback weight of each of `ratedMovies(customer:)` (all 1 in version 1 files).
    public func ratedWeights(customer index: Int) -> UnsafeBufferPointer<Float>? {
        guard formatVersion >= 2 else { return nil }
        let weights: UnsafeBufferPointer<Float> = buffer(.ratedWeights)
        return UnsafeBufferPointer(rebasing: weights[ratedRange(customer: index)])
    }

    private func ratedRange(customer index: Int) -> Range<Int> {
        let offsets = ratedOffsets
        return Int(offsets[index])..<Int(offsets[index + 1])
    }

    private func buffer<T>(_ section: ModelFileLayout.Section) -> UnsafeBufferPointer<T> {
        let (offset, length) = sections[section.rawValue]
        return UnsafeBufferPointer(start: (base + offset).assumingMemoryBound(to: T.self), count: length / MemoryLayout<T>.stride)
    }

    // MARK: Validation

    private struct Parsed {
        var sections: [(offset: Int, length: Int)]
        var customers: Int
        var movies: Int
        var factors: Int
        var stride: Int
        var mean: Float
        var scale: RatingScale
        var metadata: ModelMetadata
        var version: UInt32
        var ranker: RankerKind?
        var rankerStride: Int
    }

    private static func checkMagic(fd: Int32, path: String) throws(FileFormatError) {
        var magic = [UInt8](repeating: 0, count: 8)
        let got = magic.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 8, 0) }
        if got == 8 && magic != ModelFileLayout.magic {
            throw FileFormatError(.notThisFormat, path: path, message: "not a reco model file")
        }
    }

    private static func parse(_ raw: UnsafeRawPointer, size: Int, path: String, verification: Verification) throws(FileFormatError) -> Parsed {
        func u32(_ offset: Int) -> UInt32 { UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
        func u64(_ offset: Int) -> UInt64 { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
        func corrupt(_ message: String) -> FileFormatError { FileFormatError(.corrupt, path: path, message: "model file is corrupt: \(message)") }

        guard Array(UnsafeRawBufferPointer(start: raw, count: 8)) == ModelFileLayout.magic else {
            throw FileFormatError(.notThisFormat, path: path, message: "not a reco model file")
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
            throw corrupt("file has \(UInt64(size) - declaredSize) bytes after its end")
        }
        if verification == .full {
            let stored = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: size - 8, as: UInt64.self))
            guard Checksum64.ofWhole(UnsafeRawBufferPointer(start: raw, count: size - 8)) == stored else {
                throw corrupt("checksum mismatch")
            }
        }
        // Every count is bounded by the file size before any arithmetic, and the products below
        // are checked for overflow: a crafted header is refused, never trusted.
        let limit = UInt64(size)
        let counts = (customers: u64(ModelFileLayout.customerCountOffset), movies: u64(ModelFileLayout.movieCountOffset),
                      rated: u64(ModelFileLayout.ratedCountOffset))
        guard counts.customers < limit, counts.movies < limit, counts.rated < limit else {
            throw corrupt("impossible header values (counts beyond the file's size)")
        }
        let customers = Int(counts.customers)
        let movies = Int(counts.movies)
        let rated = Int(counts.rated)
        let factors = Int(u32(ModelFileLayout.factorsOffset))
        let stride = Int(u32(ModelFileLayout.strideOffset))
        guard factors > 0, factors <= 4096, stride == FactorModel.stride(for: factors), movies > 0 else {
            throw corrupt("impossible header values")
        }
        var ranker: RankerKind? = nil
        var rankerStride = 0
        var rankerFactors = 0
        if version >= 2 {
            guard let kind = ModelFileLayout.kind(code: u32(ModelFileLayout.rankerKindOffset)) else {
                throw corrupt("unknown ranker kind \(u32(ModelFileLayout.rankerKindOffset))")
            }
            ranker = kind
            rankerStride = Int(u32(ModelFileLayout.rankerStrideOffset))
            rankerFactors = Int(u32(ModelFileLayout.rankerFactorsOffset))
            switch kind {
            case nil: guard rankerStride == 0 else { throw corrupt("ranker stride without a ranker") }
            case .ease: guard rankerStride == EASETrainer.rowStride(movies) else { throw corrupt("EASE row stride \(rankerStride) for \(movies) movies") }
            case .ials:
                guard rankerFactors > 0, rankerFactors <= 4096, rankerStride == FactorModel.stride(for: rankerFactors) else {
                    throw corrupt("impossible iALS factors")
                }
            }
        }
        var sections: [(offset: Int, length: Int)] = []
        for index in 0..<ModelFileLayout.sectionCount(version: version) {
            let offset = u64(ModelFileLayout.tableEntry(index))
            let length = u64(ModelFileLayout.tableEntry(index) + 8)
            guard offset >= UInt64(headerSize), offset % UInt64(ModelFileLayout.alignment) == 0,
                  offset <= limit - 8, length <= limit - 8 - offset else {
                throw corrupt("section \(index) lies outside the file")
            }
            sections.append((Int(offset), Int(length)))
        }
        func bytes(_ count: Int, _ width: Int) throws(FileFormatError) -> Int {
            let (product, overflow) = count.multipliedReportingOverflow(by: width)
            guard !overflow else { throw corrupt("section sizes overflow") }
            return product
        }
        var expected = [try bytes(customers, 4), try bytes(movies, 4), try bytes(customers, 4), try bytes(movies, 4),
                        try bytes(try bytes(customers, stride), 4), try bytes(try bytes(movies, stride), 4),
                        try bytes(movies, 4), try bytes(customers + 1, 8), try bytes(rated, 4)]
        if version >= 2 {
            // Index 9 is the metadata, whose length is free.
            expected.append(-1)
            switch ranker {
            case nil: expected += [0, 0]
            case .ease: expected += [try bytes(try bytes(movies, rankerStride), 4), 0]
            case .ials: expected += [try bytes(try bytes(movies, rankerStride), 4), try bytes(try bytes(customers, rankerStride), 4)]
            }
            expected += [try bytes(rated, 4), try bytes(movies, 4)]
        }
        for (index, length) in expected.enumerated() where length >= 0 && sections[index].length != length {
            throw corrupt("section \(index) has \(sections[index].length) bytes, expected \(length)")
        }
        let metadataSection = sections[ModelFileLayout.Section.metadata.rawValue]
        let metadata: ModelMetadata
        do {
            metadata = try JSONDecoder().decode(ModelMetadata.self, from: Data(bytes: raw + metadataSection.offset, count: metadataSection.length))
        } catch {
            throw corrupt("metadata is not readable (\(error))")
        }
        let mean = Float(bitPattern: u32(ModelFileLayout.globalMeanOffset))
        let scale = RatingScale(lowestHalfStars: raw.load(fromByteOffset: ModelFileLayout.lowestRatingOffset, as: UInt8.self),
                                highestHalfStars: raw.load(fromByteOffset: ModelFileLayout.highestRatingOffset, as: UInt8.self))
        guard mean.isFinite, scale.lowestHalfStars >= 1, scale.lowestHalfStars < scale.highestHalfStars else {
            throw corrupt("impossible mean or rating scale")
        }
        // Offsets are checked here; rated movie indices are bounds-checked where scoring reads
        // them, which is cheaper than a pass over 100M entries at open.
        let offsets = UnsafeBufferPointer(start: (raw + sections[7].offset).assumingMemoryBound(to: UInt64.self), count: customers + 1)
        guard offsets.first == 0, offsets.last == UInt64(rated), zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 }) else {
            throw corrupt("rated-movie offsets are inconsistent")
        }
        if verification == .full {
            // A NaN or an infinity scores every movie alike and yields an empty or arbitrary list:
            // such a file is as unusable as a corrupt one (one more pass, like the checksum's).
            var floatSections: [ModelFileLayout.Section] = [.customerBias, .movieBias, .customerFactors, .movieFactors, .movieNorms]
            if version >= 2 { floatSections += [.rankerMovieRows, .rankerCustomerFactors, .ratedWeights, .popularity] }
            for section in floatSections {
                let (offset, length) = sections[section.rawValue]
                let values = UnsafeBufferPointer(start: (raw + offset).assumingMemoryBound(to: Float.self), count: length / 4)
                if let index = firstNonFinite(values) {
                    throw corrupt("\(section) holds \(values[index]) at index \(index); every value must be a finite number")
                }
            }
        }
        return Parsed(sections: sections, customers: customers, movies: movies, factors: factors, stride: stride,
                      mean: mean, scale: scale, metadata: metadata, version: version, ranker: ranker, rankerStride: rankerStride)
    }

    /// The index of the first NaN or infinity. x × 0 is NaN exactly for those, so eight lanes of
    /// sums find out whether there is one at memory speed; only then is the index looked for.
    static func firstNonFinite(_ values: UnsafeBufferPointer<Float>) -> Int? {
        let lanes = 8
        var sums = SIMD8<Float>()
        let whole = values.count / lanes * lanes
        var index = 0
        while index < whole {
            let chunk = UnsafeRawPointer(values.baseAddress! + index).loadUnaligned(as: SIMD8<Float>.self)
            sums += chunk * 0
            index += lanes
        }
        var tail: Float = 0
        while index < values.count {
            tail += values[index] * 0
            index += 1
        }
        guard !(sums.sum() + tail).isFinite else { return nil }
        return values.firstIndex { !$0.isFinite }
    }
}
