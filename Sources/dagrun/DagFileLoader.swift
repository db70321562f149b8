import ArgumentParser
import DagEngine
import Foundation

/// Reads a DAG file for a command: an invalid file is reported and ends the command with exit 2,
/// the same for `run`, `task` and `validate`.
enum DagFileLoader {
    /// `report` says the parser's message; by default on standard error as "dagrun: …".
    static func load(_ file: String, report: (String) -> Void = { FileHandle.standardError.write(Data("dagrun: \($0)\n".utf8)) }) throws -> Dag {
        do {
            return try DagParser().parse(file: file)
        } catch {
            report("\(error)")
            throw ExitCode(2)
        }
    }
}
