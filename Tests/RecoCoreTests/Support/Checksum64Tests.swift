@testable import RecoCore
import Testing

@Suite struct Checksum64Tests {
    @Test func everySingleByteChangeChangesTheSum() {
        let bytes = (0..<61).map { UInt8($0 * 7 % 256) }
        var reference = Checksum64()
        reference.update(bytes)
        for index in bytes.indices {
            var changed = bytes
            changed[index] ^= 1
            var checksum = Checksum64()
            checksum.update(changed)
            #expect(checksum.value != reference.value)
        }
    }

    @Test func sectionBoundariesMatter() {
        var joined = Checksum64()
        joined.update([UInt8](repeating: 0, count: 16))
        var split = Checksum64()
        split.update([UInt8](repeating: 0, count: 8))
        split.update([UInt8](repeating: 0, count: 8))
        #expect(joined.value != split.value)
    }
}
