@testable import RecoCore
import Testing

@Suite struct CivilDateTests {
    @Test func knownDates() {
        #expect(CivilDate.daysSinceEpoch(year: 1970, month: 1, day: 1) == 0)
        #expect(CivilDate.daysSinceEpoch(year: 2005, month: 12, day: 31) == 13_148)
        #expect(CivilDate.daysSinceEpoch(year: 2004, month: 2, day: 29) == 12_477)
        #expect(CivilDate.daysSinceEpoch(year: 2005, month: 2, day: 29) == nil)
        #expect(CivilDate.isoString(daysSinceEpoch: 13_148) == "2005-12-31")
    }

    @Test func componentsInvertDays() {
        for day in stride(from: -1_000, through: 30_000, by: 7) {
            let (year, month, dayOfMonth) = CivilDate.components(daysSinceEpoch: day)
            #expect(CivilDate.daysSinceEpoch(year: year, month: month, day: dayOfMonth) == day)
        }
    }
}
