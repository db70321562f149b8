extension String {
    /// Every occurrence of `target` replaced (Foundation-free, for file writers).
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
