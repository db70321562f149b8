/// The binary layout of a `.recomodel` file (format version 1). All integers little-endian.
///
/// ```
/// header (256 bytes)
///   0   magic "RECOMODL"
///   8   UInt32 format version, UInt32 header size (256)
///   16  UInt64 customers, UInt64 movies
///   32  UInt32 factors, UInt32 stride (factors rounded up to 8)
///   40  Float32 global mean μ, UInt8 lowest / highest rating in half stars, 2 bytes zero
///   48  UInt64 rated entries
///   56  section table: 10 × (UInt64 offset, UInt64 byte length)
///   216 UInt64 file size, including the trailing checksum
/// sections, each starting on a 64-byte boundary (so factor rows can be mapped and read as SIMD):
///   customer ids [UInt32] ascending, movie ids [UInt32] ascending,
///   customer biases [Float32], movie biases [Float32],
///   customer factors [Float32] (customers × stride), movie factors [Float32] (movies × stride),
///   movie factor norms [Float32], rated offsets [UInt64] (customers + 1), rated movies [UInt32]
///   (dense movie indices, ascending per customer), metadata [UTF-8 JSON, `ModelMetadata`]
/// trailer: UInt64 checksum (`Checksum64.ofWhole`) of every byte before it
/// ```
enum ModelFileLayout {
    static let magic: [UInt8] = Array("RECOMODL".utf8)
    static let formatVersion: UInt32 = 1
    static let headerSize = 256
    static let sectionTableOffset = 56
    static let fileSizeOffset = 216
    static let alignment = 64

    enum Section: Int, CaseIterable {
        case customerIds, movieIds, customerBias, movieBias, customerFactors, movieFactors
        case movieNorms, ratedOffsets, ratedMovies, metadata
    }

    static func aligned(_ offset: Int) -> Int { (offset + alignment - 1) / alignment * alignment }
}
