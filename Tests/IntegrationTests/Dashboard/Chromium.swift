import Foundation
import Testing

/// Headless Chromium for the dashboard's tests (apt's chromium; RECO_CHROMIUM names another).
enum Chromium {
    static var path: String? {
        if let path = ProcessInfo.processInfo.environment["RECO_CHROMIUM"], !path.isEmpty { return path }
        return ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs it off the cooperative pool (the server under test answers on it); its standard output.
    static func run(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let path = try #require(Self.path, "Chromium is not installed (apt-get install chromium)")
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                do {
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: path)
                    // As root Chromium needs --no-sandbox; no GPU, no first-run or network side trips.
                    process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                                         "--disable-background-networking", "--hide-scrollbars"] + arguments
                    let output = Pipe()
                    process.standardOutput = output
                    process.standardError = FileHandle.nullDevice
                    try process.run()
                    // A hung browser fails the test instead of holding up the run.
                    DispatchQueue.global().asyncAfter(deadline: .now() + 60) { if process.isRunning { process.terminate() } }
                    let data = output.fileHandleForReading.readDataToEndOfFile()
                    process.waitUntilExit()
                    continuation.resume(returning: (process.terminationStatus, String(decoding: data, as: UTF8.self)))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}
