import Foundation

/// Command lines of running processes, from /proc (what `ps` shows).
public enum ProcessTable {
    public static func commands(containing text: String) -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.filter { $0.allSatisfy(\.isNumber) }.compactMap { pid -> String? in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"), !data.isEmpty else { return nil }
            let line = String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
            // A zombie has an empty cmdline; a live process with the marker is an orphan.
            return line.contains(text) ? line : nil
        }
    }
}
