@testable import RecoCore
import Testing
import TestSupport

@Suite struct MovieCatalogTests {
    @Test func csvRoundTripsTitlesWithCommasQuotesAndAccents() throws {
        let directory = TemporaryDirectory()
        let catalog = MovieCatalog([
            Movie(id: 3, year: 1997, title: "Amélie, \"The\" Café"),
            Movie(id: 1, year: nil, title: "Plain"),
        ])
        let path = directory.path + "/movies.csv"
        try catalog.write(to: path)
        #expect(String(decoding: directory.bytes("movies.csv"), as: UTF8.self).hasPrefix("Movie_Id,Year,Name\n1,,Plain\n3,1997,\"Amélie, \"\"The\"\" Café\"\n"))
        let loaded = try MovieCatalog.load(path: path)
        #expect(loaded[3] == catalog[3])
        #expect(loaded[1] == catalog[1])
        #expect(loaded[2] == nil)
    }

    @Test func laterEntriesReplaceEarlierOnes() {
        var catalog = MovieCatalog([Movie(id: 1, year: 2000, title: "Old")])
        catalog.insert(Movie(id: 1, year: 2001, title: "New"))
        #expect(catalog.count == 1)
        #expect(catalog[1]?.title == "New")
    }
}
