import Foundation

/// Who and what made a registry version, for its entry: the command line, user and host. A URL's
/// credentials never get there (they are replaced by ***).
enum CreatedBy {
    static func describe() -> String {
        let arguments = CommandLine.arguments.map(redacted)
        let user = ProcessInfo.processInfo.environment["USER"] ?? String(getuid())
        return "\(arguments.joined(separator: " ")) (\(user)@\(ProcessInfo.processInfo.hostName))"
    }

    static func redacted(_ argument: String) -> String {
        argument.replacing(/:\/\/[^\/@\s]*@/, with: "://***@")
    }
}
