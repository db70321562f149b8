import CRdKafka
import Foundation
import Synchronization

/// The one owner of an `rd_kafka_t`: creates it from a configuration and destroys it, and
/// runs the thread that serves its callbacks (`rd_kafka_poll` blocks, so it never runs on
/// Swift's cooperative pool).
///
/// Unchecked Sendable: librdkafka's handle is thread-safe for the calls made through it.
final class RdKafkaHandle: @unchecked Sendable {
    let pointer: OpaquePointer
    let context: ClientContext
    private let retainedContext: Unmanaged<ClientContext>
    private let pollLoop = PollLoop()

    init(type: rd_kafka_type_t, configuration: KafkaConfiguration, context: ClientContext) throws(KafkaError) {
        let conf = try configuration.makeConf()
        let retained = Unmanaged.passRetained(context)
        context.install(on: conf, unmanaged: retained)
        var errorText = [CChar](repeating: 0, count: 512)
        // rd_kafka_new takes the conf only on success.
        guard let handle = rd_kafka_new(type, conf, &errorText, errorText.count) else {
            rd_kafka_conf_destroy(conf)
            retained.release()
            throw .configuration(CString.string(errorText))
        }
        pointer = handle
        self.context = context
        retainedContext = retained
    }

    deinit {
        stopPollThread()
        rd_kafka_destroy(pointer)
        retainedContext.release()
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

    /// Runs a blocking librdkafka call on a thread of its own and awaits it.
    static func blocking<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: body()) }.start()
        }
    }
}

/// Start and stop signals of a poll thread.
private final class PollLoop: Sendable {
    let running = Atomic<Bool>(false)
    let stop = Atomic<Bool>(false)
    let finished = DispatchSemaphore(value: 0)
}
