import Foundation

/// Reads a watch history exported from PostgreSQL's `watch_events` view, e.g.
/// `psql "$DATABASE_URL" -c "\copy (SELECT customer_id, movie_id, watched_at FROM watch_events) TO 'watches.csv' CSV HEADER"`:
/// a CSV whose header names `customer_id` and `movie_id` (other columns, in any order, are
/// ignored). Each line is one watch; a bad line is an error naming the file, line and field.
public struct WatchHistoryReader: Sendable {
    public struct Watch: Sendable, Equatable, Hashable {
        public var customerId: UInt32
        public var movieId: UInt32
        /// When it was watched (µs since the epoch), where the file has `watched_at`.
        public var watchedAt: Int64?

        public init(customerId: UInt32, movieId: UInt32, watchedAt: Int64? = nil) {
            self.customerId = customerId
            self.movieId = movieId
            self.watchedAt = watchedAt
        }
    }

    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// Whether a header (already split on commas, quotes and a byte-order mark trimmed) is a watch history's.
    public static func recognises(header: [String]) -> Bool {
        header.contains("customer_id") && header.contains("movie_id") && !header.contains("rating")
    }

    /// The file `reco prepare --watches` writes beside the ratings and `reco train` reads.
    public static let preparedFile = "watches.csv"

    /// Writes watches as this reader reads them (header `customer_id,movie_id,watched_at`; the
    /// time empty where unknown), atomically.
    public static func write(_ watches: [Watch], to path: String) throws {
        var text = "customer_id,movie_id,watched_at\n"
        text.reserveCapacity(watches.count * 44)
        for watch in watches {
            text += "\(watch.customerId),\(watch.movieId),\(watch.watchedAt.map(RFC3339.string(microsecondsSinceEpoch:)) ?? "")\n"
        }
        try AtomicFile.write(text, to: path)
    }

    /// Every watch in file order (repeats included: training counts each pair once).
    public func read() throws -> [Watch] {
        var watches: [Watch] = []
        var columns: (customer: Int, movie: Int, time: Int?, count: Int)?
        try LineReader(path: path).forEachLine { bytes, number in
            if bytes.isEmpty { return }
            var line = String(decoding: bytes, as: UTF8.self)
            if number == 1, line.hasPrefix("\u{FEFF}") { line.removeFirst() }
            let fields: [String]
            do {
                fields = try CSVLine.fields(line)
            } catch {
                throw InputError(.malformedLine, file: path, line: number, message: "\(error)")
            }
            guard let known = columns else {
                let header = fields.map { $0.trimmingCharacters(in: .whitespaces) }
                guard Self.recognises(header: header), let customer = header.firstIndex(of: "customer_id"),
                      let movie = header.firstIndex(of: "movie_id") else {
                    throw InputError(.unknownFormat, file: path, line: 1,
                                     message: "a watch history needs a header with customer_id and movie_id, got '\(line.prefix(60))'")
                }
                columns = (customer, movie, header.firstIndex(of: "watched_at"), header.count)
                return
            }
            guard fields.count == known.count else {
                throw InputError(.malformedLine, file: path, line: number, message: "expected \(known.count) fields as the header has, got \(fields.count)")
            }
            func id(_ index: Int, _ name: String) throws(InputError) -> UInt32 {
                let text = fields[index].trimmingCharacters(in: .whitespaces)
                guard let value = UInt64(text), value >= 1 else {
                    throw InputError(.malformedLine, file: path, line: number, field: name, message: "\(name) must be a positive whole number, got '\(text.prefix(40))'")
                }
                guard value <= UInt64(UInt32.max) else {
                    throw InputError(.malformedLine, file: path, line: number, field: name, message: "\(name) is out of range (at most \(UInt32.max)), got \(value)")
                }
                return UInt32(value)
            }
            var watchedAt: Int64?
            if let column = known.time {
                let text = fields[column].trimmingCharacters(in: .whitespaces)
                if !text.isEmpty {
                    // psql writes "2026-11-25 18:00:00.123+00": RFC3339 reads that too.
                    guard let time = RFC3339.microsecondsSinceEpoch(text) else {
                        throw InputError(.malformedLine, file: path, line: number, field: "watched_at",
                                         message: "watched_at must be an RFC 3339 time, got '\(text.prefix(40))'")
                    }
                    watchedAt = time
                }
            }
            watches.append(Watch(customerId: try id(known.customer, "customer_id"), movieId: try id(known.movie, "movie_id"), watchedAt: watchedAt))
        }
        guard columns != nil else { throw InputError(.empty, file: path, message: "the file is empty") }
        return watches
    }
}
