import Foundation

/// The secret that enables `POST /v1/admin/reload`. It is never logged or echoed.
struct AdminToken: Sendable, CustomStringConvertible {
    private let bytes: [UInt8]

    init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return nil }
        bytes = Array(trimmed.utf8)
    }

    /// Compares in time that depends only on the lengths, not on where the bytes differ.
    func matches(_ candidate: String) -> Bool {
        let other = Array(candidate.utf8)
        var difference = UInt8(truncatingIfNeeded: bytes.count ^ other.count)
        for index in 0..<max(bytes.count, other.count) {
            let left = index < bytes.count ? bytes[index] : 0
            let right = index < other.count ? other[index] : 0
            difference |= left ^ right
        }
        return difference == 0
    }

    var description: String { "<redacted>" }
}

