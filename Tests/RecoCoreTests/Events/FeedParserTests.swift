@testable import RecoCore
import Testing

@Suite struct FeedParserTests {
    static let object = #"{"columns":["YearRelease","Name","current_time","customerID"],"index":[3,8],"data":[[2004,"Character",1700000000000,785314],[null,"Dogma",1700000005000,42]]}"#

    @Test func readsTheDoubleEncodedSplitOrientBody() throws {
        // The seed's API returned the DataFrame's JSON as a JSON string.
        let doubleEncoded = "\"" + Self.object.replacingOccurrences(of: "\"", with: "\\\"") + "\""
        let events = try FeedParser.parse(Array(doubleEncoded.utf8), source: "feed")
        #expect(events.map(\.movieId) == [3, 8])
        #expect(events.map(\.customerId) == [785_314, 42])
        #expect(events.map(\.year) == [2004, nil])
        #expect(events.map(\.title) == ["Character", "Dogma"])
        #expect(events[1].watchedAt == "2023-11-14T22:13:25.000Z")
        #expect(Set(events.map(\.eventId)).count == 2)
    }

    @Test func readsThePlainObjectToo() throws {
        #expect(try FeedParser.parse(Array(Self.object.utf8), source: "feed").count == 2)
    }

    /// Issue 15 item 11: a feed written with `date_format="iso"` or `date_unit='s'` keeps its times;
    /// an implausible time is an error naming the row.
    @Test func readsIsoAndSecondTimes() throws {
        let body = #"{"columns":["current_time","customerID"],"index":[3,8],"data":[["2023-11-14T22:13:20.000",1],[1700000005,2]]}"#
        let events = try FeedParser.parse(Array(body.utf8), source: "feed")
        #expect(events.map(\.watchedAt) == ["2023-11-14T22:13:20.000Z", "2023-11-14T22:13:25.000Z"])
        let stale = #"{"columns":["current_time","customerID"],"index":[3],"data":[[1700,1]]}"#
        #expect { try FeedParser.parse(Array(stale.utf8), source: "feed") } throws: { error in
            (error as? EventError)?.message.hasPrefix("row 0: current_time 1970-01-01T00:28:20.000Z is outside") == true
        }
    }

    @Test func brokenBodiesSayWhatIsWrong() {
        let cases: [(String, EventError.Reason)] = [
            ("", .empty),
            ("<html>502 Bad Gateway</html>", .notJSON),
            ("\"{not json\"", .notJSON),
            ("[]", .unknownFormat),
            (#"{"columns":["customerID"],"index":[3]}"#, .missingField),
            (#"{"columns":["Name"],"index":[3],"data":[["x"]]}"#, .missingField),
            (#"{"columns":["customerID"],"index":[3,4],"data":[[1]]}"#, .invalidValue),
            (#"{"columns":["customerID","Name"],"index":[3],"data":[[1]]}"#, .invalidValue),
            (#"{"columns":["customerID"],"index":[-3],"data":[[1]]}"#, .invalidValue),
            (#"{"columns":["customerID"],"index":[3],"data":[["abc"]]}"#, .wrongType),
        ]
        for (body, reason) in cases {
            do {
                _ = try FeedParser.parse(Array(body.utf8), source: "feed")
                Issue.record("accepted: \(body)")
            } catch {
                #expect(error.reason == reason, "\(body): \(error)")
            }
        }
    }
}
