import Hummingbird
import Logging
import Prometheus
import ServiceLifecycle

/// `GET /metrics` (Prometheus text format) and `GET /health` on the stream services'
/// `--metrics-port`, as a `Service` of the executable's group. A port that cannot be bound is
/// logged, not fatal: the service's work matters more.
public struct MetricsEndpoint: Service {
    public let registry: PrometheusCollectorRegistry
    public let host: String
    public let port: Int
    let logger: Logger

    public init(registry: PrometheusCollectorRegistry, host: String = "127.0.0.1", port: Int, logger: Logger) {
        self.registry = registry
        self.host = host
        self.port = port
        self.logger = logger
    }

    public func run() async throws {
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
        do {
            try await app.run()
        } catch {
            logger.error("metrics endpoint failed", metadata: ["metrics.port": "\(port)", "metrics.error": "\(error)"])
            // Stay in the group until it shuts down, so the failure does not stop the service's work.
            try? await gracefulShutdown()
        }
    }
}
