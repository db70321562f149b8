import Foundation
import Synchronization
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
    private let header: ModelHeader

    public init(path: String, verification: Verification = .full) throws(FileFormatError) {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw FileFormatError(.io, path: path, message: "cannot open model: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw FileFormatError(.io, path: path, message: "cannot stat model") }
        let size = Int(info.st_size)
        let copy = UnsafeMutableRawPointer.allocate(byteCount: max(size, 1), alignment: ModelFileLayout.alignment)
        let raw = UnsafeRawPointer(copy)
        do {
            try Self.readWhole(fd, into: copy, size: size, path: path)
            let contents = try ModelFileReader(raw: raw, size: size, path: path).read(verification: verification)
            base = raw
            header = contents.header
            metadata = contents.metadata
            fileSize = size
            customerCount = header.customers
            movieCount = header.movies
            factors = header.factors
            stride = header.stride
            globalMean = header.globalMean
            scale = header.scale
            formatVersion = header.version
            ranker = header.ranker.kind
            rankerStride = header.rankerStride
        } catch {
            copy.deallocate()
            throw error
        }
    }

    deinit {
        UnsafeMutableRawPointer(mutating: base).deallocate()
    }

    /// Reads the whole file, in parallel parts: copying from the page cache into fresh pages
    /// (a page fault each) was three quarters of reco-api's start at Netflix size, and it runs
    /// on every core. A file that shrinks meanwhile (being rewritten) is reported as truncated.
    /// (A copy, not a mapping: a mapped file truncated in place would end the process with SIGBUS.)
    private static func readWhole(_ fd: Int32, into buffer: UnsafeMutableRawPointer, size: Int, path: String) throws(FileFormatError) {
        let parts = size < 64 << 20 ? 1 : max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))
        let partSize = (size + parts - 1) / parts
        let failures = Mutex<[FileFormatError?]>(Array(repeating: nil, count: parts))
        let destination = SendableBuffer(pointer: buffer)
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let start = part * partSize
            let end = min(size, start + partSize)
            var done = start
            while done < end {
                let count = pread(fd, destination.pointer + done, min(end - done, 1 << 30), off_t(done))
                if count < 0 {
                    if errno == EINTR { continue }
                    let error = FileFormatError(.io, path: path, message: "cannot read model: \(String(cString: strerror(errno)))")
                    failures.withLock { $0[part] = error }
                    return
                }
                guard count > 0 else {
                    let error = FileFormatError(.truncated, path: path, message: "model file is truncated (\(done) of \(size) bytes; was it being rewritten?)")
                    failures.withLock { $0[part] = error }
                    return
                }
                done += count
            }
        }
        if let failure = failures.withLock({ $0.compactMap { $0 }.first }) { throw failure }
    }

    /// The destination of the parallel reads: each part writes its own range.
    private struct SendableBuffer: @unchecked Sendable {
        let pointer: UnsafeMutableRawPointer
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
        let extent = header[section]
        return UnsafeBufferPointer(start: (base + extent.offset).assumingMemoryBound(to: T.self), count: extent.length / MemoryLayout<T>.stride)
    }
}
