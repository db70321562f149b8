import Foundation
import RecoCore
import Testing

/// The answers' numbers: what `description` would write, from a faster path for scores.
struct JSONBytesWriterTests {
    private func written(_ write: (inout JSONBytesWriter) -> Void) -> String {
        var writer = JSONBytesWriter()
        write(&writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    @Test func scoresReadBackAsTheSameDoubleAndMatchDescription() {
        var random = SystemRandomNumberGenerator()
        var values: [Double] = [4.1266, 5, 4.5, -0.125, 0.0001, -0.0001, 1, 0.1, 99_999_999_999.9999, 3.0001, 0, -0.0, 1e-5, 1e20,
                                0.1 + 0.2, .pi, 4.12345, 1e15 / 10_000]
        for _ in 0..<20_000 {
            values.append((Double.random(in: -10...10, using: &random) * 10_000).rounded() / 10_000)
            values.append(Double.random(in: -1e6...1e6, using: &random))
        }
        for value in values {
            let text = written { $0.number(value) }
            #expect(text == value.description, "\(value)")
            #expect(Double(text) == value)
        }
        #expect(written { $0.number(.nan) } == "null")
        #expect(written { $0.number(-.infinity) } == "null")
    }

    @Test func integersOfEveryWidth() {
        #expect(written { $0.integer(0) } == "0")
        #expect(written { $0.integer(-42) } == "-42")
        #expect(written { $0.integer(UInt32.max) } == "4294967295")
        #expect(written { $0.integer(Int64.min) } == "-9223372036854775808")
        #expect(written { $0.integer(UInt64.max) } == "18446744073709551615")
    }
}
