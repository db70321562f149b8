import Logging
import RecoCore
import ServiceLifecycle
import UnixSignals

/// The replica's model life: the first load when the server starts (the port opens at once;
/// readiness follows), then a reload on every SIGHUP, and with `--registry` whenever the
/// registry's `current` names another version (checked every `pollInterval`). Each model's
/// watch-log follower runs in this service's task group; the holder asks for them.
struct ReplicaService: Service {
    let models: ModelHolder
    let logger: Logger
    var pollInterval: Duration = .milliseconds(500)

    func run() async throws {
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask {
                await models.reload(reason: "start")
                try await withThrowingDiscardingTaskGroup { triggers in
                    triggers.addTask { await reloadOnSIGHUP() }
                    if case .registry = models.source { triggers.addTask { await followRegistry() } }
                }
                models.finish()
            }
            for await follower in models.followers.cancelOnGracefulShutdown() {
                group.addTask {
                    do {
                        try await follower.run()
                    } catch {
                        // The served model's reader failing ends the service (as a lost cluster
                        // must); a new version's replay failing only refuses that version.
                        if follower.isActive { throw error }
                        follower.recordFailure(error)
                        logger.error("a new model's replay of the watch log failed", metadata: ["model.version": "\(follower.serving.version)",
                                                                                               "follow.error": "\(error)"])
                    }
                }
            }
            models.finish()
        }
    }

    private func reloadOnSIGHUP() async {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            logger.info("SIGHUP: reloading the model")
            await models.reload(reason: "SIGHUP")
        }
    }

    /// Notices a changed `current` within `pollInterval` and swaps the version in. A version
    /// refused once is not tried again until `current` changes (or a SIGHUP or admin reload asks).
    private func followRegistry() async {
        var refused: String?
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await Task.sleep(for: pollInterval)
            let wanted: String?
            do {
                wanted = try models.wantedVersion()
            } catch {
                if refused != "\(error)" { logger.error("the registry cannot be read", metadata: ["registry.error": "\(error)"]) }
                refused = "\(error)"
                continue
            }
            guard let wanted, wanted != models.serving?.version, wanted != refused else { continue }
            logger.info("the registry's current version changed", metadata: ["model.version": "\(wanted)",
                                                                            "model.serving": "\(models.serving?.version ?? "-")"])
            if case .failed = await models.reload(reason: "registry: current is \(wanted)") { refused = wanted } else { refused = nil }
        }
    }
}
