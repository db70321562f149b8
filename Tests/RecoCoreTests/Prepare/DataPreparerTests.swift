import Foundation
@testable import RecoCore
import Testing
import TestSupport

@Suite struct DataPreparerTests {
    @Test func preparesADirectoryOfNetflixFiles() throws {
        let input = TemporaryDirectory()
        let output = TemporaryDirectory()
        input.file("combined_data_1.txt", "1:\n10,3,2005-09-06\n11,4,2005-09-06\n2:\n10,5,2005-01-01\n")
        input.file("combined_data_2.txt", "3:\n12,1,2004-03-03\n")
        input.file("movie_titles.csv", bytes: Array("1,2003,Dinosaur Planet\n2,NULL,Isle, Man\n3,1999,Caf".utf8) + [0xE9, 0x0A])
        input.file("notes.txt", "not data\n")
        let report = try DataPreparer(options: PreparationOptions(inputs: [input.path], outputDirectory: output.path, trimmer: nil)).run()
        #expect(report.read.ratings == 4)
        #expect(report.read.customers == 3)
        #expect(report.read.movies == 3)
        #expect(report.kept == report.read)
        #expect(report.titles == 3)
        #expect(report.ignoredFiles == [input.path + "/notes.txt"])
        let dataset = try RatingsStore.load(path: output.path + "/ratings.bin")
        #expect(dataset.count == 4)
        #expect(dataset.fingerprint() == report.dataFingerprint)
        let catalog = try MovieCatalog.load(path: output.path + "/movies.csv")
        #expect(catalog[3]?.title == "Café")
        #expect(catalog[2] == Movie(id: 2, year: nil, title: "Isle, Man"))
        let summary = String(decoding: output.bytes("movie_summary.csv"), as: UTF8.self)
        #expect(summary == "Movie_Id,count,mean\n1,2,3.500000\n2,1,5.000000\n3,1,1.000000\n")
        let json = try JSONDecoder().decode(PreparationReport.self, from: Data(output.bytes("summary.json")))
        #expect(json == report)
    }

    @Test func mixesSeedAndMovieLensInputsOnTheWiderScale() throws {
        let input = TemporaryDirectory()
        let output = TemporaryDirectory()
        let seed = input.file("data_cleaned.csv", "Cust_Id,Rating,Movie_Id\n1,3.0,1\n")
        let lens = input.file("ratings.csv", "userId,movieId,rating,timestamp\n2,1,4.5,0\n")
        let report = try DataPreparer(options: PreparationOptions(inputs: [seed, lens], outputDirectory: output.path, trimmer: nil)).run()
        #expect(report.ratingScale == .movieLens)
        #expect(report.read.ratings == 2)
        #expect(report.keptMoviesWithoutTitle == 1)
    }

    @Test func emptyAndTitleOnlyInputsGetClearMessages() {
        let input = TemporaryDirectory()
        let output = TemporaryDirectory()
        let titles = input.file("movie_titles.csv", "1,2003,Dinosaur Planet\n")
        #expect {
            try DataPreparer(options: PreparationOptions(inputs: [titles], outputDirectory: output.path)).run()
        } throws: { ($0 as? InputError)?.message.contains("no ratings file") == true }
        let onlyHeader = input.file("data_cleaned.csv", "Cust_Id,Rating,Movie_Id\n")
        #expect {
            try DataPreparer(options: PreparationOptions(inputs: [onlyHeader], outputDirectory: output.path)).run()
        } throws: { ($0 as? InputError)?.message == "contains no ratings" }
        #expect {
            try DataPreparer(options: PreparationOptions(inputs: [input.path + "/nope"], outputDirectory: output.path)).run()
        } throws: { ($0 as? InputError)?.code == .unreadable }
    }

    @Test func aBadLineStopsThePreparationWithItsLocation() {
        let input = TemporaryDirectory()
        let output = TemporaryDirectory()
        let path = input.file("combined_data_1.txt", "1:\n10,3,2005-09-06\n11,7,2005-09-06\n")
        #expect {
            try DataPreparer(options: PreparationOptions(inputs: [path], outputDirectory: output.path)).run()
        } throws: { error in
            (error as? InputError)?.description == "\(path):3: field 'Rating': must be a whole number from 1 to 5, got '7'"
        }
        #expect(!FileManager.default.fileExists(atPath: output.path + "/ratings.bin"))
    }

    /// Issue 15 item 12: a byte-order mark or a bad year on the first line of a titles file made
    /// `reco prepare` pass over the file silently (rc 0, no titles).
    @Test func aByteOrderMarkIsReadAndABadTitlesFileIsAnError() throws {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let input = TemporaryDirectory()
        let output = TemporaryDirectory()
        input.file("combined_data_1.txt", bytes: bom + Array("1:\n10,3,2005-09-06\n2:\n11,4,2005-09-06\n".utf8))
        input.file("movie_titles.csv", bytes: bom + Array("1,2003,Dinosaur Planet\n2,1999,Heat\n".utf8))
        let report = try DataPreparer(options: PreparationOptions(inputs: [input.path], outputDirectory: output.path, trimmer: nil)).run()
        #expect(report.ignoredFiles.isEmpty)
        #expect(report.read.ratings == 2)
        #expect(report.titles == 2)
        #expect(report.files.map(\.kind).sorted() == ["Netflix Prize movie titles", "Netflix Prize ratings"])
        let catalog = try MovieCatalog.load(path: output.path + "/movies.csv")
        #expect(catalog[1]?.title == "Dinosaur Planet")

        for first in ["1,19x9,Dinosaur Planet", "\u{FEFF}1,19x9,Dinosaur Planet"] {
            let bad = TemporaryDirectory()
            bad.file("combined_data_1.txt", "1:\n10,3,2005-09-06\n")
            let titles = bad.file("movie_titles.csv", "\(first)\n2,1999,Heat\n")
            #expect {
                try DataPreparer(options: PreparationOptions(inputs: [bad.path], outputDirectory: output.path, trimmer: nil)).run()
            } throws: { error in
                (error as? InputError)?.description.hasPrefix("\(titles):1: field 'YearOfRelease'") == true
            }
        }
    }

    /// Issue 15 item 12: a whole number beyond 2^32 − 1 is out of range, not "not a positive integer".
    @Test func idsBeyondTheRangeSaySo() {
        let input = TemporaryDirectory()
        let output = TemporaryDirectory()
        let path = input.file("combined_data_1.txt", "1:\n1099511627776,3,2005-09-06\n")
        #expect {
            try DataPreparer(options: PreparationOptions(inputs: [path], outputDirectory: output.path)).run()
        } throws: { error in
            (error as? InputError)?.description == "\(path):2: field 'CustomerID': out of range (1 to 4294967295): '1099511627776'"
        }
        let letters = input.file("data_cleaned.csv", "Cust_Id,Rating,Movie_Id\nx1,3.0,1\n")
        #expect {
            try DataPreparer(options: PreparationOptions(inputs: [letters], outputDirectory: output.path)).run()
        } throws: { error in
            (error as? InputError)?.description.hasSuffix("not a positive integer: 'x1'") == true
        }
    }
}
