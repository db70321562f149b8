#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file line by line in fixed-size chunks, so memory does not grow with the file.
///
/// Lines are handed out as byte buffers valid only during the callback, without the
/// terminating `\n` or `\r\n`. Line numbers are 1-based. A UTF-8 byte-order mark before the
/// first line (as Excel and Windows editors write) is not part of it.
public struct LineReader {
    public static let defaultChunkSize = 4 << 20

    public let path: String
    public let chunkSize: Int

    public init(path: String, chunkSize: Int = LineReader.defaultChunkSize) {
        self.path = path
        self.chunkSize = max(chunkSize, 64)
    }

    /// The file's size in bytes, for progress reporting.
    public func fileSize() throws(InputError) -> Int {
        var info = stat()
        guard stat(path, &info) == 0 else { throw unreadable() }
        return Int(info.st_size)
    }

    /// Calls `body(line, lineNumber)` for every line; `progress(bytesRead)` after every chunk.
    public func forEachLine(
        progress: (Int) -> Void = { _ in },
        _ body: (UnsafeBufferPointer<UInt8>, Int) throws -> Void
    ) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw unreadable() }
        defer { close(fd) }

        // The buffer holds an unfinished line from the previous chunk followed by new bytes.
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: chunkSize)
        defer { buffer.deallocate() }
        var carried = 0
        var lineNumber = 0
        var totalRead = 0

        while true {
            if carried == chunkSize {
                throw InputError(.malformedLine, file: path, line: lineNumber + 1,
                                 message: "line longer than \(chunkSize) bytes")
            }
            let count = read(fd, buffer + carried, chunkSize - carried)
            if count < 0 {
                if errno == EINTR { continue }
                throw unreadable()
            }
            totalRead += count
            let end = carried + count
            if count == 0 {
                // End of file: a last line without a newline still counts.
                if carried > 0 {
                    lineNumber += 1
                    try body(Self.trimmed(buffer, from: 0, to: carried), lineNumber)
                }
                return
            }
            var start = 0
            if totalRead == count, Self.startsWithByteOrderMark(buffer, count: end) { start = 3 }
            var scan = max(carried, start)
            while let newline = Self.findNewline(buffer, from: scan, to: end) {
                lineNumber += 1
                try body(Self.trimmed(buffer, from: start, to: newline), lineNumber)
                start = newline + 1
                scan = start
            }
            carried = end - start
            if carried > 0 && start > 0 {
                (buffer).update(from: buffer + start, count: carried)
            }
            progress(totalRead)
        }
    }

    private static func findNewline(_ buffer: UnsafeMutablePointer<UInt8>, from: Int, to: Int) -> Int? {
        guard from < to else { return nil }
        let found = memchr(buffer + from, 0x0A, to - from)
        guard let found else { return nil }
        return UnsafeMutableRawPointer(buffer).distance(to: found)
    }

    /// Whether the bytes start with EF BB BF, the UTF-8 byte-order mark.
    static func startsWithByteOrderMark(_ buffer: UnsafePointer<UInt8>, count: Int) -> Bool {
        count >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF
    }

    private static func trimmed(_ buffer: UnsafeMutablePointer<UInt8>, from: Int, to: Int) -> UnsafeBufferPointer<UInt8> {
        var end = to
        if end > from && buffer[end - 1] == 0x0D { end -= 1 }
        return UnsafeBufferPointer(start: buffer + from, count: end - from)
    }

    private func unreadable() -> InputError {
        InputError(.unreadable, file: path, message: "cannot read file: \(String(cString: strerror(errno)))")
    }
}
