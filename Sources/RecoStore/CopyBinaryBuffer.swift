/// Rows in COPY's binary format (`COPY … FROM STDIN (FORMAT binary)`): big-endian values with
/// length prefixes, so PostgreSQL parses no text (numbers, arrays of doubles and times) and the
/// writer formats none. Each row starts with `row(fields:)` and must give exactly that many
/// values, in the table's column types; `finished()` adds the trailer.
struct CopyBinaryBuffer {
    private(set) var bytes: [UInt8] = []

    /// Element type ids of the arrays written here (pg_type.oid).
    private static let int8Oid: Int32 = 20
    private static let float8Oid: Int32 = 701
    /// PostgreSQL counts time from 2000-01-01T00:00:00Z.
    private static let postgresEpochMicroseconds: Int64 = 946_684_800 * 1_000_000

    init(reservingCapacity capacity: Int = 0) {
        bytes.reserveCapacity(capacity + 21)
        bytes += Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00]
        append(Int32(0))  // flags: no OIDs
        append(Int32(0))  // no header extension
    }

    mutating func row(fields: Int16) {
        append(fields)
    }

    mutating func text(_ value: String?) {
        guard var value else { return append(Int32(-1)) }
        value.withUTF8 { utf8 in
            append(Int32(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    mutating func int4(_ value: Int32) {
        append(Int32(4))
        append(value)
    }

    mutating func int8(_ value: Int64?) {
        guard let value else { return append(Int32(-1)) }
        append(Int32(8))
        append(value)
    }

    mutating func boolean(_ value: Bool) {
        append(Int32(1))
        bytes.append(value ? 1 : 0)
    }

    /// A `timestamptz` from microseconds since 1970-01-01T00:00:00Z.
    mutating func timestamp(microsecondsSinceEpoch value: Int64) {
        append(Int32(8))
        append(value - Self.postgresEpochMicroseconds)
    }

    /// A one-dimensional `bigint[]`.
    mutating func int8Array(_ values: [UInt32]) {
        arrayHeader(count: values.count, elementSize: 8, elementType: Self.int8Oid)
        for value in values {
            append(Int32(8))
            append(Int64(value))
        }
    }

    /// A one-dimensional `double precision[]`.
    mutating func float8Array(_ values: [Double]) {
        arrayHeader(count: values.count, elementSize: 8, elementType: Self.float8Oid)
        for value in values {
            append(Int32(8))
            append(value.bitPattern)
        }
    }

    /// The trailer that ends the data; nothing may follow.
    mutating func finished() -> [UInt8] {
        append(Int16(-1))
        return bytes
    }

    /// Length, dimensions (none for an empty array, as PostgreSQL writes it), no nulls.
    private mutating func arrayHeader(count: Int, elementSize: Int, elementType: Int32) {
        let dimensions: Int32 = count == 0 ? 0 : 1
        append(Int32(12 + Int(dimensions) * 8 + count * (4 + elementSize)))
        append(dimensions)
        append(Int32(0))
        append(elementType)
        if count > 0 {
            append(Int32(count))
            append(Int32(1))  // lower bound
        }
    }

    private mutating func append<Value: FixedWidthInteger>(_ value: Value) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }
}
