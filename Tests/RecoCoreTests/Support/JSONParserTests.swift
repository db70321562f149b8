import Foundation
@testable import RecoCore
import Testing

@Suite struct JSONParserTests {
    private func parse(_ text: String) throws -> JSONValue { try JSONParser.parse(Array(text.utf8)) }

    @Test func readsEveryKindOfValue() throws {
        let value = try parse(#" {"a": [1, -2.5, 3e2, 0, -0.125E-1], "b": {"c": null, "d": true, "e": false}, "s": "x\"y\\z\/\n\t\u00e9\ud83c\udfac"} "#)
        #expect(value["a"] == .array([.number(1), .number(-2.5), .number(300), .number(0), .number(-0.0125)]))
        #expect(value["b"]?["c"] == .null)
        #expect(value["b"]?["d"] == .bool(true))
        #expect(value["b"]?["e"] == .bool(false))
        #expect(value["s"]?.string == "x\"y\\z/\n\té🎬")
        #expect(try parse("[]") == .array([]))
        #expect(try parse("{}") == .object([]))
        #expect(try parse(#""Amélie""#).string == "Amélie")
    }

    @Test func keepsLargeIntegersExactAndReadsTheLastOfRepeatedKeys() throws {
        #expect(try parse("4294967295").number == 4_294_967_295)
        #expect(try parse("123456789012345").number == 123_456_789_012_345)
        #expect(try parse("9007199254740993").number == 9_007_199_254_740_992)  // rounded like every Double parser
        #expect(try parse(#"{"k": 1, "k": 2}"#)["k"] == .number(2))
    }

    @Test(arguments: [
        "", " ", "[1,]", "{\"a\":1,}", "01", "-", "1.", ".5", "1e", "+1", "NaN", "Infinity", "tru", "nul", "[1 2]", "{\"a\" 1}",
        "{a:1}", "'x'", "\"unterminated", "\"bad \\x escape\"", "\"\\u12\"", "\"\\ud83c\"", "\"\\udfac\"", "\"tab\there\"",
        "[1] [2]", "1e999", "{\"a\":1}}",
    ])
    func rejectsWhatTheRFCRejects(_ text: String) {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(Array(text.utf8)) }
    }

    @Test func rejectsInvalidUTF8AndDeepNesting() {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse([0x22, 0xC3, 0x28, 0x22]) }
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(Array((String(repeating: "[", count: 600) + String(repeating: "]", count: 600)).utf8)) }
        #expect((try? JSONParser.parse(Array((String(repeating: "[", count: 100) + String(repeating: "]", count: 100)).utf8))) != nil)
    }

    @Test func failuresNameTheOffset() {
        do {
            _ = try JSONParser.parse(Array(#"{"a": [1, 2,]}"#.utf8))
            Issue.record("accepted a trailing comma")
        } catch {
            #expect(error.offset == 12)
            #expect(error.description.contains("at byte 12"))
        }
    }

    @Test func agreesWithFoundationOnValidDocuments() throws {
        let documents = [
            #"{"schema":"watch_event/v1","event_id":"e-1","customer_id":785314,"movie_id":3,"title":"Character","year":1997,"watched_at":"2026-11-25T18:00:00.123Z","source":"sim"}"#,
            #"[0.1, 1e-7, 123.456e3, -9876543210, 1.7976931348623157e308, 5e-324]"#,
        ]
        for document in documents {
            let ours = try parse(document)
            let theirs = try JSONSerialization.jsonObject(with: Data(document.utf8))
            #expect(Self.sorted(ours) == Self.convert(theirs))
        }
    }

    private static func sorted(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members): .object(members.sorted { $0.key < $1.key }.map { ($0.key, sorted($0.value)) })
        case .array(let elements): .array(elements.map(sorted))
        default: value
        }
    }

    private static func convert(_ value: Any) -> JSONValue {
        switch value {
        case let dictionary as [String: Any]:
            return .object(dictionary.keys.sorted().map { ($0, convert(dictionary[$0]!)) })
        case let array as [Any]:
            return .array(array.map(convert))
        case let text as String:
            return .string(text)
        case let number as NSNumber:
            return .number(number.doubleValue)
        default:
            return .null
        }
    }
}
