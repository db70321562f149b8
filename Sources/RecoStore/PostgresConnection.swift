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

    func value(row: Int, column name: String) -> String? {
        let column = PQfnumber(result, name)
        guard column >= 0, row < rowCount, PQgetisnull(result, Int32(row), column) == 0 else { return nil }
        return String(cString: PQgetvalue(result, Int32(row), column))
    }
}
