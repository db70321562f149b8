import Logging
import ServiceLifecycle
import UnixSignals

/// Loads the model once the server is starting (the port opens at once; readiness follows the
/// load), then reloads it on every SIGHUP until shutdown.
struct ModelLoadingService: Service {
    let models: ModelHolder
    let logger: Logger

    func run() async throws {
        await models.reload(reason: "start")
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            logger.info("SIGHUP: reloading the model")
            await models.reload(reason: "SIGHUP")
        }
    }
}
