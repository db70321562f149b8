import Foundation

/// Paths in this checkout, for tests that start the built executables or read the scripts.
public enum Repository {
    /// The package's root (this file is Tests/TestSupport/Repository.swift).
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
}
