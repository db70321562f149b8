#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes files so that readers see either the old or the complete new content, never a part:
/// bytes go to a temporary file in the same directory, are synced, then renamed over the target.
public final class AtomicFile {
    public let path: String
    private let temporaryPath: String
    private var descriptor: Int32
    private var finished = false

    public init(path: String) throws(FileFormatError) {
        self.path = path
        self.temporaryPath = path + ".tmp-\(getpid())"
        descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw Self.ioError(path, "cannot create \(temporaryPath)") }
    }

    deinit {
        if !finished {
            close(descriptor)
            unlink(temporaryPath)
        }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws(FileFormatError) {
        guard var base = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            let written = Glibc.write(descriptor, base, remaining)
            if written < 0 {
                if errno == EINTR { continue }
                throw Self.ioError(path, "cannot write")
            }
            remaining -= written
            base += written
        }
    }

    public func write<T>(_ array: [T]) throws(FileFormatError) {
        // withUnsafeBytes rethrows untyped errors, so carry the typed one out in a Result.
        let result = array.withUnsafeBytes { bytes in Result { () throws(FileFormatError) in try write(bytes) } }
        try result.get()
    }

    public func write(_ text: String) throws(FileFormatError) {
        try write(Array(text.utf8))
    }

    /// Makes the content durable and visible under `path`.
    public func commit() throws(FileFormatError) {
        guard fsync(descriptor) == 0 else { throw Self.ioError(path, "cannot sync") }
        close(descriptor)
        finished = true
        guard rename(temporaryPath, path) == 0 else {
            let error = Self.ioError(path, "cannot rename \(temporaryPath) over it")
            unlink(temporaryPath)
            throw error
        }
    }

    /// Writes a whole small file atomically.
    public static func write(_ text: String, to path: String) throws(FileFormatError) {
        let file = try AtomicFile(path: path)
        try file.write(text)
        try file.commit()
    }

    private static func ioError(_ path: String, _ what: String) -> FileFormatError {
        FileFormatError(.io, path: path, message: "\(what): \(String(cString: strerror(errno)))")
    }
}
