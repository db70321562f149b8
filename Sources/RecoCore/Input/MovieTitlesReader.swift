/// Reads a movie-title file into catalogue entries.
public struct MovieTitlesReader: Sendable {
    public let path: String
    public let format: MovieTitlesFormat
    public let encoding: TextEncoding
    public let policy: BadLinePolicy

    public init(path: String, format: MovieTitlesFormat, encoding: TextEncoding? = nil, policy: BadLinePolicy = .fail) {
        self.path = path
        self.format = format
        self.encoding = encoding ?? format.defaultEncoding
        self.policy = policy
    }

    public struct Result: Sendable {
        public var movies: [Movie] = []
        public var skipped = SkippedLines()
    }

    public func read() throws -> Result {
        var result = Result()
        try LineReader(path: path).forEachLine { bytes, number in
            if number == 1, format.hasHeader { return }
            if bytes.isEmpty { return }
            do throws(InputError) {
                result.movies.append(try parse(bytes, number: number))
            } catch {
                try result.skipped.handle(error, policy: policy)
            }
        }
        return result
    }

    private func parse(_ bytes: UnsafeBufferPointer<UInt8>, number: Int) throws(InputError) -> Movie {
        if let control = bytes.firstIndex(where: { $0 < 0x20 && $0 != ByteParsing.tab }) {
            throw error(number, nil, "control byte 0x\(String(bytes[control], radix: 16, uppercase: true)) at column \(control + 1) (binary file or wrong encoding?)")
        }
        guard let line = encoding.decode(bytes) else {
            throw error(number, nil, "not valid \(encoding == .utf8 ? "UTF-8" : "text"); pass the file's encoding with --titles-encoding")
        }
        switch format {
        case .netflix: return try parseNetflix(line, number: number)
        case .seed: return try parseSeed(line, number: number)
        case .movieLensCSV: return try parseMovieLensCSV(line, number: number)
        case .movieLensItem: return try parseMovieLensItem(line, number: number)
        }
    }

    /// Splits on the first two commas only: titles such as "Crouching Tiger, Hidden Dragon" keep theirs.
    private func parseNetflix(_ line: String, number: Int) throws(InputError) -> Movie {
        let parts = line.split(separator: ",", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw error(number, nil, "expected 'MovieID,YearOfRelease,Title', got '\(line.prefix(60))'") }
        let id = try movieId(parts[0], field: "MovieID", number: number)
        let year: Int?
        if parts[1] == "NULL" || parts[1].isEmpty {
            year = nil
        } else {
            year = try self.year(parts[1], field: "YearOfRelease", number: number)
        }
        return Movie(id: id, year: year, title: String(parts[2]))
    }

    private func parseSeed(_ line: String, number: Int) throws(InputError) -> Movie {
        var fields = try csvFields(line, number: number)
        // pandas quotes titles with commas; tolerate files written without quoting.
        if fields.count > 3 { fields = [fields[0], fields[1], fields[2...].joined(separator: ",")] }
        guard fields.count == 3 else { throw error(number, nil, "expected 'Movie_Id,Year,Name', got '\(line.prefix(60))'") }
        let id = try movieId(Substring(fields[0]), field: "Movie_Id", number: number)
        var yearText = Substring(fields[1])
        if yearText.hasSuffix(".0") { yearText = yearText.dropLast(2) }
        let year = (yearText.isEmpty || yearText == "NULL" || yearText == "nan") ? nil : try self.year(yearText, field: "Year", number: number)
        return Movie(id: id, year: year, title: fields[2])
    }

    private func parseMovieLensCSV(_ line: String, number: Int) throws(InputError) -> Movie {
        let fields = try csvFields(line, number: number)
        guard fields.count >= 2 else { throw error(number, nil, "expected 'movieId,title,genres', got '\(line.prefix(60))'") }
        let id = try movieId(Substring(fields[0]), field: "movieId", number: number)
        let (title, year) = Self.splitTrailingYear(fields[1])
        return Movie(id: id, year: year, title: title)
    }

    private func parseMovieLensItem(_ line: String, number: Int) throws(InputError) -> Movie {
        let fields = line.split(separator: "|", omittingEmptySubsequences: false)
        guard fields.count >= 2 else { throw error(number, nil, "expected 'id|title|…', got '\(line.prefix(60))'") }
        let id = try movieId(fields[0], field: "movie id", number: number)
        let (title, year) = Self.splitTrailingYear(String(fields[1]))
        return Movie(id: id, year: year, title: title)
    }

    /// "Heat (1995)" → ("Heat", 1995); titles without a trailing year stay whole.
    static func splitTrailingYear(_ text: String) -> (String, Int?) {
        let trimmed = text.trimmingTrailingSpaces()
        guard trimmed.hasSuffix(")"), let open = trimmed.lastIndex(of: "(") else { return (trimmed, nil) }
        let inside = trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]
        guard inside.count == 4, let year = Int(inside) else { return (trimmed, nil) }
        return (String(trimmed[..<open]).trimmingTrailingSpaces(), year)
    }

    private func csvFields(_ line: String, number: Int) throws(InputError) -> [String] {
        do {
            return try CSVLine.fields(line)
        } catch .unterminatedQuote {
            throw error(number, nil, "a quoted field is not closed")
        } catch {
            throw self.error(number, nil, "text after a closing quote")
        }
    }

    private func movieId(_ text: Substring, field: String, number: Int) throws(InputError) -> UInt32 {
        guard let id = UInt32(text), id > 0 else { throw error(number, field, ByteParsing.idProblem(text)) }
        return id
    }

    private func year(_ text: Substring, field: String, number: Int) throws(InputError) -> Int {
        guard let year = Int(text), (1800...2100).contains(year) else {
            throw error(number, field, "not a year: '\(text.prefix(40))'")
        }
        return year
    }

    private func error(_ line: Int, _ field: String?, _ message: String) -> InputError {
        InputError(.malformedLine, file: path, line: line, field: field, message: message)
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var text = Substring(self)
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }
}
