import ArgumentParser

/// The port an HTTP service listens on by default.
public protocol ListenDefaults {
    static var port: Int { get }
}

/// `--host` and `--port` of an HTTP service; port 0 lets the system choose.
public struct ListenOptions<Defaults: ListenDefaults>: ParsableArguments {
    @Option(help: "Address to listen on.")
    public var host = "127.0.0.1"

    @Option(help: "Port to listen on (0: one the system chooses).")
    public var port = Defaults.port

    public init() {}

    public func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be 0...65535") }
    }
}
