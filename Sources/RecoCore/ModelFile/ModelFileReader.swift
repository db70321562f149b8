import Foundation

/// Reads a model file's bytes section by section, in the order `ModelFileWriter` writes them,
/// checking each against the header: the checksum, every section's length from the counts
/// (products checked for overflow), the metadata, the rated-movie offsets and, with full
/// verification, that every float is finite. A file that fails any check is refused with a
/// message saying which; nothing in it is trusted before it is checked.
struct ModelFileReader {
    /// What a checked file holds besides the arrays themselves.
    struct Contents {
        var header: ModelHeader
        var metadata: ModelMetadata
    }

    let raw: UnsafeRawPointer
    let size: Int
    let path: String

    static func corrupt(_ message: String, path: String) -> FileFormatError {
        FileFormatError(.corrupt, path: path, message: "model file is corrupt: \(message)")
    }

    func read(verification: RecoModel.Verification) throws(FileFormatError) -> Contents {
        try ModelHeader.checkEnvelope(raw, size: size, path: path)
        if verification == .full {
            let stored = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: size - 8, as: UInt64.self))
            guard Checksum64.ofWhole(UnsafeRawBufferPointer(start: raw, count: size - 8)) == stored else {
                throw corrupt("checksum mismatch")
            }
        }
        let header = try ModelHeader.read(raw, size: size, path: path)
        let (customers, movies, stride) = (header.customers, header.movies, header.stride)
        // The SVD's sections, every version.
        try expect(header, .customerIds, customers, of: UInt32.self)
        try expect(header, .movieIds, movies, of: UInt32.self)
        try expect(header, .customerBias, customers, of: Float.self)
        try expect(header, .movieBias, movies, of: Float.self)
        try expect(header, .customerFactors, try product(customers, stride), of: Float.self)
        try expect(header, .movieFactors, try product(movies, stride), of: Float.self)
        try expect(header, .movieNorms, movies, of: Float.self)
        try expect(header, .ratedOffsets, customers + 1, of: UInt64.self)
        try expect(header, .ratedMovies, header.ratedEntries, of: UInt32.self)
        let metadata = try readMetadata(header[.metadata])
        // The ranker's sections, version 2.
        if header.version >= 2 {
            let rankerRows = header.ranker == .none ? 0 : try product(movies, header.rankerStride)
            try expect(header, .rankerMovieRows, rankerRows, of: Float.self)
            try expect(header, .rankerCustomerFactors, header.ranker == .ials ? try product(customers, header.rankerStride) : 0, of: Float.self)
            try expect(header, .ratedWeights, header.ratedEntries, of: Float.self)
            try expect(header, .popularity, movies, of: Float.self)
        }
        guard header.globalMean.isFinite, header.scale.lowestHalfStars >= 1, header.scale.lowestHalfStars < header.scale.highestHalfStars else {
            throw corrupt("impossible mean or rating scale")
        }
        // Offsets are checked here; rated movie indices are bounds-checked where scoring reads
        // them, which is cheaper than a pass over 100M entries at open.
        let offsets: UnsafeBufferPointer<UInt64> = values(header[.ratedOffsets])
        guard offsets.first == 0, offsets.last == UInt64(header.ratedEntries), zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 }) else {
            throw corrupt("rated-movie offsets are inconsistent")
        }
        if verification == .full {
            // A NaN or an infinity scores every movie alike and yields an empty or arbitrary list:
            // such a file is as unusable as a corrupt one (one more pass, like the checksum's).
            var floatSections: [ModelFileLayout.Section] = [.customerBias, .movieBias, .customerFactors, .movieFactors, .movieNorms]
            if header.version >= 2 { floatSections += [.rankerMovieRows, .rankerCustomerFactors, .ratedWeights, .popularity] }
            for section in floatSections {
                let floats: UnsafeBufferPointer<Float> = values(header[section])
                if let index = Self.firstNonFinite(floats) {
                    throw corrupt("\(section) holds \(floats[index]) at index \(index); every value must be a finite number")
                }
            }
        }
        return Contents(header: header, metadata: metadata)
    }

    /// A section's bytes as values of `T`, in place.
    func values<T>(_ extent: ModelHeader.Extent) -> UnsafeBufferPointer<T> {
        UnsafeBufferPointer(start: (raw + extent.offset).assumingMemoryBound(to: T.self), count: extent.length / MemoryLayout<T>.stride)
    }

    private func corrupt(_ message: String) -> FileFormatError { Self.corrupt(message, path: path) }

    private func product(_ count: Int, _ width: Int) throws(FileFormatError) -> Int {
        let (result, overflow) = count.multipliedReportingOverflow(by: width)
        guard !overflow else { throw corrupt("section sizes overflow") }
        return result
    }

    /// `section` must hold exactly `count` values of `T`.
    private func expect<T>(_ header: ModelHeader, _ section: ModelFileLayout.Section, _ count: Int, of type: T.Type) throws(FileFormatError) {
        let expected = try product(count, MemoryLayout<T>.stride)
        let length = header[section].length
        guard length == expected else { throw corrupt("section \(section) has \(length) bytes, expected \(expected)") }
    }

    private func readMetadata(_ extent: ModelHeader.Extent) throws(FileFormatError) -> ModelMetadata {
        do {
            return try JSONDecoder().decode(ModelMetadata.self, from: Data(bytes: raw + extent.offset, count: extent.length))
        } catch {
            throw corrupt("metadata is not readable (\(error))")
        }
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
