import Foundation

/// Reads watch events from message values in either format the pipeline meets:
/// - `watch_event/v1` JSON (what `producer` writes);
/// - the seed producer's pandas `to_json()` columns orient:
///   `{"Movie_Id":{"0":3},"YearRelease":{"0":2004},"Name":{"0":"…"},"current_time":{"0":…},"customerID":{"0":…}}`,
///   which may hold several rows.
/// Ids must be positive 32-bit integers; years, when present, 1800–2100.
public enum WatchEventDecoder {
    public static let maximumBytes = 64 * 1024

    public static func decode(_ bytes: [UInt8]) throws(EventError) -> [WatchEvent] {
        guard !bytes.isEmpty else { throw EventError(.empty, "the message is empty") }
        guard bytes.count <= maximumBytes else { throw EventError(.oversized, "the message has \(bytes.count) bytes (limit \(maximumBytes))") }
        let object: JSONValue
        do {
            object = try JSONParser.parse(bytes)
        } catch {
            throw EventError(.notJSON, "not valid JSON: \(error)")
        }
        guard case .object = object else { throw EventError(.unknownFormat, "the JSON is not an object") }
        if let schema = object["schema"] {
            guard schema.string == WatchEvent.schema else { throw EventError(.unknownFormat, "unsupported schema \(schema.string ?? schema.kind)") }
            return [try version1(object)]
        }
        if object["customerID"] != nil || object["Movie_Id"] != nil { return try legacy(object) }
        throw EventError(.unknownFormat, "neither a watch_event/v1 nor the seed's pandas columns format")
    }

    private static func version1(_ fields: JSONValue) throws(EventError) -> WatchEvent {
        let eventId = try string(fields, "event_id")
        guard !eventId.isEmpty, eventId.count <= 128 else { throw EventError(.invalidValue, "event_id must be 1-128 characters") }
        let watchedAt = try string(fields, "watched_at")
        guard RFC3339.isValid(watchedAt) else { throw EventError(.invalidValue, "watched_at is not an RFC 3339 time: '\(watchedAt.prefix(40))'") }
        return WatchEvent(eventId: eventId, customerId: try id(fields["customer_id"], "customer_id"), movieId: try id(fields["movie_id"], "movie_id"),
                          title: try optionalString(fields, "title"), year: try year(fields["year"], "year"),
                          watchedAt: watchedAt, source: try optionalString(fields, "source") ?? "")
    }

    /// Columns orient: each column maps a row label to a value.
    private static func legacy(_ fields: JSONValue) throws(EventError) -> [WatchEvent] {
        func column(_ name: String, required: Bool) throws(EventError) -> [String: JSONValue]? {
            guard let value = fields[name] else {
                if required { throw EventError(.missingField, "\(name) is missing") }
                return nil
            }
            guard case .object(let rows) = value else { throw EventError(.wrongType, "\(name) must be an object of rows") }
            return Dictionary(rows.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
        }
        guard let customers = try column("customerID", required: true), let movies = try column("Movie_Id", required: true) else { return [] }
        let years = try column("YearRelease", required: false) ?? [:]
        let names = try column("Name", required: false) ?? [:]
        let times = try column("current_time", required: false) ?? [:]
        guard !customers.isEmpty else { throw EventError(.missingField, "customerID has no rows") }
        var events: [WatchEvent] = []
        for row in customers.keys.sorted(by: { (Int($0) ?? 0, $0) < (Int($1) ?? 0, $1) }) {
            guard movies[row] != nil else { throw EventError(.missingField, "Movie_Id has no row \(row)") }
            let customer = try id(customers[row], "customerID")
            let movie = try id(movies[row], "Movie_Id")
            let time = try legacyTime(times[row])
            let title = names[row]?.string
            events.append(WatchEvent(eventId: "legacy-\(customer)-\(movie)-\(time.millisecondsSince1970)",
                                     customerId: customer, movieId: movie, title: title, year: try year(years[row], "YearRelease"),
                                     watchedAt: WatchEvent.timestamp(time), source: "legacy"))
        }
        return events
    }

    private static func string(_ fields: JSONValue, _ name: String) throws(EventError) -> String {
        guard let value = fields[name] else { throw EventError(.missingField, "\(name) is missing") }
        guard let text = value.string else { throw EventError(.wrongType, "\(name) must be a string, got \(value.kind)") }
        return text
    }

    private static func optionalString(_ fields: JSONValue, _ name: String) throws(EventError) -> String? {
        guard let value = fields[name], !value.isNull else { return nil }
        guard let text = value.string else { throw EventError(.wrongType, "\(name) must be a string, got \(value.kind)") }
        return text
    }

    /// A positive id that fits 32 bits; pandas may write integers as floats (3.0).
    static func id(_ value: JSONValue?, _ name: String) throws(EventError) -> UInt32 {
        guard let value, !value.isNull else { throw EventError(.missingField, "\(name) is missing") }
        guard let number = value.number else { throw EventError(.wrongType, "\(name) must be a number, got \(value.kind)") }
        guard number == number.rounded() else { throw EventError(.invalidValue, "\(name) must be a whole number, got \(number)") }
        guard number >= 1, number <= Double(UInt32.max) else {
            throw EventError(.invalidValue, "\(name) must be between 1 and \(UInt32.max), got \(Self.text(number))")
        }
        return UInt32(number)
    }

    static func year(_ value: JSONValue?, _ name: String) throws(EventError) -> Int? {
        guard let value, !value.isNull else { return nil }
        guard let number = value.number else { throw EventError(.wrongType, "\(name) must be a number, got \(value.kind)") }
        guard number == number.rounded(), (1800...2100).contains(number) else { throw EventError(.invalidValue, "\(name) is not a year: \(Self.text(number))") }
        return Int(number)
    }

    /// Missing or null: now (the seed's producer always sent one); anything else as `SeedTime` reads it.
    private static func legacyTime(_ value: JSONValue?) throws(EventError) -> Date {
        guard let value, !value.isNull else { return Date() }
        return try SeedTime.date(from: value)
    }

    /// Whole numbers without a trailing ".0", as they were written.
    private static func text(_ number: Double) -> String {
        number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
    }
}

extension Date {
    var millisecondsSince1970: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }
}
