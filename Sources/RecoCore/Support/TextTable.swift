/// Rows as an aligned text table for terminals: the first row is the header, underlined; text
/// columns are left-aligned, columns whose cells are all numbers (or "-") right-aligned.
public enum TextTable {
    public static func render(_ rows: [[String]]) -> String {
        guard let header = rows.first else { return "" }
        let columns = rows.map(\.count).max() ?? 0
        let cells = rows.map { $0 + Array(repeating: "", count: columns - $0.count) }
        let widths = (0..<columns).map { column in cells.map { $0[column].count }.max() ?? 0 }
        let numeric = (0..<columns).map { column in
            cells.dropFirst().allSatisfy { row in
                let cell = row[column]
                return cell.isEmpty || cell == "-" || cell.allSatisfy { $0.isNumber || ",.%+-×µ".contains($0) }
            }
        }
        var text = ""
        for (index, row) in cells.enumerated() {
            let line = row.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return numeric[column] && index > 0 ? padding + cell : cell + padding
            }
            var joined = line.joined(separator: "  ")
            while joined.hasSuffix(" ") { joined.removeLast() }
            text += joined + "\n"
            if index == 0 && header.count > 0 { text += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n" }
        }
        return text
    }
}
