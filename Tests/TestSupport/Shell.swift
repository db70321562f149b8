import Foundation

/// Shell commands for test set-up; output goes to a file, never a pipe that could fill up.
public enum Shell {
    public struct Failure: Error, CustomStringConvertible {
        public var command: String
        public var status: Int32
        public var output: String
        public var description: String { "'\(command)' exited with \(status): \(output.suffix(2000))" }
    }

    @discardableResult
    public static func run(_ command: String, environment: [String: String] = [:], directory: String? = nil, allowFailure: Bool = false,
                    log: String = NSTemporaryDirectory() + "shell-\(UUID().uuidString).log") async throws -> Int32 {
        defer { try? FileManager.default.removeItem(atPath: log) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command + " >\(log) 2>&1"]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, own in own }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        try process.run()
        await process.exited()
        if process.terminationStatus != 0 && !allowFailure {
            throw Failure(command: command, status: process.terminationStatus, output: (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
        }
        return process.terminationStatus
    }

    public static func output(_ command: String) async throws -> String {
        let file = NSTemporaryDirectory() + "shell-\(UUID().uuidString).out"
        defer { try? FileManager.default.removeItem(atPath: file) }
        try await run("{ \(command); } 2>/dev/null | tee \(file)", log: NSTemporaryDirectory() + "shell-\(UUID().uuidString).log")
        return try String(contentsOfFile: file, encoding: .utf8)
    }
}
