/// What `reco prepare` reads, how it trims and where it writes.
public struct PreparationOptions: Sendable {
    /// Files or directories; a directory contributes every file in it that is recognised.
    public var inputs: [String]
    public var outputDirectory: String
    /// nil keeps every rating (`--no-trim`).
    public var trimmer: Trimmer?
    public var badLines: BadLinePolicy
    /// Overrides the title files' default encodings.
    public var titlesEncoding: TextEncoding?

    public init(inputs: [String], outputDirectory: String, trimmer: Trimmer? = Trimmer(),
                badLines: BadLinePolicy = .fail, titlesEncoding: TextEncoding? = nil) {
        self.inputs = inputs
        self.outputDirectory = outputDirectory
        self.trimmer = trimmer
        self.badLines = badLines
        self.titlesEncoding = titlesEncoding
    }
}
