import Foundation
import Prometheus
import StreamKit
import RecoCore
import Synchronization

/// The service's Prometheus metrics, in a registry of its own so that tests see them too.
/// Labels are bounded: route templates (never raw paths), methods and status codes.
final class APIMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    private let modelInfo = Mutex<Gauge?>(nil)
    private let loadSeconds: Gauge
    private let loadedAt: Gauge
    private let customers: Gauge
    private let movies: Gauge
    private let reloadFailures: Counter
    private let foldIns: Counter
    private let overlayCustomers: Gauge
    private let overlayEvictions: Gauge
    private let followLag: Gauge
    private let scoreCacheCustomers: Gauge
    private let scoreCacheEvictions: Gauge
    private let scanPasses: Gauge
    private let scanLists: Gauge
    /// The request series seen so far (bounded like their labels).
    private let requestSeries = Mutex<[RequestSeries: (requests: Counter, latency: DurationHistogram)]>([:])

    private struct RequestSeries: Hashable {
        let route: String
        let method: String
        let status: Int
    }

    static let latencyBuckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
        .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1),
    ]

    init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        func descriptor(_ name: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
            MetricNameDescriptor(namespace: "reco", subsystem: "model", metricName: name, unitName: unit, helpText: help)
        }
        loadSeconds = registry.makeGauge(descriptor: descriptor("load", "seconds", "Time the current model took to read, verify and load."))
        loadedAt = registry.makeGauge(descriptor: descriptor("loaded", "timestamp_seconds", "When the current model was loaded (Unix time)."))
        customers = registry.makeGauge(descriptor: descriptor("customers", "count", "Customers in the current model."))
        movies = registry.makeGauge(descriptor: descriptor("movies", "count", "Movies in the current model."))
        reloadFailures = registry.makeCounter(descriptor: descriptor("reload_failures", "total", "Model loads that failed and left the previous model serving."))
        func online(_ name: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
            MetricNameDescriptor(namespace: "reco", subsystem: "online", metricName: name, unitName: unit, helpText: help)
        }
        foldIns = registry.makeCounter(descriptor: online("fold_ins", "total", "Watch events folded into the overlay (rate: fold-ins per second)."))
        overlayCustomers = registry.makeGauge(descriptor: online("overlay_customers", "count", "Customers with watches in the overlay."))
        overlayEvictions = registry.makeGauge(descriptor: online("overlay_evictions", "total", "Customers evicted from the overlay (least recently active first)."))
        scoreCacheCustomers = registry.makeGauge(descriptor: online("score_cache_customers", "count", "Customers whose folded EASE scores the served model keeps."))
        scoreCacheEvictions = registry.makeGauge(descriptor: online("score_cache_evictions", "total", "Customers evicted from the served model's score cache (least recently active first)."))
        scanPasses = registry.makeGauge(descriptor: MetricNameDescriptor(namespace: "reco", subsystem: "serving", metricName: "scan_passes", unitName: "total",
                                                                         helpText: "Passes over the served model's movie factors (each serves up to 8 concurrent lists)."))
        scanLists = registry.makeGauge(descriptor: MetricNameDescriptor(namespace: "reco", subsystem: "serving", metricName: "scan_lists", unitName: "total",
                                                                        helpText: "Lists made by those passes: scan_lists / scan_passes is the mean batch."))
        followLag = registry.makeGauge(descriptor: online("lag", "messages", "Messages of the watch log not read yet (-1 while unknown)."))
    }

    /// Counts and times one request under its route template.
    func recordRequest(route: String, method: String, status: Int, duration: Duration) {
        let key = RequestSeries(route: route, method: method, status: status)
        let series = requestSeries.withLock { $0[key] } ?? makeRequestSeries(key)
        series.requests.increment()
        series.latency.record(duration)
    }

    /// The registry's lookup builds the metric's name and checks its help text on every call
    /// (a tenth of a cheap route's CPU at 15,000 req/s): each series is looked up once.
    private func makeRequestSeries(_ key: RequestSeries) -> (requests: Counter, latency: DurationHistogram) {
        let series = (
            requests: registry.makeCounter(
                descriptor: MetricNameDescriptor(namespace: "reco", subsystem: "http", metricName: "requests", unitName: "total",
                                                 helpText: "HTTP requests by route template, method and status."),
                labels: [("route", key.route), ("method", key.method), ("status", String(key.status))]),
            latency: registry.makeDurationHistogram(
                descriptor: MetricNameDescriptor(namespace: "reco", subsystem: "http", metricName: "request_duration", unitName: "seconds",
                                                 helpText: "HTTP request latency by route template and method."),
                labels: [("route", key.route), ("method", key.method)], buckets: Self.latencyBuckets))
        requestSeries.withLock { $0[key] = series }
        return series
    }

    func modelLoaded(_ model: ServingModel) {
        loadSeconds.set(to: model.loadSeconds)
        loadedAt.set(to: model.loadedAt.timeIntervalSince1970)
        customers.set(to: Double(model.file.customerCount))
        movies.set(to: Double(model.file.movieCount))
        // One info series for the version being served; the previous one is removed.
        let gauge = registry.makeGauge(
            descriptor: MetricNameDescriptor(namespace: "reco", subsystem: "model", metricName: "info", unitName: "",
                                             helpText: "The model version being served (value 1)."),
            labels: [("version", model.version)])
        gauge.set(to: 1.0)
        let previous = modelInfo.withLock { slot -> Gauge? in
            defer { slot = gauge }
            return slot
        }
        if let previous, previous !== gauge { registry.unregisterGauge(previous) }
    }

    func folded(_ count: Int) {
        if count > 0 { foldIns.increment(by: Int64(count)) }
    }

    func followerUpdated(lag: Int64?, overlay: OnlineOverlay, scoreCache: FoldedScoreCache?) {
        followLag.set(to: Double(lag ?? -1))
        scoreCacheCustomers.set(to: Double(scoreCache?.count ?? 0))
        scoreCacheEvictions.set(to: Double(scoreCache?.evictions ?? 0))
        overlayCustomers.set(to: Double(overlay.count))
        overlayEvictions.set(to: Double(overlay.evictions))
    }

    /// `reco_stream_lost_events_total{service="reco-api",topic,partition}`, as the stream services count it.
    func lost(_ gap: StreamGap) {
        gap.count(in: registry, service: "reco-api")
    }

    func reloadFailed() {
        reloadFailures.increment()
    }

    /// The registry as Prometheus text, with the served model's scan batching counted up to now.
    func text(serving: ServingModel?) -> [UInt8] {
        if let counts = serving?.batcher.counts {
            scanPasses.set(to: Double(counts.passes))
            scanLists.set(to: Double(counts.lists))
        }
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}
