import Foundation
import Testing

/// The servers `scripts/test` starts for the integration tests, and whether their absence is a
/// failure (`RECO_REQUIRE_*` set: in CI nothing is skipped) or a skip (a developer's quick run).
public enum TestEnvironment {
    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// `RECO_TEST_DATABASE_URL`: a PostgreSQL the tests may create tables in.
    public static var databaseURL: String? { environment["RECO_TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 } }
    public static var databaseEnabled: Bool { databaseURL != nil || environment["RECO_REQUIRE_DATABASE"] != nil }

    /// `RECO_TEST_S3_ENDPOINT`: an S3-compatible server (moto).
    public static var s3Endpoint: String? { environment["RECO_TEST_S3_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 } }
    public static var s3Enabled: Bool { s3Endpoint != nil || environment["RECO_REQUIRE_S3"] != nil }

    public static var browserRequired: Bool { environment["RECO_REQUIRE_BROWSER"] != nil }

    /// `RECO_TEST_AIRFLOW`: the `airflow` executable of an Apache Airflow 3 install (scripts/lib/airflow.sh).
    public static var airflow: String? { environment["RECO_TEST_AIRFLOW"].flatMap { $0.isEmpty ? nil : $0 } }
    public static var airflowEnabled: Bool { airflow != nil || environment["RECO_REQUIRE_AIRFLOW"] != nil }

    /// The database URL, or a recorded failure when a test that needs it runs without it.
    public static func requireDatabase() throws -> String {
        try #require(databaseURL, "RECO_TEST_DATABASE_URL is not set")
    }
}
