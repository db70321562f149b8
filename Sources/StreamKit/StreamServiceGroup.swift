import Logging
import Prometheus
import ServiceLifecycle

/// How every stream executable runs: its services in one `ServiceGroup`. SIGINT and SIGTERM
/// start a graceful shutdown, which reaches the services in reverse order, so the main service
/// (listed last) drains, flushes and commits before the services it uses stop. When the main
/// service ends by itself (idle exit, `--count` reached) the group shuts down the same way; when
/// it fails, the group is cancelled and the error is rethrown.
public enum StreamServiceGroup {
    public static func run(_ main: any Service, after supporting: [any Service] = [], logger: Logger) async throws {
        var services = supporting.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) }
        services.append(.init(service: main, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .cancelGroup))
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    /// The metrics endpoint when `--metrics-port` was given.
    public static func metrics(_ options: MonitoringOptions, registry: PrometheusCollectorRegistry, logger: Logger) -> [any Service] {
        guard let port = options.metricsPort else { return [] }
        return [MetricsEndpoint(registry: registry, port: port, logger: logger)]
    }
}
