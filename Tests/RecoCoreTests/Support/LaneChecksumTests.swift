@testable import RecoCore
import Testing

@Suite struct LaneChecksumTests {
    @Test func resultDoesNotDependOnHowTheStreamIsSplit() {
        let bytes = (0..<1_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        var whole = LaneChecksum()
        whole.update(bytes)
        for cut in [1, 31, 64, 65, 500, 999] {
            var pieces = LaneChecksum()
            pieces.update(Array(bytes[..<cut]))
            pieces.update(Array(bytes[cut...]))
            #expect(pieces.finalize() == whole.finalize())
        }
    }

    @Test func everySingleByteChangeChangesTheSum() {
        let bytes = (0..<200).map { UInt8(truncatingIfNeeded: $0 &* 13) }
        let reference = bytes.withUnsafeBytes { Checksum64.ofWhole($0) }
        for index in bytes.indices {
            var changed = bytes
            changed[index] ^= 0x80
            #expect(changed.withUnsafeBytes { Checksum64.ofWhole($0) } != reference)
        }
    }
}
