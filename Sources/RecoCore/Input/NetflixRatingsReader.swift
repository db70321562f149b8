/// Reads a Netflix Prize `combined_data_N.txt` (or `mv_*.txt`) file: a `MovieID:` line opens
/// a block of `CustomerID,Rating,YYYY-MM-DD` lines.
public struct NetflixRatingsReader: Sendable {
    public let path: String
    public let policy: BadLinePolicy

    public init(path: String, policy: BadLinePolicy = .fail) {
        self.path = path
        self.policy = policy
    }

    public func read(into table: inout RatingsTable, progress: (Int) -> Void = { _ in }) throws -> RatingsReadResult {
        var result = RatingsReadResult(file: path)
        var movie: UInt32? = nil
        let colon = UInt8(ascii: ":")
        try LineReader(path: path).forEachLine(progress: progress) { line, number in
            result.lines += 1
            if line.isEmpty { return }
            if line[line.count - 1] == colon {
                guard let id = ByteParsing.unsignedInteger(line, 0..<(line.count - 1)), id > 0 else {
                    try result.skipped.handle(error(number, "MovieID", ByteParsing.idProblem(ByteParsing.preview(UnsafeBufferPointer(rebasing: line[0..<(line.count - 1)])))), policy: policy)
                    // Ratings under a bad header cannot be attributed to any movie.
                    movie = nil
                    return
                }
                movie = UInt32(id)
                return
            }
            switch parseRating(line, number: number, movie: movie) {
            case .success(let rating):
                table.append(customer: rating.customer, movie: rating.movie, halfStars: rating.halfStars, day: rating.day)
                result.ratings += 1
            case .failure(let problem):
                try result.skipped.handle(problem, policy: policy)
            }
        }
        return result
    }

    private struct ParsedRating {
        var customer: UInt32
        var movie: UInt32
        var halfStars: UInt8
        var day: UInt16
    }

    private func parseRating(_ line: UnsafeBufferPointer<UInt8>, number: Int, movie: UInt32?) -> Result<ParsedRating, InputError> {
        if let offset = ByteParsing.firstNonASCII(line) {
            let byte = String(line[offset], radix: 16, uppercase: true)
            return .failure(error(number, nil, "byte 0x\(byte) at column \(offset + 1) is not ASCII text (wrong encoding or a binary file?)"))
        }
        guard let movie else {
            return .failure(error(number, nil, "rating line before any 'MovieID:' line: '\(ByteParsing.preview(line))'"))
        }
        let end = line.count
        let firstComma = ByteParsing.next(ByteParsing.comma, in: line, from: 0, upTo: end)
        let secondComma = ByteParsing.next(ByteParsing.comma, in: line, from: min(firstComma + 1, end), upTo: end)
        guard firstComma < end, secondComma < end else {
            return .failure(error(number, nil, "expected 'CustomerID,Rating,Date', got '\(ByteParsing.preview(line))'"))
        }
        guard let customer = ByteParsing.unsignedInteger(line, 0..<firstComma), customer > 0 else {
            return .failure(error(number, "CustomerID", ByteParsing.idProblem(text(line, 0..<firstComma))))
        }
        let ratingRange = (firstComma + 1)..<secondComma
        guard ratingRange.count == 1, let stars = ByteParsing.unsignedInteger(line, ratingRange), (1...5).contains(stars) else {
            return .failure(error(number, "Rating", "must be a whole number from 1 to 5, got '\(text(line, ratingRange))'"))
        }
        let dateRange = (secondComma + 1)..<end
        guard let day = ByteParsing.day(line, dateRange), day > 0, day <= Int32(UInt16.max) else {
            return .failure(error(number, "Date", "expected a date YYYY-MM-DD after 1970, got '\(text(line, dateRange))'"))
        }
        return .success(ParsedRating(customer: UInt32(customer), movie: movie, halfStars: UInt8(stars * 2), day: UInt16(day)))
    }

    private func text(_ line: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        ByteParsing.preview(UnsafeBufferPointer(rebasing: line[range]))
    }

    private func error(_ line: Int, _ field: String?, _ message: String) -> InputError {
        InputError(.malformedLine, file: path, line: line, field: field, message: message)
    }
}
