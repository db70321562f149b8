/// Reads ratings from a delimited text file described by a `DelimitedRatingsLayout`.
public struct DelimitedRatingsReader: Sendable {
    public let path: String
    public let layout: DelimitedRatingsLayout
    public let policy: BadLinePolicy

    public init(path: String, layout: DelimitedRatingsLayout, policy: BadLinePolicy = .fail) {
        self.path = path
        self.layout = layout
        self.policy = policy
    }

    public func read(into table: inout RatingsTable, progress: (Int) -> Void = { _ in }) throws -> RatingsReadResult {
        var result = RatingsReadResult(file: path)
        // Field boundaries of the current line, reused so parsing allocates nothing.
        var starts = [Int](repeating: 0, count: layout.columnCount + 1)
        var ends = [Int](repeating: 0, count: layout.columnCount + 1)
        try LineReader(path: path).forEachLine(progress: progress) { line, number in
            result.lines += 1
            if number == 1, layout.header != nil { return }
            if line.isEmpty { return }
            do throws(InputError) {
                let rating = try parse(line, number: number, starts: &starts, ends: &ends)
                table.append(customer: rating.customer, movie: rating.movie, halfStars: rating.halfStars, day: rating.day)
                result.ratings += 1
            } catch {
                try result.skipped.handle(error, policy: policy)
            }
        }
        return result
    }

    private func parse(_ line: UnsafeBufferPointer<UInt8>, number: Int, starts: inout [Int], ends: inout [Int])
        throws(InputError) -> (customer: UInt32, movie: UInt32, halfStars: UInt8, day: UInt16)
    {
        if let offset = ByteParsing.firstNonASCII(line) {
            let byte = String(line[offset], radix: 16, uppercase: true)
            throw error(number, nil, "byte 0x\(byte) at column \(offset + 1) is not ASCII text (wrong encoding or a binary file?)")
        }
        var fields = 0
        var position = 0
        while fields < layout.columnCount {
            let end = ByteParsing.next(layout.delimiter, in: line, from: position, upTo: line.count)
            starts[fields] = position
            ends[fields] = end
            fields += 1
            if end == line.count { break }
            position = end + 1
        }
        guard fields == layout.columnCount else {
            throw error(number, nil, "expected \(layout.columnCount) fields, found \(fields): '\(ByteParsing.preview(line))'")
        }
        func range(_ column: Int) -> Range<Int> { starts[column]..<ends[column] }
        func value(_ column: Int) -> String { ByteParsing.preview(UnsafeBufferPointer(rebasing: line[range(column)])) }

        guard let customer = ByteParsing.unsignedInteger(line, range(layout.customerColumn)), customer > 0 else {
            throw error(number, layout.fieldName(layout.customerColumn), ByteParsing.idProblem(value(layout.customerColumn)))
        }
        guard let movie = ByteParsing.unsignedInteger(line, range(layout.movieColumn)), movie > 0 else {
            throw error(number, layout.fieldName(layout.movieColumn), ByteParsing.idProblem(value(layout.movieColumn)))
        }
        guard let stars = ByteParsing.halfStars(line, range(layout.ratingColumn)), layout.scale.contains(halfStars: stars) else {
            throw error(number, layout.fieldName(layout.ratingColumn),
                        "must be a rating from \(layout.scale.text) in steps of \(layout.scale.lowestHalfStars % 2 == 1 ? "0.5" : "1"), got '\(value(layout.ratingColumn))'")
        }
        if layout.scale.lowestHalfStars % 2 == 0, stars % 2 == 1 {
            throw error(number, layout.fieldName(layout.ratingColumn), "half stars are not allowed in \(layout.name), got '\(value(layout.ratingColumn))'")
        }
        var day: UInt16 = 0
        if let column = layout.timestampColumn {
            guard let seconds = ByteParsing.unsignedInteger(line, range(column), limit: UInt64(UInt16.max) * 86_400) else {
                throw error(number, layout.fieldName(column), "not a Unix timestamp: '\(value(column))'")
            }
            day = UInt16(seconds / 86_400)
        }
        return (UInt32(customer), UInt32(movie), stars, day)
    }

    private func error(_ line: Int, _ field: String?, _ message: String) -> InputError {
        InputError(.malformedLine, file: path, line: line, field: field, message: message)
    }
}
