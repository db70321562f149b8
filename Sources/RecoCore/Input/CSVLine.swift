/// Splits one CSV record (RFC 4180 quoting, no line breaks inside fields).
enum CSVLine {
    enum Problem: Error, Equatable {
        case unterminatedQuote
        case textAfterQuote
    }

    static func fields(_ line: String, separator: Character = ",") throws(Problem) -> [String] {
        var fields: [String] = []
        var current = ""
        var inQuotes = false
        var wasQuoted = false
        var iterator = line.makeIterator()
        while let character = iterator.next() {
            if inQuotes {
                if character == "\"" {
                    // A doubled quote is a literal quote; a single one ends the field.
                    inQuotes = false
                } else {
                    current.append(character)
                }
                continue
            }
            switch character {
            case "\"" where current.isEmpty && !wasQuoted:
                inQuotes = true
                wasQuoted = true
            case "\"" where wasQuoted:
                current.append("\"")
                inQuotes = true
            case separator:
                fields.append(current)
                current = ""
                wasQuoted = false
            default:
                if wasQuoted { throw .textAfterQuote }
                current.append(character)
            }
        }
        if inQuotes { throw .unterminatedQuote }
        fields.append(current)
        return fields
    }

    /// One field written so that `fields(_:)` reads it back unchanged.
    static func escape(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
