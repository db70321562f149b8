import Foundation
@testable import RecoCore
import Testing

@Suite struct WatchEventDecoderTests {
    private func decode(_ text: String) throws -> [WatchEvent] {
        try WatchEventDecoder.decode(Array(text.utf8))
    }

    @Test func roundTripsVersion1() throws {
        let event = WatchEvent(eventId: "e-1", customerId: 785_314, movieId: 3, title: "Café \"Noir\"\n", year: 2004,
                               watchedAt: "2026-11-25T18:00:00.123Z", source: "test")
        let bytes = event.jsonBytes()
        #expect(try WatchEventDecoder.decode(bytes) == [event])
        // Same bytes as JSONEncoder with sorted keys would give, parsed back.
        let object = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
        #expect(object?["schema"] as? String == "watch_event/v1")
        let unknownYear = WatchEvent(eventId: "e-2", customerId: 1, movieId: 2, title: nil, year: nil, watchedAt: "2026-11-25T18:00:00Z", source: "")
        #expect(try WatchEventDecoder.decode(unknownYear.jsonBytes()) == [unknownYear])
    }

    @Test func readsTheSeedsLegacyColumnsFormat() throws {
        let events = try decode(#"{"Movie_Id":{"0":3,"1":8.0},"YearRelease":{"0":2004,"1":null},"Name":{"0":"Character","1":"What the #$*! Do We Know!?"},"current_time":{"0":1700000000000,"1":1700000001000},"customerID":{"0":785314,"1":42}}"#)
        #expect(events.map(\.customerId) == [785_314, 42])
        #expect(events.map(\.movieId) == [3, 8])
        #expect(events.map(\.year) == [2004, nil])
        #expect(events[0].watchedAt == "2023-11-14T22:13:20.000Z")
        #expect(events[0].source == "legacy")
        #expect(events[0].eventId == "legacy-785314-3-1700000000000")
    }

    /// Issue 15 item 11: only millisecond epochs were read; pandas' ISO strings were dead-lettered
    /// and `date_unit='s'` was stored as 1970-01-20. Every pandas date unit and ISO 8601 is read.
    @Test func readsEveryPandasTimeFormat() throws {
        func time(_ value: String) throws -> String {
            let events = try decode(#"{"Movie_Id":{"0":3},"YearRelease":{"0":2004},"Name":{"0":"X"},"current_time":{"0":"# + value + #"},"customerID":{"0":7}}"#)
            return events[0].watchedAt
        }
        let expected = "2023-11-14T22:13:20.000Z"
        for value in ["1700000000", "1700000000000", "1700000000000000", "1700000000000000000", "1700000000.0",
                      #""2023-11-14T22:13:20.000""#, #""2023-11-14T22:13:20.000Z""#, #""2023-11-14T22:13:20.000000000""#,
                      #""2023-11-14T23:13:20+01:00""#, #""2023-11-14 22:13:20""#, #""2023-11-14T17:13:20.000-0500""#] {
            #expect(try time(value) == expected, "\(value)")
        }
        #expect(try time(#""2023-11-14T22:13:20.5Z""#) == "2023-11-14T22:13:20.500Z")
        // Implausible or unreadable times are dead letters, not rows dated 1970 or 2262.
        for value in ["1700", "-5", "9e18", #""1970-01-20T00:00:00Z""#, #""2999-01-01T00:00:00Z""#, #""yesterday""#,
                      #""2023-13-01T00:00:00Z""#, #""2023-11-14T25:00:00Z""#, "true", "[1]"] {
            #expect(throws: EventError.self, "\(value)") { try time(value) }
        }
    }

    /// Each kind of bad message gets its own reason.
    @Test func rejectsBadMessagesWithReasons() {
        let cases: [(String, EventError.Reason)] = [
            ("", .empty),
            ("{not json", .notJSON),
            ("[1,2,3]", .unknownFormat),
            ("\"just a string\"", .unknownFormat),
            (#"{"hello":"world"}"#, .unknownFormat),
            (#"{"schema":"watch_event/v9","event_id":"x"}"#, .unknownFormat),
            (#"{"schema":"watch_event/v1","event_id":"x","movie_id":3,"watched_at":"2026-11-25T18:00:00Z"}"#, .missingField),
            (#"{"schema":"watch_event/v1","event_id":"x","customer_id":"785314","movie_id":3,"watched_at":"2026-11-25T18:00:00Z"}"#, .wrongType),
            (#"{"schema":"watch_event/v1","event_id":"x","customer_id":true,"movie_id":3,"watched_at":"2026-11-25T18:00:00Z"}"#, .wrongType),
            (#"{"schema":"watch_event/v1","event_id":"x","customer_id":-5,"movie_id":3,"watched_at":"2026-11-25T18:00:00Z"}"#, .invalidValue),
            (#"{"schema":"watch_event/v1","event_id":"x","customer_id":99999999999,"movie_id":3,"watched_at":"2026-11-25T18:00:00Z"}"#, .invalidValue),
            (#"{"schema":"watch_event/v1","event_id":"x","customer_id":1.5,"movie_id":3,"watched_at":"2026-11-25T18:00:00Z"}"#, .invalidValue),
            (#"{"schema":"watch_event/v1","event_id":"x","customer_id":1,"movie_id":3,"watched_at":"yesterday"}"#, .invalidValue),
            (#"{"schema":"watch_event/v1","event_id":"x","customer_id":1,"movie_id":3,"year":12,"watched_at":"2026-11-25T18:00:00Z"}"#, .invalidValue),
            (#"{"Movie_Id":{"0":3},"YearRelease":{"0":2004}}"#, .missingField),
            (#"{"Movie_Id":{"0":3},"customerID":{"1":5}}"#, .missingField),
            (#"{"Movie_Id":[3],"customerID":[5]}"#, .wrongType),
            ("{\"pad\":\"" + String(repeating: "x", count: 70_000) + "\"}", .oversized),
        ]
        for (text, reason) in cases {
            do {
                _ = try decode(text)
                Issue.record("accepted: \(text.prefix(60))")
            } catch {
                #expect((error as? EventError)?.reason == reason, "\(text.prefix(60)): \(error)")
            }
        }
    }
}
