@testable import RecoCore
import Testing

@Suite struct CSVLineTests {
    @Test func splitsQuotedFields() throws {
        #expect(try CSVLine.fields("1,\"a, b\",\"say \"\"hi\"\"\",") == ["1", "a, b", "say \"hi\"", ""])
    }

    @Test func escapeRoundTrips() throws {
        for field in ["plain", "a, b", "quote \" inside", "\"\"", ""] {
            #expect(try CSVLine.fields(CSVLine.escape(field)) == [field])
        }
    }

    @Test func unterminatedQuoteIsAProblem() {
        #expect(throws: CSVLine.Problem.unterminatedQuote) { try CSVLine.fields("1,\"open") }
        #expect(throws: CSVLine.Problem.textAfterQuote) { try CSVLine.fields("\"a\"b") }
    }
}
