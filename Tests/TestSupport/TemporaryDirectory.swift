import Foundation

/// A fresh directory for one test, removed when the value goes away.
public final class TemporaryDirectory {
    public let path: String

    public init() {
        path = NSTemporaryDirectory() + "reco-tests-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Writes `text` (UTF-8) to `name` and returns the file's path.
    @discardableResult
    public func file(_ name: String, _ text: String) -> String {
        file(name, bytes: Array(text.utf8))
    }

    @discardableResult
    public func file(_ name: String, bytes: [UInt8]) -> String {
        let filePath = self.path + "/" + name
        _ = FileManager.default.createFile(atPath: filePath, contents: Data(bytes))
        return filePath
    }

    public func bytes(_ name: String) -> [UInt8] {
        Array(FileManager.default.contents(atPath: path + "/" + name) ?? Data())
    }
}
