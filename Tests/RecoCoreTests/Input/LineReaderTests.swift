@testable import RecoCore
import Testing
import TestSupport

@Suite struct LineReaderTests {
    let directory = TemporaryDirectory()

    @Test func linesSpanningChunkBoundariesArriveWhole() throws {
        let lines = (1...500).map { "line number \($0) " + String(repeating: "x", count: $0 % 37) }
        let path = directory.file("lines.txt", lines.joined(separator: "\n") + "\n")
        var seen: [String] = []
        var numbers: [Int] = []
        try LineReader(path: path, chunkSize: 97).forEachLine { bytes, number in
            seen.append(String(decoding: bytes, as: UTF8.self))
            numbers.append(number)
        }
        #expect(seen == lines)
        #expect(numbers == Array(1...500))
    }

    @Test func aLineLongerThanTheBufferIsAnErrorNotACrash() {
        let path = directory.file("long.txt", "short\n" + String(repeating: "y", count: 300) + "\n")
        #expect {
            try LineReader(path: path, chunkSize: 100).forEachLine { _, _ in }
        } throws: { ($0 as? InputError)?.line == 2 }
    }
}
