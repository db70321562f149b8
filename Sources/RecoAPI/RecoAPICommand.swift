import ArgumentParser
import CommandOptions
import Foundation
import Hummingbird
import Logging

@main
struct RecoAPICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reco-api",
        abstract: "HTTP service answering top-N movie recommendations from a model file.",
        discussion: """
            The port opens at once; /health/ready answers 200 once the model is mapped and verified. SIGHUP or POST /v1/admin/reload swaps in the model file again (validated first; a bad file leaves the old model serving). SIGTERM or SIGINT shut down gracefully.

            The admin route is enabled only with a token, from --admin-token-file or the RECO_API_ADMIN_TOKEN environment variable; the token is never logged.

            Routes: / , /health/live, /health/ready, /suggested_movies?Cust_Id=N, /v1/customers/{id}/recommendations, POST /v1/recommendations/batch, /v1/movies/{id}/similar, /v1/model, POST /v1/admin/reload, /metrics, /openapi.json, /docs.
            """)

    @Option(help: "Model file from 'reco train'.")
    var model = "model/svd.recomodel"

    @Option(help: "Movie catalogue (movies.csv from 'reco prepare') for titles and years; 'none' to serve without titles.")
    var movies = "data/prepared/movies.csv"

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port = 4000

    @Option(help: "File holding the admin token that enables POST /v1/admin/reload (default: $RECO_API_ADMIN_TOKEN, else disabled).")
    var adminTokenFile: String?

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be 0...65535") }
    }

    func run() async throws {
        // Debug logs one line per request.
        let logger = logging.bootstrap(label: "reco-api")

        var token: AdminToken?
        if let adminTokenFile {
            guard let text = try? String(contentsOfFile: adminTokenFile, encoding: .utf8), let value = AdminToken(text) else {
                throw ValidationError("cannot read an admin token from \(adminTokenFile)")
            }
            token = value
        } else if let text = ProcessInfo.processInfo.environment["RECO_API_ADMIN_TOKEN"] {
            token = AdminToken(text)
        }
        let configuration = AppConfiguration(
            modelPath: model, moviesPath: movies == "none" ? nil : movies, host: host, port: port, adminToken: token)
        logger.info("starting", metadata: ["api.model": "\(model)", "api.movies": "\(movies)", "api.address": "\(host):\(port)",
                                           "api.admin_reload": "\(token == nil ? "disabled" : "enabled")"])
        let app = buildApplication(configuration, logger: logger)
        try await app.runService()
    }
}
