/// A read model's answer: named columns and rows of text (NULL as nil), with which columns hold
/// numbers. The dashboard renders it as HTML, CSV and JSON.
public struct ReportTable: Sendable, Equatable {
    public var name: String
    public var title: String
    public var columns: [String]
    /// Columns whose values are numbers (JSON numbers rather than strings).
    public var numericColumns: Set<String>
    public var rows: [[String?]]

    public init(name: String, title: String, columns: [String], numericColumns: Set<String>, rows: [[String?]]) {
        self.name = name
        self.title = title
        self.columns = columns
        self.numericColumns = numericColumns
        self.rows = rows
    }

    public func value(_ row: [String?], _ column: String) -> String? {
        guard let index = columns.firstIndex(of: column), index < row.count else { return nil }
        return row[index]
    }
}
