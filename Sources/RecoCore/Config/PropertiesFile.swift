/// A Java-style properties file as Confluent's `python.config` / librdkafka client configs use:
/// `key=value` (or `key: value`) lines, `#` and `!` comments, blank lines ignored.
public struct PropertiesFile: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var key: String
        public var value: String
        public var line: Int
    }

    public private(set) var entries: [Entry] = []

    public init(entries: [Entry]) {
        self.entries = entries
    }

    public init(text: String, file: String = "<properties>") throws(InputError) {
        var number = 0
        // "\r\n" is a single Character in Swift, so it must be named as a separator.
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            number += 1
            var line = Substring(rawLine)
            if line.last == "\r" { line = line.dropLast() }
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix("!") { continue }
            guard let separator = trimmed.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                throw InputError(.malformedLine, file: file, line: number, message: "expected 'key=value', got '\(trimmed.prefix(40))…'")
            }
            let key = Self.trim(trimmed[..<separator])
            let value = Self.trim(trimmed[trimmed.index(after: separator)...])
            guard !key.isEmpty else { throw InputError(.malformedLine, file: file, line: number, message: "empty key") }
            entries.append(Entry(key: key, value: value, line: number))
        }
    }

    public static func load(path: String) throws -> PropertiesFile {
        let bytes = try LineReader(path: path).readAll()
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw InputError(.encoding, file: path, message: "not valid UTF-8")
        }
        return try PropertiesFile(text: text, file: path)
    }

    /// The last value of each key (later lines win, as in Java).
    public var values: [String: String] {
        var result: [String: String] = [:]
        for entry in entries { result[entry.key] = entry.value }
        return result
    }

    private static func trim(_ text: Substring) -> String {
        var result = text
        while let first = result.first, first == " " || first == "\t" { result = result.dropFirst() }
        while let last = result.last, last == " " || last == "\t" { result = result.dropLast() }
        return String(result)
    }
}

extension LineReader {
    /// The whole (small) file, for configuration files.
    func readAll() throws -> [UInt8] {
        var bytes: [UInt8] = []
        try forEachLine { line, _ in
            bytes.append(contentsOf: line)
            bytes.append(0x0A)
        }
        return bytes
    }
}
