@testable import RecoCore
import Testing
import TestSupport

@Suite struct NetflixRatingsReaderTests {
    let directory = TemporaryDirectory()

    private func read(_ text: String, policy: BadLinePolicy = .fail) throws -> (RatingsTable, RatingsReadResult) {
        let path = directory.file("combined_data_1.txt", text)
        var table = RatingsTable()
        let result = try NetflixRatingsReader(path: path, policy: policy).read(into: &table)
        return (table, result)
    }

    private func expectError(_ text: String, line: Int, field: String?, containing fragment: String) {
        do {
            _ = try read(text)
            Issue.record("expected an error for line \(line)")
        } catch let error as InputError {
            #expect(error.line == line)
            #expect(error.field == field)
            #expect(error.message.contains(fragment), "\(error)")
            #expect(error.description.contains("combined_data_1.txt:\(line)"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func readsBlocksWithCRLFAndAMissingFinalNewline() throws {
        let (table, result) = try read("1:\r\n1488844,3,2005-09-06\r\n822109,5,2005-05-13\r\n\r\n2:\n2059652,4,1999-11-11")
        #expect(table.customerIds == [1_488_844, 822_109, 2_059_652])
        #expect(table.movieIds == [1, 1, 2])
        #expect(table.halfStars == [6, 10, 8])
        let expectedDay = UInt16(CivilDate.daysSinceEpoch(year: 2005, month: 9, day: 6) ?? 0)
        #expect(table.days[0] == expectedDay)
        #expect(result.ratings == 3)
        #expect(result.lines == 6)
        #expect(result.skipped.count == 0)
    }

    @Test func ratingBeforeAnyMovieLineIsAnError() {
        expectError("1488844,3,2005-09-06\n", line: 1, field: nil, containing: "before any 'MovieID:'")
    }

    @Test func ratingOutsideOneToFiveIsAnError() {
        expectError("1:\n1,3,2005-09-06\n2,6,2005-09-06\n", line: 3, field: "Rating", containing: "'6'")
        expectError("1:\n1,0,2005-09-06\n", line: 2, field: "Rating", containing: "1 to 5")
    }

    @Test func missingFieldIsAnError() {
        expectError("1:\n1488844,3\n", line: 2, field: nil, containing: "expected 'CustomerID,Rating,Date'")
    }

    @Test func badIdsAreErrors() {
        expectError("1:\nabc,3,2005-09-06\n", line: 2, field: "CustomerID", containing: "'abc'")
        expectError("1:\n-5,3,2005-09-06\n", line: 2, field: "CustomerID", containing: "'-5'")
        expectError("x1:\n", line: 1, field: "MovieID", containing: "positive integer")
        expectError("1:\n99999999999,3,2005-09-06\n", line: 2, field: "CustomerID", containing: "99999999999")
    }

    @Test func impossibleDateIsAnError() {
        expectError("1:\n1,3,2005-13-01\n", line: 2, field: "Date", containing: "2005-13-01")
        expectError("1:\n1,3,2005-02-29\n", line: 2, field: "Date", containing: "YYYY-MM-DD")
    }

    @Test func nonASCIIBytesAreReportedAsEncodingProblems() {
        // "é" in Latin-1 and a UTF-16 byte-order mark.
        let latin1: [UInt8] = Array("1:\n12".utf8) + [0xE9] + Array(",3,2005-09-06\n".utf8)
        let path = directory.file("latin1.txt", bytes: latin1)
        var table = RatingsTable()
        #expect(throws: InputError.self) { try NetflixRatingsReader(path: path).read(into: &table) }
        do {
            _ = try NetflixRatingsReader(path: path).read(into: &table)
        } catch let error as InputError {
            #expect(error.line == 2)
            #expect(error.message.contains("0xE9"))
            #expect(error.message.contains("encoding"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func skipPolicyCountsBadLinesAndKeepsGoodOnes() throws {
        let (table, result) = try read("1:\n1,3,2005-09-06\n2,9,2005-09-06\nbad\n3,4,2005-09-07\n", policy: .skip)
        #expect(table.customerIds == [1, 3])
        #expect(result.skipped.count == 2)
        #expect(result.skipped.examples.map(\.line) == [3, 4])
    }

    @Test func ratingsUnderABadMovieHeaderAreSkippedNotMisattributed() throws {
        let (table, result) = try read("1:\n1,3,2005-09-06\nzz:\n2,4,2005-09-06\n", policy: .skip)
        #expect(table.customerIds == [1])
        #expect(result.skipped.count == 2)
    }
}
