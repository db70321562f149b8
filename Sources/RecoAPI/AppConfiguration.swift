/// Everything `buildApplication` needs, from the command line and the environment.
struct AppConfiguration: Sendable {
    var modelPath: String
    var moviesPath: String?
    var host = "127.0.0.1"
    var port = 4000
    var adminToken: AdminToken?
}
