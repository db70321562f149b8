import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A model file mapped into memory: opening reads and checks the header and section table and
/// verifies the checksum, then every array is used in place (no per-row parsing).
///
/// Unchecked Sendable: the mapping is read-only and lives as long as the object.
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
        guard size >= ModelFileLayout.headerSize + 8 else {
            if size >= 8 { try Self.checkMagic(fd: fd, path: path) }
            throw FileFormatError(.truncated, path: path, message: "model file is truncated (\(size) bytes)")
        }
        guard let mapping = mmap(nil, size, PROT_READ, MAP_SHARED, fd, 0), mapping != MAP_FAILED else {
            throw FileFormatError(.io, path: path, message: "cannot map model: \(String(cString: strerror(errno)))")
        }
        let raw = UnsafeRawPointer(mapping)
        do {
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
        } catch {
            munmap(mapping, size)
            throw error
        }
    }

    deinit {
        munmap(UnsafeMutableRawPointer(mutating: base), fileSize)
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

    /// Dense index of a customer id, or nil for a customer the model has not seen.
    public func customerIndex(of id: UInt32) -> Int? { SortedIds.index(of: id, in: customerIds) }

    /// Dense index of a movie id, or nil for a movie the model does not know.
    public func movieIndex(of id: UInt32) -> Int? { SortedIds.index(of: id, in: movieIds) }

    /// The movies (dense indices, ascending) the customer rated in the training data.
    public func ratedMovies(customer index: Int) -> UnsafeBufferPointer<UInt32> {
        let offsets = ratedOffsets
        let start = Int(offsets[index])
        let end = Int(offsets[index + 1])
        return UnsafeBufferPointer(rebasing: ratedMovieIndices[start..<end])
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
        func u64(_ offset: Int) -> Int { Int(truncatingIfNeeded: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))) }
        func corrupt(_ message: String) -> FileFormatError { FileFormatError(.corrupt, path: path, message: "model file is corrupt: \(message)") }

        guard Array(UnsafeRawBufferPointer(start: raw, count: 8)) == ModelFileLayout.magic else {
            throw FileFormatError(.notThisFormat, path: path, message: "not a reco model file")
        }
        let version = u32(8)
        guard version <= ModelFileLayout.formatVersion else {
            throw FileFormatError(.unsupportedVersion, path: path,
                                  message: "model format version \(version) is newer than this build reads (\(ModelFileLayout.formatVersion)); upgrade reco")
        }
        guard version == ModelFileLayout.formatVersion, u32(12) == UInt32(ModelFileLayout.headerSize) else {
            throw FileFormatError(.unsupportedVersion, path: path, message: "model format version \(version) is not supported")
        }
        let declaredSize = u64(ModelFileLayout.fileSizeOffset)
        guard declaredSize == size else {
            if declaredSize > size {
                throw FileFormatError(.truncated, path: path, message: "model file is truncated (\(size) of \(declaredSize) bytes)")
            }
            throw corrupt("file has \(size - declaredSize) bytes after its end")
        }
        if verification == .full {
            let stored = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: size - 8, as: UInt64.self))
            guard Checksum64.ofWhole(UnsafeRawBufferPointer(start: raw, count: size - 8)) == stored else {
                throw corrupt("checksum mismatch")
            }
        }
        let customers = u64(16)
        let movies = u64(24)
        let factors = Int(u32(32))
        let stride = Int(u32(36))
        let rated = u64(48)
        guard factors > 0, stride == FactorModel.stride(for: factors), customers >= 0, movies > 0, rated >= 0 else {
            throw corrupt("impossible header values")
        }
        var sections: [(offset: Int, length: Int)] = []
        for index in 0..<ModelFileLayout.Section.allCases.count {
            let offset = u64(ModelFileLayout.sectionTableOffset + index * 16)
            let length = u64(ModelFileLayout.sectionTableOffset + index * 16 + 8)
            guard offset >= ModelFileLayout.headerSize, offset % ModelFileLayout.alignment == 0, length >= 0,
                  offset <= size - 8, length <= size - 8 - offset else {
                throw corrupt("section \(index) lies outside the file")
            }
            sections.append((offset, length))
        }
        let expected = [customers * 4, movies * 4, customers * 4, movies * 4, customers * stride * 4, movies * stride * 4,
                        movies * 4, (customers + 1) * 8, rated * 4]
        for (index, length) in expected.enumerated() where sections[index].length != length {
            throw corrupt("section \(index) has \(sections[index].length) bytes, expected \(length)")
        }
        let metadataSection = sections[ModelFileLayout.Section.metadata.rawValue]
        let metadata: ModelMetadata
        do {
            metadata = try JSONDecoder().decode(ModelMetadata.self, from: Data(bytes: raw + metadataSection.offset, count: metadataSection.length))
        } catch {
            throw corrupt("metadata is not readable (\(error))")
        }
        let mean = Float(bitPattern: u32(40))
        let scale = RatingScale(lowestHalfStars: raw.load(fromByteOffset: 44, as: UInt8.self), highestHalfStars: raw.load(fromByteOffset: 45, as: UInt8.self))
        guard mean.isFinite, scale.lowestHalfStars >= 1, scale.lowestHalfStars < scale.highestHalfStars else {
            throw corrupt("impossible mean or rating scale")
        }
        // Offsets are checked here; rated movie indices are bounds-checked where scoring reads
        // them, which is cheaper than a pass over 100M entries at open.
        let offsets = UnsafeBufferPointer(start: (raw + sections[7].offset).assumingMemoryBound(to: UInt64.self), count: customers + 1)
        guard offsets.first == 0, offsets.last == UInt64(rated), zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 }) else {
            throw corrupt("rated-movie offsets are inconsistent")
        }
        return Parsed(sections: sections, customers: customers, movies: movies, factors: factors, stride: stride,
                      mean: mean, scale: scale, metadata: metadata)
    }
}
