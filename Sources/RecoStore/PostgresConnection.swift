import CLibPQ
import Foundation

/// The one owner of a libpq connection. Every call blocks, so a connection belongs to one
/// thread at a time (`DatabaseWorker` runs them on its own queue). Values are always bound as
/// `$n` parameters, never spliced into SQL.
final class PostgresConnection {
    private let connection: OpaquePointer

    init(_ url: DatabaseURL) throws(DatabaseError) {
        guard let connection = PQconnectdb(url.conninfo) else {
            throw DatabaseError(kind: .connection, message: "libpq could not allocate a connection")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.text(PQerrorMessage(connection))
            PQfinish(connection)
            throw DatabaseError(kind: .connection, message: message)
        }
        self.connection = connection
    }

    deinit {
        PQfinish(connection)
    }

    var isHealthy: Bool { PQstatus(connection) == CONNECTION_OK }

    /// Runs one statement with text parameters (nil is SQL NULL) and returns its rows.
    @discardableResult
    func execute(_ sql: String, _ parameters: [String?] = []) throws(DatabaseError) -> QueryResult {
        let cStrings = parameters.map { $0.map { strdup($0) } ?? nil }
        defer { cStrings.forEach { free($0) } }
        let values = cStrings.map { UnsafePointer($0) }
        let result = values.withUnsafeBufferPointer { buffer in
            PQexecParams(connection, sql, Int32(parameters.count), nil, buffer.baseAddress, nil, nil, 0)
        }
        guard let result else {
            throw DatabaseError(kind: .connection, message: Self.text(PQerrorMessage(connection)), statement: Self.summary(sql))
        }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) } ?? ""
            let message = Self.text(PQresultErrorMessage(result))
            PQclear(result)
            let kind: DatabaseError.Kind = PQstatus(connection) == CONNECTION_OK ? .query : .connection
            throw DatabaseError(kind: kind, sqlState: state, message: message, statement: Self.summary(sql))
        }
        return QueryResult(result)
    }

    /// Loads rows with `COPY table (columns) FROM STDIN` (text format, values escaped, nil is
    /// NULL): the fastest way into PostgreSQL. Returns the rows copied.
    @discardableResult
    func copy(into table: String, columns: [String], rows: [[String?]]) throws(DatabaseError) -> Int {
        let names = columns.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: ", ")
        let quotedTable = table.split(separator: ".").map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: ".")
        let sql = "COPY \(quotedTable) (\(names)) FROM STDIN"
        guard let start = PQexec(connection, sql) else {
            throw DatabaseError(kind: .connection, message: Self.text(PQerrorMessage(connection)), statement: "COPY")
        }
        let startStatus = PQresultStatus(start)
        PQclear(start)
        guard startStatus == PGRES_COPY_IN else {
            throw DatabaseError(kind: .query, message: Self.text(PQerrorMessage(connection)), statement: "COPY \(table)")
        }
        var buffer = ""
        func flush() -> Bool {
            defer { buffer.removeAll(keepingCapacity: true) }
            return buffer.withCString { PQputCopyData(connection, $0, Int32(strlen($0))) } == 1
        }
        var sent = true
        for row in rows where sent {
            buffer += row.map { $0.map(Self.copyEscape) ?? "\\N" }.joined(separator: "\t") + "\n"
            if buffer.utf8.count > 1 << 20 { sent = flush() }
        }
        if sent && !buffer.isEmpty { sent = flush() }
        guard PQputCopyEnd(connection, sent ? nil : "client failed to send data") == 1 else {
            throw DatabaseError(kind: .connection, message: Self.text(PQerrorMessage(connection)), statement: "COPY \(table)")
        }
        guard let result = PQgetResult(connection) else {
            throw DatabaseError(kind: .connection, message: Self.text(PQerrorMessage(connection)), statement: "COPY \(table)")
        }
        let finished = QueryResult(result)
        while let extra = PQgetResult(connection) { PQclear(extra) }
        guard PQresultStatus(result) == PGRES_COMMAND_OK else {
            let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) } ?? ""
            throw DatabaseError(kind: .query, sqlState: state, message: Self.text(PQresultErrorMessage(result)), statement: "COPY \(table)")
        }
        return finished.affectedRows
    }

    /// COPY text format: backslash, tab, newline and carriage return are escaped.
    private static func copyEscape(_ value: String) -> String {
        var escaped = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": escaped += "\\\\"
            case "\t": escaped += "\\t"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    private static func text(_ pointer: UnsafePointer<CChar>?) -> String {
        pointer.map { String(cString: $0).trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
    }

    private static func summary(_ sql: String) -> String {
        String(sql.split(whereSeparator: \.isWhitespace).prefix(4).joined(separator: " "))
    }
}

/// Rows of a result, copied out by column name; the `PGresult` is freed with the value.
final class QueryResult {
    private let result: OpaquePointer

    init(_ result: OpaquePointer) {
        self.result = result
    }

    deinit {
        PQclear(result)
    }

    var rowCount: Int { Int(PQntuples(result)) }

    /// Rows changed by INSERT/UPDATE/DELETE.
    var affectedRows: Int { Int(String(cString: PQcmdTuples(result))) ?? 0 }

    /// The value by exact column name (PQfnumber would fold unquoted names to lower case).
    func value(row: Int, column name: String) -> String? {
        guard let column = (0..<PQnfields(result)).first(where: { String(cString: PQfname(result, $0)) == name }),
              row < rowCount, PQgetisnull(result, Int32(row), column) == 0 else { return nil }
        return String(cString: PQgetvalue(result, Int32(row), column))
    }
}
