@testable import RecoCore
import Testing
import TestSupport

@Suite struct MovieTitlesReaderTests {
    let directory = TemporaryDirectory()

    @Test func netflixTitlesSplitOnTheFirstTwoCommasAndDecodeLatin1() throws {
        var bytes = Array("1,2003,Dinosaur Planet\n2,NULL,Crouching Tiger, Hidden Dragon\n3,1997,Am".utf8)
        bytes += [0xE9] + Array("lie, \"The\" Caf".utf8) + [0xE9, 0x0D, 0x0A]
        let path = directory.file("movie_titles.csv", bytes: bytes)
        let movies = try MovieTitlesReader(path: path, format: .netflix).read().movies
        #expect(movies == [
            Movie(id: 1, year: 2003, title: "Dinosaur Planet"),
            Movie(id: 2, year: nil, title: "Crouching Tiger, Hidden Dragon"),
            Movie(id: 3, year: 1997, title: "Amélie, \"The\" Café"),
        ])
    }

    @Test func netflixTitlesAlreadyInUTF8AreKept() throws {
        let path = directory.file("movie_titles.csv", "4,2001,Amélie\n")
        #expect(try MovieTitlesReader(path: path, format: .netflix).read().movies == [Movie(id: 4, year: 2001, title: "Amélie")])
    }

    @Test func windows1252PunctuationIsDecoded() throws {
        let path = directory.file("movie_titles.csv", bytes: Array("5,2000,It".utf8) + [0x92] + Array("s".utf8))
        #expect(try MovieTitlesReader(path: path, format: .netflix).read().movies.first?.title == "It\u{2019}s")
    }

    @Test func netflixTitleErrorsNameTheLine() {
        let path = directory.file("movie_titles.csv", "1,2003,Fine\n2,20x3,Broken\n")
        #expect {
            try MovieTitlesReader(path: path, format: .netflix).read()
        } throws: { error in
            guard let error = error as? InputError else { return false }
            return error.line == 2 && error.field == "YearOfRelease"
        }
    }

    @Test func seedTitlesHaveDecimalYearsEmptyYearsAndQuotedNames() throws {
        let path = directory.file("data_reco.csv", "Movie_Id,Year,Name\n1,2003.0,Dinosaur Planet\n2,,\"Isle of Man, TT \"\"2004\"\"\"\n")
        let movies = try MovieTitlesReader(path: path, format: .seed).read().movies
        #expect(movies == [Movie(id: 1, year: 2003, title: "Dinosaur Planet"), Movie(id: 2, year: nil, title: "Isle of Man, TT \"2004\"")])
    }

    @Test func seedTitlesMustBeUTF8() {
        let path = directory.file("data_reco.csv", bytes: Array("Movie_Id,Year,Name\n1,2003.0,Caf".utf8) + [0xE9, 0x0A])
        #expect {
            try MovieTitlesReader(path: path, format: .seed).read()
        } throws: { error in
            guard let error = error as? InputError else { return false }
            return error.line == 2 && error.message.contains("UTF-8")
        }
    }

    @Test func movieLensTitlesCarryTheYearInParentheses() throws {
        let path = directory.file("movies.csv", "movieId,title,genres\n1,Toy Story (1995),Adventure|Animation\n11,\"American President, The (1995)\",Comedy\n99,Untitled,Drama\n")
        let movies = try MovieTitlesReader(path: path, format: .movieLensCSV).read().movies
        #expect(movies == [Movie(id: 1, year: 1995, title: "Toy Story"), Movie(id: 11, year: 1995, title: "American President, The"),
                           Movie(id: 99, year: nil, title: "Untitled")])
    }

    @Test func movieLensItemIsPipeSeparatedLatin1() throws {
        let path = directory.file("u.item", bytes: Array("1|Toy Story (1995)|01-Jan-1995||http://x|0|0\n2|Cit".utf8) + [0xE9] + Array(" (1992)|x|y|z|0\n".utf8))
        let movies = try MovieTitlesReader(path: path, format: .movieLensItem).read().movies
        #expect(movies == [Movie(id: 1, year: 1995, title: "Toy Story"), Movie(id: 2, year: 1992, title: "Cité")])
    }

    @Test func controlBytesAreRejected() {
        let path = directory.file("movie_titles.csv", bytes: Array("1,2003,Bad".utf8) + [0x00, 0x01] + Array("\n".utf8))
        #expect(throws: InputError.self) { try MovieTitlesReader(path: path, format: .netflix).read() }
    }
}
