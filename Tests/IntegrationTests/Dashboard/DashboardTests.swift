import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
@testable import dashboard
import RecoCore
import RecoStore
import Testing
import TestSupport

/// The dashboard over rows of its own topic in the PostgreSQL that scripts/test starts: the
/// page, its exports, and the page rendered by headless Chromium.
@Suite(.serialized) struct DashboardTests {
    static var databaseURL: String? { TestEnvironment.databaseURL }
    static var enabled: Bool { TestEnvironment.databaseEnabled }
    static let nastyTitle = "<script>alert(1)</script> \"Quoted\", & more"

    private var logger: Logger {
        var logger = Logger(label: "dashboard-test")
        logger.logLevel = .error
        return logger
    }

    /// 30 events (10 rows each) and 3 dead letters under a fresh topic.
    private func seed() async throws -> (RecommendationStore, String) {
        let url = try #require(Self.databaseURL, "RECO_TEST_DATABASE_URL is not set")
        let store = RecommendationStore(url: DatabaseURL(url, environment: [:]), logger: logger)
        try await store.migrate()
        let topic = "dash-\(UUID().uuidString.prefix(8))"
        // Movie ids of this test's own, so its titles never meet other tests' in the shared movies table.
        let movies = (1...12).map { MovieRow(movieId: UInt32(900_000 + $0), title: $0 == 7 ? Self.nastyTitle : "Film \($0)", year: 2000 + $0) }
        var lists: [RecommendationList] = []
        for event in 0..<30 {
            let ids = (1...10).map { UInt32(900_000 + (event + $0) % 12 + 1) }
            lists.append(RecommendationList(topic: topic, partition: Int32(event % 2), offset: Int64(event / 2), eventIndex: 0, eventId: "e-\(event)",
                                            customerId: UInt32(500 + event), watchedMovieId: 900_001, watchedAt: "2026-11-25T18:00:00Z",
                                            movieIds: ids, scores: (1...10).map { 4.5 - Double($0) / 10 }, modelVersion: "v-test", coldStart: false))
        }
        try await store.write(lists, movies: movies)
        try await store.recordDeadLetters((0..<3).map {
            DeadLetterRow(topic: topic, partition: 0, offset: Int64(100 + $0), deadLetterTopic: topic + ".dlq",
                          reason: $0 == 0 ? "not_json" : "missing_field", error: "bad message \($0)")
        })
        try await store.recordGaps([StreamGapRow(service: "consumer", topic: topic, partition: 1, firstOffset: 15, lastOffset: 41, policy: "fail")])
        return (store, topic)
    }

