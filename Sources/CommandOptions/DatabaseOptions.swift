import ArgumentParser

/// `--database-url`, for every executable that talks to PostgreSQL. The URL given, else
/// `DATABASE_URL`, else libpq's `PG*` variables (RecoStore's `DatabaseURL` applies that order);
/// the password is never logged.
public struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("database-url"), help: "PostgreSQL connection URL (postgresql://…; default: $DATABASE_URL, else libpq's PG* variables). Never logged with its password.")
    public var databaseURL: String?

    public init() {}

    /// Whether a database was named, here or in `DATABASE_URL` (for services where it is optional).
    public func isGiven(environment: [String: String]) -> Bool {
        databaseURL != nil || environment["DATABASE_URL"] != nil
    }
}
