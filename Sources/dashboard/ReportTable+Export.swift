import Foundation
import RecoCore

import RecoStore

/// A table's CSV and JSON exports.
extension ReportTable {
    /// RFC 4180: fields with a comma, quote or line break are quoted, quotes doubled; NULL is empty.
    func csv() -> String {
        func field(_ value: String?) -> String {
            guard let value else { return "" }
            guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
            return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        var text = columns.map(field).joined(separator: ",") + "\r\n"
        for row in rows { text += row.map(field).joined(separator: ",") + "\r\n" }
        return text
    }

    /// An array of objects, one per row and one line each, keys in column order like the CSV's
    /// (JSONEncoder sorts keys or leaves them in hash order, hence the writer).
    func json() -> String {
        var json = JSONBytesWriter()
        json.raw("[")
        for (rowIndex, row) in rows.enumerated() {
            json.raw(rowIndex == 0 ? "\n{" : ",\n{")
            for (index, column) in columns.enumerated() {
                if index > 0 { json.raw(",") }
                json.string(column)
                json.raw(":")
                let value = index < row.count ? row[index] : nil
                if let value, numericColumns.contains(column), let number = Double(value), number.isFinite {
                    if let whole = Int64(value) { json.integer(whole) } else { json.number(number) }
                } else {
                    json.string(value)
                }
            }
            json.raw("}")
        }
        json.raw(rows.isEmpty ? "]\n" : "\n]\n")
        return String(decoding: json.bytes, as: UTF8.self)
    }
}
