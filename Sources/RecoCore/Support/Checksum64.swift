/// A fast 64-bit checksum for detecting corrupt or truncated binary files (not cryptographic).
///
/// FNV-1a over 8-byte little-endian words: each step is a bijection of the state, so changing
/// any single word always changes the result. Callers must feed the same sections in the same
/// order when writing and verifying; a section's tail shorter than 8 bytes is zero-padded.
public struct Checksum64: Sendable {
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325
    static let prime: UInt64 = 0x0000_0100_0000_01b3

    public init() {}

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        let words = bytes.count / 8
        var state = value
        if let base = bytes.baseAddress {
            for index in 0..<words {
                let word = base.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)
                state = (state ^ UInt64(littleEndian: word)) &* Self.prime
            }
            var tail: UInt64 = 0
            let remainder = bytes.count - words * 8
            for index in 0..<remainder {
                tail |= UInt64(bytes[words * 8 + index]) << (8 * UInt64(index))
            }
            if remainder > 0 { state = (state ^ tail) &* Self.prime }
        }
        // The length goes in too, so moving bytes between sections changes the result.
        value = (state ^ UInt64(bytes.count)) &* Self.prime
    }

    public mutating func update<T>(_ array: [T]) {
        array.withUnsafeBytes { update($0) }
    }
}

extension Checksum64 {
    /// Checksum of one whole buffer; see `LaneChecksum`.
    public static func ofWhole(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var checksum = LaneChecksum()
        checksum.update(bytes)
        return checksum.finalize()
    }
}
