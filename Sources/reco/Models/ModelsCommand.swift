import ArgumentParser

/// `reco models …`: the model registry and the learning loop's steps.
struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "The model registry: list, show, export the day's watches, gate a candidate, promote, roll back, prune.",
        discussion: """
            A registry directory (--registry, default model/registry) holds every version as <version>.recomodel with <version>.json (parent, cutoff, data, parameters, validation and gate figures, who made it), an append-only history.jsonl of gate decisions, promotions and rollbacks, and 'current', the version served, replaced atomically. 'reco train --registry DIR' adds candidates; reco-api --registry DIR serves 'current' and follows it.

            The daily loop: export-watches (since the current model's cutoff) >> reco train --registry (a candidate, the newest watches held out) >> gate (candidate against current on those watches; on a pass the refit on everything joins the registry; exit 99 when refused, which a DAG takes as 'skip') >> promote --latest-gated.
            """,
        subcommands: [ModelsListCommand.self, ModelsShowCommand.self, ModelsAddCommand.self, ExportWatchesCommand.self, ModelsGateCommand.self,
                      ModelsPromoteCommand.self, ModelsRollbackCommand.self, ModelsPruneCommand.self, ModelsSimulateCommand.self])
}
