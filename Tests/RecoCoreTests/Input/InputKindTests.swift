@testable import RecoCore
import Testing
import TestSupport

@Suite struct InputKindTests {
    let directory = TemporaryDirectory()

    @Test func recognisesEveryFormatByItsFirstLine() throws {
        let cases: [(String, String, InputKind)] = [
            ("combined_data_1.txt", "1:\n1,3,2005-09-06\n", .netflixRatings),
            ("movie_titles.csv", "1,2003,Dinosaur Planet\n", .movieTitles(.netflix)),
            ("titles-null.csv", "1,NULL,Something\n", .movieTitles(.netflix)),
            ("data_cleaned.csv", "Cust_Id,Rating,Movie_Id\n", .delimitedRatings(.seed)),
            ("data_reco.csv", "Movie_Id,Year,Name\n", .movieTitles(.seed)),
            ("ratings.csv", "userId,movieId,rating,timestamp\n", .delimitedRatings(.movieLensCSV)),
            ("movies.csv", "movieId,title,genres\n", .movieTitles(.movieLensCSV)),
            ("u.data", "196\t242\t3\t881250949\n", .delimitedRatings(.movieLensUData)),
            ("u.item", "1|Toy Story (1995)|01-Jan-1995||http://x|0|0\n", .movieTitles(.movieLensItem)),
        ]
        for (name, text, kind) in cases {
            let detected = try InputKind.detect(path: directory.file(name, text))
            #expect(detected == kind, "\(name)")
        }
    }

    @Test func emptyAndUnknownFilesGetClearErrors() {
        let empty = directory.file("empty.txt", "")
        #expect { try InputKind.detect(path: empty) } throws: { ($0 as? InputError)?.code == .empty }
        let unknown = directory.file("notes.txt", "hello world\n")
        #expect { try InputKind.detect(path: unknown) } throws: { ($0 as? InputError)?.code == .unknownFormat }
        #expect { try InputKind.detect(path: directory.path + "/missing") } throws: { ($0 as? InputError)?.code == .unreadable }
    }
}
