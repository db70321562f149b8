/// A streaming checksum for large files (model files are verified whenever they open): sixteen
/// independent 32-bit FNV-1a lanes over 64-byte groups, which vector units run at memory speed.
/// The result depends only on the byte stream, not on how it is split into `update` calls.
/// Each lane step (xor, then multiply by an odd prime) and the final fold are bijections of the
/// changed lane, so any single-word change still changes the result.
public struct LaneChecksum: Sendable {
    private static let groupSize = 64
    private static let prime = SIMD8<UInt32>(repeating: 16_777_619)
    private var low = SIMD8<UInt32>(0x811C_9DC5, 0x050C_5D1F, 0x1B4D_6C2A, 0x2A6E_3B19, 0x3C7F_4A08, 0x4D80_59F7, 0x5E91_68E6, 0x6FA2_77D5)
    private var high = SIMD8<UInt32>(0x7FB3_86C4, 0x8EC4_95B3, 0x9FD5_A4A2, 0xA0E6_B391, 0xB1F7_C280, 0xC208_D17F, 0xD319_E06E, 0xE42A_EF5D)
    private var pending: [UInt8] = []
    private var length: UInt64 = 0

    public init() {}

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        length &+= UInt64(bytes.count)
        var start = 0
        if !pending.isEmpty {
            let take = min(Self.groupSize - pending.count, bytes.count)
            pending.append(contentsOf: bytes[0..<take])
            start = take
            guard pending.count == Self.groupSize else { return }
            pending.withUnsafeBytes { absorb($0, groups: 1) }
            pending.removeAll(keepingCapacity: true)
        }
        let rest = UnsafeRawBufferPointer(rebasing: bytes[start...])
        let groups = rest.count / Self.groupSize
        absorb(rest, groups: groups)
        pending.append(contentsOf: rest[(groups * Self.groupSize)...])
    }

    public mutating func update<T>(_ array: [T]) {
        array.withUnsafeBytes { update($0) }
    }

    public func finalize() -> UInt64 {
        var tail = Checksum64()
        pending.withUnsafeBytes { tail.update($0) }
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for lane in 0..<8 {
            value = (value ^ (UInt64(low[lane]) << 32 | UInt64(high[lane]))) &* Checksum64.prime
        }
        for word in [tail.value, length] { value = (value ^ word) &* Checksum64.prime }
        return value
    }

    private mutating func absorb(_ bytes: UnsafeRawBufferPointer, groups: Int) {
        guard let base = bytes.baseAddress else { return }
        var first = low
        var second = high
        for group in 0..<groups {
            let offset = group * Self.groupSize
            first = (first ^ SIMD8<UInt32>(littleEndianWords: base.loadUnaligned(fromByteOffset: offset, as: SIMD8<UInt32>.self))) &* Self.prime
            second = (second ^ SIMD8<UInt32>(littleEndianWords: base.loadUnaligned(fromByteOffset: offset + 32, as: SIMD8<UInt32>.self))) &* Self.prime
        }
        low = first
        high = second
    }
}

extension SIMD8<UInt32> {
    @inline(__always)
    fileprivate init(littleEndianWords words: SIMD8<UInt32>) {
        #if _endian(little)
        self = words
        #else
        self = SIMD8<UInt32>((0..<8).map { UInt32(littleEndian: words[$0]) })
        #endif
    }
}
