@testable import RecoCore
import Testing
import TestSupport

@Suite struct DelimitedRatingsReaderTests {
    let directory = TemporaryDirectory()

    private func read(_ name: String, _ text: String, layout: DelimitedRatingsLayout, policy: BadLinePolicy = .fail) throws -> (RatingsTable, RatingsReadResult) {
        let path = directory.file(name, text)
        var table = RatingsTable()
        let result = try DelimitedRatingsReader(path: path, layout: layout, policy: policy).read(into: &table)
        return (table, result)
    }

    @Test func readsTheSeedCSVWithDecimalRatings() throws {
        let (table, result) = try read("data_cleaned.csv", "Cust_Id,Rating,Movie_Id\n1488844,3.0,1\n822109,5.0,1\n885013,4.0,3\n", layout: .seed)
        #expect(table.customerIds == [1_488_844, 822_109, 885_013])
        #expect(table.movieIds == [1, 1, 3])
        #expect(table.halfStars == [6, 10, 8])
        #expect(table.days == [0, 0, 0])
        #expect(result.ratings == 3)
    }

    @Test func seedColumnsAreFoundByName() throws {
        let path = directory.file("reordered.csv", "Movie_Id,Cust_Id,Rating\n7,42,2.0\n")
        guard case .delimitedRatings(let layout) = try InputKind.detect(path: path) else {
            Issue.record("not detected as ratings")
            return
        }
        var table = RatingsTable()
        _ = try DelimitedRatingsReader(path: path, layout: layout).read(into: &table)
        #expect(table.customerIds == [42])
        #expect(table.movieIds == [7])
        #expect(table.halfStars == [4])
    }

    @Test func seedRejectsHalfStarsAndOutOfRangeRatings() {
        for (rating, fragment) in [("3.5", "half stars"), ("0.0", "rating from 1–5"), ("6.0", "rating from 1–5"), ("x", "'x'"), ("3.2", "'3.2'")] {
            do {
                _ = try read("bad.csv", "Cust_Id,Rating,Movie_Id\n1,\(rating),1\n", layout: .seed)
                Issue.record("rating \(rating) accepted")
            } catch let error as InputError {
                #expect(error.line == 2)
                #expect(error.field == "Rating")
                #expect(error.message.contains(fragment), "\(error)")
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }

    @Test func readsMovieLensHalfStarsAndTimestamps() throws {
        let (table, _) = try read("ratings.csv", "userId,movieId,rating,timestamp\n1,31,2.5,1260759144\n1,1029,0.5,86400\n", layout: .movieLensCSV)
        #expect(table.halfStars == [5, 1])
        #expect(table.days == [UInt16(1_260_759_144 / 86_400), 1])
    }

    @Test func readsMovieLensUData() throws {
        let (table, _) = try read("u.data", "196\t242\t3\t881250949\n186\t302\t3\t891717742\n", layout: .movieLensUData)
        #expect(table.customerIds == [196, 186])
        #expect(table.movieIds == [242, 302])
        #expect(table.halfStars == [6, 6])
    }

    @Test func reportsMissingFieldsWithTheLine() {
        do {
            _ = try read("u.data", "196\t242\t3\t881250949\n186\t302\n", layout: .movieLensUData)
            Issue.record("accepted a short line")
        } catch let error as InputError {
            #expect(error.line == 2)
            #expect(error.message.contains("expected 4 fields, found 2"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func skipsBadLinesWhenAsked() throws {
        let (table, result) = try read("data_cleaned.csv", "Cust_Id,Rating,Movie_Id\n1,3.0,1\n2,,1\n3,4.0,\n4,5.0,2\n", layout: .seed, policy: .skip)
        #expect(table.customerIds == [1, 4])
        #expect(result.skipped.count == 2)
        #expect(result.skipped.examples.map(\.field) == ["Rating", "Movie_Id"])
    }
}
