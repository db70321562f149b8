import Foundation
import RecoCore

/// Objects as files under a local directory, keys as relative paths. Each file is written to a
/// temporary name, synced, renamed over the key and its directory synced: after `put` returns
/// the object survives a crash, and a reader never sees half an object.
public struct DirectoryTarget: ArchiveTarget {
    public let root: String

    public init(root: String) {
        self.root = root.hasSuffix("/") && root.count > 1 ? String(root.dropLast()) : root
    }

    public var description: String { "directory \(root)" }

    public func put(key: String, body: [UInt8]) async throws {
        guard !key.hasPrefix("/"), !key.split(separator: "/").contains("..") else { throw ArchiveError.badKey(key) }
        let path = root + "/" + key
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let file = try AtomicFile(path: path)
        try file.write(body)
        try file.commit()
        try Self.syncDirectory(directory)
    }

    public func get(key: String) async throws -> [UInt8] {
        guard !key.hasPrefix("/"), !key.split(separator: "/").contains("..") else { throw ArchiveError.badKey(key) }
        guard let data = FileManager.default.contents(atPath: root + "/" + key) else { throw ArchiveError.io(path: root + "/" + key, message: "no such object") }
        return Array(data)
    }

    public func list(prefix: String) async throws -> [String] {
        let base = URL(fileURLWithPath: root)
        guard let enumerator = FileManager.default.enumerator(atPath: base.path) else { return [] }
        var keys: [String] = []
        while let relative = enumerator.nextObject() as? String {
            // Temporary files of an interrupted write are not objects.
            guard relative.hasPrefix(prefix), !relative.contains(".tmp-") else { continue }
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + relative, isDirectory: &isDirectory), !isDirectory.boolValue {
                keys.append(relative)
            }
        }
        return keys.sorted()
    }

    /// A rename is durable only once its directory entry is.
    private static func syncDirectory(_ path: String) throws {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY)
        guard descriptor >= 0 else { throw ArchiveError.io(path: path, message: "cannot open the directory to sync it (errno \(errno))") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw ArchiveError.io(path: path, message: "cannot sync the directory (errno \(errno))") }
    }
}
