import ArgumentParser
import CommandOptions
import Foundation
import RecoCore

struct RecommendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recommend",
        abstract: "Print a customer's top movies (or a movie's similar movies) from a model file.")

    @OptionGroup var model: ModelOptions<TrainedModelDefaults>
    @OptionGroup var catalog: CatalogOptions

    @Option(help: "Customer id.")
    var customer: UInt32?

    @Option(help: "Show movies similar to this movie id instead.")
    var similarTo: UInt32?

    @Option(help: "How many movies (1-1000).")
    var limit = 10

    @Flag(help: "Keep movies the customer already rated.")
    var includeRated = false

    @Option(help: "What orders the list: ranker (the model's EASE/iALS; SVD-only files fall back to svd) or svd (predicted rating).")
    var order: Recommender.Ordering = .ranker

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard (customer == nil) != (similarTo == nil) else { throw ValidationError("give --customer or --similar-to") }
        guard (1...Recommender.maximumLimit).contains(limit) else { throw ValidationError("--limit must be 1...1000") }
    }

    func run() throws {
        _ = global.makeLogger(label: "reco.recommend")
        let recommender = Recommender(model: try RecoModel(path: model.modelPath ?? ""))
        let catalog = try self.catalog.loadIfPresent()
        let items: [ScoredMovie]
        if let customer {
            let recommendation = recommender.recommend(customerId: customer, limit: limit, excludeRated: !includeRated, ordering: order)
            print("customer \(customer)\(recommendation.coldStart ? " (unknown to the model: cold start)" : ""), ranked by \(recommendation.rankedBy); score = predicted stars")
            items = recommendation.items
        } else if let similarTo {
            items = try recommender.similarMovies(to: similarTo, limit: limit, ordering: order)
            print("movies similar to \(similarTo) \(catalog[similarTo].map { "(\($0.title))" } ?? "")")
        } else {
            return
        }
        print("rank  movie_id  year  score   title")
        for (rank, item) in items.enumerated() {
            let movie = catalog[item.movieId]
            print("\(pad(rank + 1, 4))  \(pad(Int(item.movieId), 8))  \(movie?.year.map { String($0) } ?? "    ")  \(Decimals.format(Double(item.score), places: 3))  \(movie?.title ?? "?")")
        }
    }
}

extension Recommender.Ordering: ExpressibleByArgument {}
