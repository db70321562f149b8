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

    /// An array of objects, one per row, keys in column order.
    func json() -> String {
        var text = "["
        for (rowIndex, row) in rows.enumerated() {
            text += rowIndex == 0 ? "\n{" : ",\n{"
            for (index, column) in columns.enumerated() {
                if index > 0 { text += "," }
                text += JSONText.quoted(column) + ":"
                let value = index < row.count ? row[index] : nil
                if let value {
                    text += numericColumns.contains(column) && Double(value) != nil ? value : JSONText.quoted(value)
                } else {
                    text += "null"
                }
            }
            text += "}"
        }
        return text + (rows.isEmpty ? "]\n" : "\n]\n")
    }
}
