/// The binary layout of a `.recomodel` file. All integers little-endian.
///
/// ```
/// header (256 bytes in version 1, 512 in version 2)
///   0   magic "RECOMODL"
///   8   UInt32 format version, UInt32 header size
///   16  UInt64 customers, UInt64 movies
///   32  UInt32 factors, UInt32 stride (factors rounded up to 8)
///   40  Float32 global mean μ, UInt8 lowest / highest rating in half stars, 2 bytes zero
///   48  UInt64 rated entries
///   56  section table: 10 × (UInt64 offset, UInt64 byte length)
///   216 UInt64 file size, including the trailing checksum
///   224 (v2) UInt32 ranker kind (0 none, 1 EASE, 2 iALS), UInt32 ranker row stride, UInt32 ranker factors
///   256 (v2) section table continued: 4 × (UInt64 offset, UInt64 byte length)
/// sections, each starting on a 64-byte boundary (so rows can be read as SIMD in place):
///   customer ids [UInt32] ascending, movie ids [UInt32] ascending,
///   customer biases [Float32], movie biases [Float32],
///   customer factors [Float32] (customers × stride), movie factors [Float32] (movies × stride),
///   movie factor norms [Float32], rated offsets [UInt64] (customers + 1), rated movies [UInt32]
///   (dense movie indices, ascending per customer), metadata [UTF-8 JSON, `ModelMetadata`],
///   (v2) ranker movie rows [Float32] (movies × ranker stride: EASE's B or iALS movie factors),
///   ranker customer factors [Float32] (iALS: customers × ranker stride; EASE: empty),
///   rated weights [Float32] (one per rated entry: its implicit-feedback weight),
///   movie popularity [Float32] (training ratings per movie: the cold-start order)
/// trailer: UInt64 checksum (`Checksum64.ofWhole`) of every byte before it
/// ```
enum ModelFileLayout {
    static let magic: [UInt8] = Array("RECOMODL".utf8)
    static let formatVersion: UInt32 = 2
    static func headerSize(version: UInt32) -> Int { version >= 2 ? 512 : 256 }
    // Header fields, by byte offset (`ModelHeader` writes and reads them).
    static let versionOffset = 8
    static let headerSizeOffset = 12
    static let customerCountOffset = 16
    static let movieCountOffset = 24
    static let factorsOffset = 32
    static let strideOffset = 36
    static let globalMeanOffset = 40
    static let lowestRatingOffset = 44
    static let highestRatingOffset = 45
    static let ratedCountOffset = 48
    static let sectionTableOffset = 56
    static let secondSectionTableOffset = 256
    static let fileSizeOffset = 216
    static let rankerKindOffset = 224
    static let rankerStrideOffset = 228
    static let rankerFactorsOffset = 232
    static let alignment = 64

    /// The sections in table order: the order the writer places them and the reader checks them.
    enum Section: Int, CaseIterable {
        case customerIds, movieIds, customerBias, movieBias, customerFactors, movieFactors
        case movieNorms, ratedOffsets, ratedMovies, metadata
        case rankerMovieRows, rankerCustomerFactors, ratedWeights, popularity
    }

    static func sectionCount(version: UInt32) -> Int { version >= 2 ? Section.allCases.count : 10 }

    /// Where a section's (offset, length) entry sits in the header.
    static func tableEntry(_ index: Int) -> Int {
        index < 10 ? sectionTableOffset + index * 16 : secondSectionTableOffset + (index - 10) * 16
    }

    static func aligned(_ offset: Int) -> Int { (offset + alignment - 1) / alignment * alignment }
}
