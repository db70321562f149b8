import ArgumentParser
import Foundation
import RecoCore

/// `--movies`: the catalogue that titles and years come from.
public struct CatalogOptions: ParsableArguments {
    public static let defaultPath = "data/prepared/movies.csv"

    @Option(name: .customLong("movies"), help: "Movie catalogue (movies.csv from 'reco prepare') for titles and years; 'none' for none.")
    public var givenPath: String = CatalogOptions.defaultPath

    public init() {}

    /// The catalogue's path; nil for 'none'.
    public var path: String? { givenPath == "none" ? nil : givenPath }

    /// Whether `--movies` was left at its default (which may be absent: then no titles).
    public var isDefault: Bool { givenPath == Self.defaultPath }

    /// The catalogue for tools that can do without titles: empty for 'none' and for the default
    /// path when it is absent; a path that was named must be readable.
    public func loadIfPresent() throws -> MovieCatalog {
        guard let path, !isDefault || FileManager.default.fileExists(atPath: path) else { return MovieCatalog() }
        return try MovieCatalog.load(path: path)
    }
}