    private func application(_ store: RecommendationStore, topic: String) -> some ApplicationProtocol {
        let routes = DashboardRoutes(readModel: DashboardReadModel(store: store, topic: topic), options: .init(), logger: logger)
        return Application(router: routes.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
    }

    @Test(.enabled(if: enabled))
    func pageShowsTheFiguresAsSelfContainedEscapedHTML() async throws {
        let (store, topic) = try await seed()
        try await application(store, topic: topic).test(.router) { client in
            let html = try await client.execute(uri: "/dashboard", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                return String(buffer: response.body)
            }
            #expect(html.contains("<div class=\"tile\" id=\"tile-events\"><div class=\"value\">30</div>"))
            #expect(html.contains("<div class=\"tile\" id=\"tile-recommendations\"><div class=\"value\">300</div>"))
            #expect(html.contains("<div class=\"tile alert\" id=\"tile-dead_letters\"><div class=\"value\">3</div>"))
            #expect(html.contains("<div class=\"tile alert\" id=\"tile-lost_events\"><div class=\"value\">27</div>"))
            #expect(html.contains("\(topic)/1/15…41") && html.contains("Gaps in the stream"))
            // Two charts of 60 minute bars; this minute holds every event.
            #expect(html.components(separatedBy: "<svg").count - 1 == 2)
            #expect(html.components(separatedBy: "<rect").count - 1 == 120)
            #expect(html.contains(": 30</title></rect>") && html.contains(": 300</title></rect>"))
            // Database text is escaped; nothing runs and nothing loads from elsewhere.
            #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &quot;Quoted&quot;, &amp; more"))
            #expect(!html.contains("<script"))
            #expect(!html.contains("src=") && !html.contains("<link") && !html.contains("@import"))
            #expect(html.contains("not_json") && html.contains("missing_field"))
            for table in ["per_minute", "most_recommended", "latest", "dead_letters", "dead_letters_by_reason", "stream_gaps", "recommendations"] {
                #expect(html.contains("href=\"/dashboard/exports/\(table).csv\""), "no CSV export link for \(table)")
                #expect(html.contains("href=\"/dashboard/exports/\(table).json\""), "no JSON export link for \(table)")
            }
        }
    }

    @Test(.enabled(if: enabled))
    func exportsGiveEachTableAsCSVAndJSON() async throws {
        let (store, topic) = try await seed()
        try await application(store, topic: topic).test(.router) { client in
            let csv = try await client.execute(uri: "/dashboard/exports/most_recommended.csv", method: .get) { response in
                #expect(response.headers[.contentType] == "text/csv; charset=utf-8")
                return String(buffer: response.body)
            }
            let lines = csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }
            #expect(lines.first == "movie_id,title,year,times,customers,mean_score")
            #expect(lines.count == 13)
            #expect(csv.contains("\"<script>alert(1)</script> \"\"Quoted\"\", & more\""))

            let json = try await client.execute(uri: "/dashboard/exports/recommendations.json?limit=25", method: .get) { response in
                String(buffer: response.body)
            }
            let rows = try #require(try JSONParser.parse(Array(json.utf8)).array)
            #expect(rows.count == 25)
            #expect(rows.first?["topic"]?.string == topic)
            #expect(rows.first?["rank"]?.number != nil)

            let letters = try await client.execute(uri: "/dashboard/exports/dead_letters_by_reason.json", method: .get) { String(buffer: $0.body) }
            #expect(letters == "[\n{\"reason\":\"missing_field\",\"messages\":2},\n{\"reason\":\"not_json\",\"messages\":1}\n]\n")
            let perMinute = try await client.execute(uri: "/dashboard/exports/per_minute.csv", method: .get) { String(buffer: $0.body) }
            #expect(perMinute.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 61)
            let latest = try await client.execute(uri: "/dashboard/exports/latest.csv?limit=5", method: .get) { String(buffer: $0.body) }
            #expect(latest.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 6)

            try await client.execute(uri: "/dashboard/exports/passwords.csv", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/dashboard/exports/latest.xml", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/dashboard/exports/latest.csv?limit=0", method: .get) { #expect($0.status == .badRequest) }
            try await client.execute(uri: "/health", method: .get) { #expect($0.status == .ok) }
        }
    }

    // MARK: - A real browser

    static var chromium: String? { Chromium.path }
    static var browserEnabled: Bool { enabled && (chromium != nil || ProcessInfo.processInfo.environment["RECO_REQUIRE_BROWSER"] != nil) }

    @Test(.enabled(if: browserEnabled))
    func chromiumRendersThePageAndItsExports() async throws {
        let (store, topic) = try await seed()
        try await application(store, topic: topic).test(.live) { client in
            let port = try #require(client.port)
            let base = "http://127.0.0.1:\(port)"
            // The DOM as the browser built it: both charts, the tiles and the escaped title.
            let (status, dom) = try await Chromium.run(["--dump-dom", base + "/dashboard"])
            #expect(status == 0)
            #expect(dom.contains("Reco pipeline dashboard"))
            #expect(dom.components(separatedBy: "<svg").count - 1 == 2)
            #expect(dom.components(separatedBy: "<rect").count - 1 == 120)
            #expect(dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(!dom.contains("<script>alert"))
            #expect(dom.contains("id=\"table-most_recommended\""))

            // A JSON export opens in the browser (CSV exports download, as text/csv should).
            let (_, json) = try await Chromium.run(["--dump-dom", base + "/dashboard/exports/dead_letters_by_reason.json"])
            #expect(json.contains("{\"reason\":\"missing_field\",\"messages\":2}"))

            // A screenshot: Chromium laid the page out and painted it.
            let screenshot = NSTemporaryDirectory() + "reco-dashboard-\(UUID().uuidString.prefix(8)).png"
            let (shotStatus, _) = try await Chromium.run(["--window-size=1280,1600", "--screenshot=\(screenshot)", base + "/dashboard"])
            #expect(shotStatus == 0)
            let png = try Data(contentsOf: URL(fileURLWithPath: screenshot))
            #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
            #expect(png.count > 20_000)
        }
    }
}
