import Foundation
@testable import RecoCore
import Testing
import TestSupport

@Suite struct RatingsStoreTests {
    let directory = TemporaryDirectory()

    private func sample() -> RatingsDataset {
        var table = RatingsTable()
        for index in 0..<1_001 {
            table.append(customer: UInt32(index % 37 + 1), movie: UInt32(index % 11 + 1), halfStars: UInt8(index % 10 + 1), day: UInt16(index))
        }
        return RatingsDataset(table, scale: .movieLens)
    }

    @Test func roundTrips() throws {
        let path = directory.path + "/ratings.bin"
        let dataset = sample()
        try RatingsStore.write(dataset, to: path)
        #expect(try RatingsStore.load(path: path) == dataset)
        // No temporary file is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["ratings.bin"])
    }

    @Test func truncatedFileIsRefused() throws {
        let path = directory.path + "/ratings.bin"
        try RatingsStore.write(sample(), to: path)
        let bytes = directory.bytes("ratings.bin")
        for cut in [10, 64, bytes.count / 2, bytes.count - 1] {
            directory.file("ratings.bin", bytes: Array(bytes[..<cut]))
            #expect { try RatingsStore.load(path: path) } throws: { error in
                guard let error = error as? FileFormatError else { return false }
                return error.code == .truncated && error.description.contains("truncated")
            }
        }
    }

    @Test func flippedByteIsRefused() throws {
        let path = directory.path + "/ratings.bin"
        try RatingsStore.write(sample(), to: path)
        var bytes = directory.bytes("ratings.bin")
        bytes[bytes.count / 2] ^= 0x40
        directory.file("ratings.bin", bytes: bytes)
        #expect { try RatingsStore.load(path: path) } throws: { ($0 as? FileFormatError)?.code == .corrupt }
    }

    @Test func otherFilesAndNewerVersionsAreRefused() throws {
        let path = directory.path + "/ratings.bin"
        directory.file("ratings.bin", "1:\n1,3,2005-09-06\n" + String(repeating: " ", count: 100))
        #expect { try RatingsStore.load(path: path) } throws: { ($0 as? FileFormatError)?.code == .notThisFormat }
        try RatingsStore.write(sample(), to: path)
        var bytes = directory.bytes("ratings.bin")
        bytes[8] = 2
        directory.file("ratings.bin", bytes: bytes)
        #expect { try RatingsStore.load(path: path) } throws: { ($0 as? FileFormatError)?.code == .unsupportedVersion }
    }
}
