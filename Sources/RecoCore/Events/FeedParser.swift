import Foundation

/// The seed's real-time feed: the HTTP body is a JSON *string* whose content is a pandas
/// split-orient object `{"columns":["YearRelease","Name","current_time","customerID"],
/// "index":[<movie id>,…],"data":[[2004,"Title",<epoch ms>,<customer id>],…]}`; the same
/// object sent directly (not as a string) is accepted too.
public enum FeedParser {
    public static func parse(_ body: [UInt8], source: String) throws(EventError) -> [WatchEvent] {
        guard !body.isEmpty else { throw EventError(.empty, "the feed body is empty") }
        var object: JSONValue
        do {
            object = try JSONParser.parse(body)
        } catch {
            throw EventError(.notJSON, "the feed body is not JSON: \(error)")
        }
        // Double-encoded: a string holding the JSON object.
        if let text = object.string {
            do {
                object = try JSONParser.parse(Array(text.utf8))
            } catch {
                throw EventError(.notJSON, "the feed string does not hold JSON: \(error)")
            }
        }
        guard case .object = object else { throw EventError(.unknownFormat, "the feed is not a split-orient object") }
        guard let columnValues = object["columns"]?.array, columnValues.allSatisfy({ $0.string != nil }) else {
            throw EventError(.missingField, "columns is missing or not a list of names")
        }
        let columns = columnValues.compactMap(\.string)
        guard let index = object["index"]?.array else { throw EventError(.missingField, "index is missing or not a list") }
        guard let rows = object["data"]?.array, rows.allSatisfy({ $0.array != nil }) else {
            throw EventError(.missingField, "data is missing or not a list of rows")
        }
        let data = rows.compactMap(\.array)
        guard index.count == data.count else { throw EventError(.invalidValue, "index has \(index.count) entries but data has \(data.count) rows") }
        func position(_ name: String) throws(EventError) -> Int {
            guard let position = columns.firstIndex(of: name) else { throw EventError(.missingField, "column \(name) is missing") }
            return position
        }
        let customerColumn = try position("customerID")
        let yearColumn = columns.firstIndex(of: "YearRelease")
        let nameColumn = columns.firstIndex(of: "Name")
        let timeColumn = columns.firstIndex(of: "current_time")
        var events: [WatchEvent] = []
        for (row, values) in data.enumerated() {
            guard values.count == columns.count else { throw EventError(.invalidValue, "row \(row) has \(values.count) values for \(columns.count) columns") }
            let movie = try WatchEventDecoder.id(index[row], "index[\(row)]")
            let customer = try WatchEventDecoder.id(values[customerColumn], "customerID (row \(row))")
            let year = try yearColumn.flatMap { (column) throws(EventError) -> Int? in try WatchEventDecoder.year(values[column], "YearRelease") }
            let title = nameColumn.flatMap { values[$0].string }
            var watchedAt = Date()
            if let timeColumn, !values[timeColumn].isNull {
                do {
                    watchedAt = try SeedTime.date(from: values[timeColumn])
                } catch {
                    throw EventError(error.reason, "row \(row): \(error.message)")
                }
            }
            events.append(WatchEvent(customerId: customer, movieId: movie, title: title, year: year,
                                     watchedAt: WatchEvent.timestamp(watchedAt), source: source))
        }
        return events
    }
}
