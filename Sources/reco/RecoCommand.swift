import ArgumentParser

@main
struct RecoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reco",
        abstract: "Offline side of the movie recommender: make or prepare rating data, train and evaluate models.",
        subcommands: [SynthCommand.self, PrepareCommand.self, TrainCommand.self, EvaluateCommand.self, TuneCommand.self, RecommendCommand.self, BrokerCommand.self, MeasureCommand.self, FitRankerCommand.self, ModelsCommand.self, AuditCommand.self])
}
