import Foundation

/// Unbuffered lines on standard output, for progress that another process may read live
/// (print() is block-buffered when stdout is a pipe).
enum Console {
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}
