import CLibPQ
import Foundation
import Logging

/// The one owner of a libpq connection. Every call blocks, so a connection belongs to one
/// thread at a time (`DatabaseWorker` runs them on its own queue). Values are always bound as
/// `$n` parameters, never spliced into SQL.
final class PostgresConnection {
    private let connection: OpaquePointer
    private var sessionSetUp: Set<String> = []
    private let notices: Unmanaged<NoticeLog>

    /// Where the server's notices go: the logger at debug. libpq's default prints them to stderr
    /// ("NOTICE: relation … already exists, skipping" on every start).
    private final class NoticeLog {
        let logger: Logger
        init(_ logger: Logger) { self.logger = logger }
    }

    init(_ url: DatabaseURL, logger: Logger) throws(DatabaseError) {
        guard let connection = PQconnectdb(url.conninfo) else {
            throw DatabaseError(kind: .connection, message: "libpq could not allocate a connection")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.text(PQerrorMessage(connection))
            PQfinish(connection)
            throw DatabaseError(kind: .connection, message: message)
        }
        self.connection = connection
        notices = Unmanaged.passRetained(NoticeLog(logger))
        PQsetNoticeReceiver(connection, { context, result in
            guard let context, let result else { return }
            let text = String(cString: PQresultErrorMessage(result)).trimmingCharacters(in: .whitespacesAndNewlines)
            Unmanaged<NoticeLog>.fromOpaque(context).takeUnretainedValue().logger.debug("postgres notice", metadata: ["db.notice": "\(text)"])
        }, notices.toOpaque())
    }

    deinit {
        PQfinish(connection)
        notices.release()
    }

    var isHealthy: Bool { PQstatus(connection) == CONNECTION_OK }

    /// Runs `statements` once per connection, for session objects such as temporary tables
    /// (a reconnect starts a new session, so they run again).
    func setUpSession(_ name: String, _ statements: [String]) throws(DatabaseError) {
        guard !sessionSetUp.contains(name) else { return }
        for statement in statements { try execute(statement) }
        sessionSetUp.insert(name)
    }

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
    /// NULL). Returns the rows copied.
    @discardableResult
    func copy(into table: String, columns: [String], rows: [[String?]]) throws(DatabaseError) -> Int {
        let names = columns.map(Self.quotedIdentifier).joined(separator: ", ")
        let quotedTable = table.split(separator: ".").map { Self.quotedIdentifier(String($0)) }.joined(separator: ".")
        var buffer = CopyTextBuffer()
        for row in rows {
            for value in row { buffer.text(value) }
            buffer.endRow()
        }
        return try copy("COPY \(quotedTable) (\(names)) FROM STDIN", data: buffer.bytes)
    }

    /// Runs a `COPY … FROM STDIN` statement with its rows already in the format the statement
    /// names (`CopyTextBuffer`, or `CopyBinaryBuffer` with `(FORMAT binary)`): the fastest way
    /// into PostgreSQL. Returns the rows copied.
    @discardableResult
    func copy(_ statement: String, data: [UInt8]) throws(DatabaseError) -> Int {
        let summary = Self.summary(statement)
        guard let start = PQexec(connection, statement) else {
            throw DatabaseError(kind: .connection, message: Self.text(PQerrorMessage(connection)), statement: summary)
        }
        let startStatus = PQresultStatus(start)
        PQclear(start)
        guard startStatus == PGRES_COPY_IN else {
            let kind: DatabaseError.Kind = PQstatus(connection) == CONNECTION_OK ? .query : .connection
            throw DatabaseError(kind: kind, message: Self.text(PQerrorMessage(connection)), statement: summary)
        }
        let chunk = 1 << 20
        let sent = data.withUnsafeBufferPointer { bytes -> Bool in
            var start = 0
            while start < bytes.count {
                let count = min(chunk, bytes.count - start)
                let status = bytes.baseAddress!.advanced(by: start).withMemoryRebound(to: CChar.self, capacity: count) {
                    PQputCopyData(connection, $0, Int32(count))
                }
                guard status == 1 else { return false }
                start += count
            }
            return true
        }
        guard PQputCopyEnd(connection, sent ? nil : "client failed to send data") == 1 else {
            throw DatabaseError(kind: .connection, message: Self.text(PQerrorMessage(connection)), statement: summary)
        }
        guard let result = PQgetResult(connection) else {
            throw DatabaseError(kind: .connection, message: Self.text(PQerrorMessage(connection)), statement: summary)
        }
        let finished = QueryResult(result)
        while let extra = PQgetResult(connection) { PQclear(extra) }
        guard PQresultStatus(result) == PGRES_COMMAND_OK else {
            let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) } ?? ""
            let kind: DatabaseError.Kind = PQstatus(connection) == CONNECTION_OK ? .query : .connection
            throw DatabaseError(kind: kind, sqlState: state, message: Self.text(PQresultErrorMessage(result)), statement: summary)
        }
        return finished.affectedRows
    }

    private static func quotedIdentifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
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
