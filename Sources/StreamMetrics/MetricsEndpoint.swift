import Hummingbird
import Logging
import Prometheus
import ServiceLifecycle

/// `GET /metrics` (Prometheus text format) for the stream services, on their optional
/// `--metrics-port`. Runs until its task is cancelled; the service owns its signals.
public struct MetricsEndpoint: Sendable {
    public let registry: PrometheusCollectorRegistry
    public let host: String
    public let port: Int

    public init(registry: PrometheusCollectorRegistry, host: String = "127.0.0.1", port: Int) {
        self.registry = registry
        self.host = host
        self.port = port
    }

    /// Serves `registry` in the background when a port was given; cancel the task to stop. A
    /// port that cannot be bound is logged, not fatal: the service's work matters more.
    public static func start(registry: PrometheusCollectorRegistry, port: Int?, logger: Logger) -> Task<Void, Never>? {
        guard let port else { return nil }
        return Task {
            do {
                try await MetricsEndpoint(registry: registry, port: port).run(logger: logger)
            } catch {
                logger.error("metrics endpoint failed", metadata: ["metrics.port": "\(port)", "metrics.error": "\(error)"])
            }
        }
    }

    public func run(logger: Logger) async throws {
        let router = Router()
        let registry = self.registry
        router.get("/metrics") { _, _ -> Response in
            var text: [UInt8] = []
            registry.emit(into: &text)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: text)))
        }
        router.get("/health") { _, _ in "ok" }
        let app = Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "metrics"), logger: logger)
        logger.info("metrics endpoint", metadata: ["metrics.url": "http://\(host):\(port)/metrics"])
        let group = ServiceGroup(services: [app], gracefulShutdownSignals: [], cancellationSignals: [], logger: logger)
        try await withTaskCancellationHandler {
            try await group.run()
        } onCancel: {
            Task { await group.triggerGracefulShutdown() }
        }
    }
}
