import ArgumentParser
@testable import dashboard
import Testing

/// The dashboard's command line (its pages are tested with PostgreSQL and Chromium in IntegrationTests).
@Suite struct DashboardCommandTests {
    @Test func defaults() throws {
        let command = try DashboardCommand.parse([])
        #expect(command.listen.host == "127.0.0.1" && command.listen.port == 8090)
        #expect(command.minutes == 60 && command.refresh == 30 && command.topic == nil && command.database.databaseURL == nil)
        let given = try DashboardCommand.parse(["--database-url", "postgresql://a@b/c", "--port", "0", "--topic", "t"])
        #expect(given.database.databaseURL == "postgresql://a@b/c" && given.listen.port == 0 && given.topic == "t")
    }

    @Test(arguments: [
        (["--port", "65536"], "--port must be 0...65535"),
        (["--minutes", "0"], "--minutes must be 1 to 1440"),
        (["--refresh", "0"], "--refresh must be positive"),
        (["--databaseurl", "x"], "Unknown option '--databaseurl'"),
    ])
    func badOptionsAreUsageErrorsThatSayWhy(arguments: [String], message: String) {
        do {
            _ = try DashboardCommand.parse(arguments)
            Issue.record("\(arguments) parsed")
        } catch {
            #expect(DashboardCommand.exitCode(for: error) == .validationFailure)
            #expect(DashboardCommand.message(for: error).contains(message), "\(DashboardCommand.message(for: error))")
        }
    }
}
