import CRdKafka
import Foundation
import RecoCore
import Synchronization

/// The one owner of an `rd_kafka_t`: creates it from a configuration and destroys it, serves
/// its callbacks on a poll thread, and runs every blocking librdkafka call on its own serial
/// queue (never on Swift's cooperative pool, which has two threads here). All of RecoKafka's C
/// calls on a client go through this type and its extensions.
///
/// Unchecked Sendable: librdkafka's handle is thread-safe for the calls made through it.
package final class RdKafkaHandle: @unchecked Sendable {
    package let pointer: OpaquePointer
    let context: RdKafkaClientContext
    private let retainedContext: Unmanaged<RdKafkaClientContext>
    private let pollLoop = PollLoop()
    /// Blocking calls (consumer poll, commit, flush, metadata, close) take turns here.
    private let calls: DispatchQueue

    package enum Kind {
        case producer, consumer
    }

    package init(type: Kind, configuration: KafkaConfiguration, context: RdKafkaClientContext, label: String) throws(KafkaError) {
        let conf = try configuration.makeConf(for: type)
        let retained = Unmanaged.passRetained(context)
        context.install(on: conf, unmanaged: retained, deliveryReports: type == .producer)
        var errorText = [CChar](repeating: 0, count: 512)
        // rd_kafka_new takes the conf only on success.
        guard let handle = rd_kafka_new(type == .producer ? RD_KAFKA_PRODUCER : RD_KAFKA_CONSUMER, conf, &errorText, errorText.count) else {
            rd_kafka_conf_destroy(conf)
            retained.release()
            throw .configuration(RdKafkaCString.string(errorText))
        }
        pointer = handle
        self.context = context
        retainedContext = retained
        calls = DispatchQueue(label: label)
    }

    deinit {
        stopPollThread()
        rd_kafka_destroy(pointer)
        retainedContext.release()
    }

    /// Runs a blocking librdkafka call on this client's queue and awaits it.
    func blocking<T: Sendable>(_ body: @escaping @Sendable (OpaquePointer) -> T) async -> T {
        let client = SendableClientPointer(pointer: pointer)
        return await withCheckedContinuation { continuation in
            calls.async { continuation.resume(returning: body(client.pointer)) }
        }
    }

    /// Serves delivery reports, errors and logs on a dedicated thread until stopped.
    func startPollThread(name: String) {
        let client = SendableClientPointer(pointer: pointer)
        let loop = pollLoop
        guard !loop.running.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let thread = Thread {
            while !loop.stop.load(ordering: .acquiring) {
                rd_kafka_poll(client.pointer, 100)
            }
            loop.finished.signal()
        }
        thread.name = name
        thread.start()
    }

    func stopPollThread() {
        guard pollLoop.running.exchange(false, ordering: .acquiringAndReleasing) else { return }
        pollLoop.stop.store(true, ordering: .releasing)
        pollLoop.finished.wait()
    }

    /// Asks the cluster for its brokers, waiting up to `timeout`: proves that at least one
    /// bootstrap server answers. Returns the number of brokers.
    func brokerCount(timeout: Duration) async throws(KafkaError) -> Int {
        let milliseconds = Self.milliseconds(timeout)
        let result: Result<Int, KafkaError> = await blocking { client in
            var metadata: UnsafePointer<rd_kafka_metadata>?
            let error = rd_kafka_metadata(client, 0, nil, &metadata, milliseconds)
            guard error == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else { return .failure(KafkaError(error, context: "read cluster metadata")) }
            defer { rd_kafka_metadata_destroy(metadata) }
            return .success(Int(metadata.pointee.broker_cnt))
        }
        return try result.get()
    }

    /// `brokerCount`, with an error that names the servers (the producer's and consumer's start-up check).
    func waitForCluster(servers: String, timeout: Duration) async throws(KafkaError) {
        do {
            _ = try await brokerCount(timeout: timeout)
        } catch {
            throw KafkaError(code: error.code, message: "no Kafka broker answered at \(servers.isEmpty ? "(no bootstrap.servers)" : servers) within \(Decimals.format(timeout.seconds, places: 1)) s (\(error.message))")
        }
    }

    /// Milliseconds for librdkafka's `int timeout_ms` parameters, fractions kept, clamped.
    static func milliseconds(_ duration: Duration) -> Int32 {
        Int32(clamping: duration.wholeMilliseconds)
    }
}

/// Start and stop signals of a poll thread.
private final class PollLoop: Sendable {
    let running = Atomic<Bool>(false)
    let stop = Atomic<Bool>(false)
    let finished = DispatchSemaphore(value: 0)
}

/// An `rd_kafka_t` pointer handed to a queue or thread; the handle that owns it outlives them.
struct SendableClientPointer: @unchecked Sendable {
    let pointer: OpaquePointer
}
