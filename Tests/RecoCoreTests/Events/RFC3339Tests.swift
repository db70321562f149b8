import RecoCore
import Testing

/// The instants the consumer hands PostgreSQL as binary `timestamptz`.
struct RFC3339Tests {
    @Test func readsTheInstantAsPostgreSQLWould() {
        #expect(RFC3339.microsecondsSinceEpoch("1970-01-01T00:00:00Z") == 0)
        #expect(RFC3339.microsecondsSinceEpoch("2026-11-25T18:00:00.123Z") == 1_795_629_600_123_000)
        #expect(RFC3339.microsecondsSinceEpoch("2026-11-25T19:30:00.123+01:30") == 1_795_629_600_123_000)
        #expect(RFC3339.microsecondsSinceEpoch("2026-11-25t17:00:00.123-01:00") == 1_795_629_600_123_000)
        #expect(RFC3339.microsecondsSinceEpoch("2026-11-25 18:00:00.123Z") == 1_795_629_600_123_000)
        // PostgreSQL's text form of a timestamptz: whole-hour offsets without minutes.
        #expect(RFC3339.microsecondsSinceEpoch("2026-11-25 19:00:00.123+01") == 1_795_629_600_123_000)
        // Beyond microseconds: rounded to the nearest, with the carry.
        #expect(RFC3339.microsecondsSinceEpoch("1970-01-01T00:00:00.0000014Z") == 1)
        #expect(RFC3339.microsecondsSinceEpoch("1970-01-01T00:00:00.0000015Z") == 2)
        #expect(RFC3339.microsecondsSinceEpoch("1970-01-01T00:00:00.9999995Z") == 1_000_000)
        // A leap second is the next minute's first; before 1970 counts back.
        #expect(RFC3339.microsecondsSinceEpoch("1969-12-31T23:59:60Z") == 0)
        #expect(RFC3339.microsecondsSinceEpoch("1969-12-31T23:59:59.5Z") == -500_000)
    }

    @Test func writesWhatItReads() {
        for micros: Int64 in [0, 1, 1_795_629_600_123_456, -500_000, 253_402_300_799_999_999] {
            let text = RFC3339.string(microsecondsSinceEpoch: micros)
            #expect(RFC3339.microsecondsSinceEpoch(text) == micros, "\(text)")
        }
        #expect(RFC3339.string(microsecondsSinceEpoch: 1_795_629_600_123_000) == "2026-11-25T18:00:00.123000Z")
    }

    @Test func refusesWhatIsNotRFC3339() {
        for text in ["2026-11-25T18:00:00", "2026-11-25T18:00:00.Z", "2026-02-30T18:00:00Z", "2026-11-25T24:00:00Z",
                     "2026-11-25T18:00:00+0100", "2026-11-25T18:00:00+01:60", "2026-11-25T18:00:00+1", "2026-11-25T18:00:00Zjunk", "20261125T180000Z", ""] {
            #expect(RFC3339.microsecondsSinceEpoch(text) == nil, "\(text)")
        }
    }
}
