#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The prepared ratings file (`ratings.bin`): a fixed header, then each column of a
/// `RatingsDataset` as raw little-endian arrays padded to 8 bytes, then a checksum.
///
/// Layout (version 1):
/// ```
/// 0   magic "RECORATE"
/// 8   UInt32 format version, UInt32 flags (0)
/// 16  UInt64 ratings, UInt64 customers, UInt64 movies
/// 40  UInt8 lowest half stars, UInt8 highest half stars, 22 bytes reserved (zero)
/// 64  customerIds [UInt32], movieIds [UInt32], customerIndex [UInt32], movieIndex [UInt32],
///     halfStars [UInt8], days [UInt16]     (each padded to a multiple of 8 bytes)
/// end UInt64 checksum (Checksum64 over the header and each column)
/// ```
/// Loading reads each column straight into its array, so 10M ratings load in a few tens of ms.
public enum RatingsStore {
    public static let magic: [UInt8] = Array("RECORATE".utf8)
    public static let formatVersion: UInt32 = 1
    static let headerSize = 64

    public static func write(_ dataset: RatingsDataset, to path: String) throws(FileFormatError) {
        let file = try AtomicFile(path: path)
        var checksum = Checksum64()
        let header = makeHeader(dataset)
        checksum.update(header)
        try file.write(header)
        func column<T>(_ values: [T]) throws(FileFormatError) {
            checksum.update(values)
            try file.write(values)
            let padding = (8 - (values.count * MemoryLayout<T>.stride) % 8) % 8
            try file.write([UInt8](repeating: 0, count: padding))
        }
        try column(dataset.customerIds)
        try column(dataset.movieIds)
        try column(dataset.customerIndex)
        try column(dataset.movieIndex)
        try column(dataset.halfStars)
        try column(dataset.days)
        try file.write([checksum.value.littleEndian])
        try file.commit()
    }

    public static func load(path: String) throws(FileFormatError) -> RatingsDataset {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw FileFormatError(.io, path: path, message: "cannot open: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var reader = ColumnReader(fd: fd, path: path)

        let header: [UInt8] = try reader.read(count: headerSize)
        guard Array(header[0..<8]) == magic else {
            throw FileFormatError(.notThisFormat, path: path, message: "not a prepared ratings file (run 'reco prepare' to make one)")
        }
        let fields = header.withUnsafeBytes { raw in
            (version: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt32.self)),
             ratings: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self)),
             customers: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self)),
             movies: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 32, as: UInt64.self)))
        }
        guard fields.version == formatVersion else {
            throw FileFormatError(.unsupportedVersion, path: path,
                                  message: "ratings file format version \(fields.version); this build reads version \(formatVersion)")
        }
        let limit: UInt64 = 1 << 34
        guard fields.ratings < limit, fields.customers < limit, fields.movies < limit else {
            throw FileFormatError(.corrupt, path: path, message: "header counts are impossible (corrupt file)")
        }
        var checksum = Checksum64()
        checksum.update(header)
        func column<T: FixedWidthInteger>(_ count: UInt64, as: T.Type) throws(FileFormatError) -> [T] {
            let values: [T] = try reader.read(count: Int(count))
            checksum.update(values)
            try reader.skip((8 - (Int(count) * MemoryLayout<T>.stride) % 8) % 8)
            return values
        }
        let customerIds = try column(fields.customers, as: UInt32.self)
        let movieIds = try column(fields.movies, as: UInt32.self)
        let customerIndex = try column(fields.ratings, as: UInt32.self)
        let movieIndex = try column(fields.ratings, as: UInt32.self)
        let halfStars = try column(fields.ratings, as: UInt8.self)
        let days = try column(fields.ratings, as: UInt16.self)
        let stored: [UInt64] = try reader.read(count: 1)
        guard UInt64(littleEndian: stored[0]) == checksum.value else {
            throw FileFormatError(.corrupt, path: path, message: "checksum mismatch: the file is corrupt")
        }
        // A valid checksum still cannot vouch for indices written by a buggy writer.
        guard customerIndex.allSatisfy({ $0 < fields.customers }), movieIndex.allSatisfy({ $0 < fields.movies }) else {
            throw FileFormatError(.corrupt, path: path, message: "an index is out of range")
        }
        let scale = RatingScale(lowestHalfStars: header[40], highestHalfStars: header[41])
        return RatingsDataset(customerIds: customerIds, movieIds: movieIds, customerIndex: customerIndex,
                              movieIndex: movieIndex, halfStars: halfStars, days: days, scale: scale)
    }

    private static func makeHeader(_ dataset: RatingsDataset) -> [UInt8] {
        var header = [UInt8](repeating: 0, count: headerSize)
        header.replaceSubrange(0..<8, with: magic)
        header.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: formatVersion.littleEndian, toByteOffset: 8, as: UInt32.self)
            raw.storeBytes(of: UInt64(dataset.count).littleEndian, toByteOffset: 16, as: UInt64.self)
            raw.storeBytes(of: UInt64(dataset.customerCount).littleEndian, toByteOffset: 24, as: UInt64.self)
            raw.storeBytes(of: UInt64(dataset.movieCount).littleEndian, toByteOffset: 32, as: UInt64.self)
        }
        header[40] = dataset.scale.lowestHalfStars
        header[41] = dataset.scale.highestHalfStars
        return header
    }
}

/// Reads consecutive typed arrays from a file descriptor, reporting a short file as truncated.
private struct ColumnReader {
    let fd: Int32
    let path: String

    mutating func read<T>(count: Int) throws(FileFormatError) -> [T] {
        let byteCount = count * MemoryLayout<T>.stride
        var failure: FileFormatError?
        let values = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            var done = 0
            while done < byteCount {
                let got = Glibc.read(fd, raw.baseAddress! + done, byteCount - done)
                if got < 0 && errno == EINTR { continue }
                if got <= 0 {
                    failure = got == 0
                        ? FileFormatError(.truncated, path: path, message: "file is truncated (ended \(byteCount - done) bytes early)")
                        : FileFormatError(.io, path: path, message: "cannot read: \(String(cString: strerror(errno)))")
                    break
                }
                done += got
            }
            // Trivial element types only (integers), so partially read memory is safe to expose.
            initialized = failure == nil ? count : 0
        }
        if let failure { throw failure }
        return values
    }

    mutating func skip(_ bytes: Int) throws(FileFormatError) {
        guard bytes > 0 else { return }
        let _: [UInt8] = try read(count: bytes)
    }
}
