// swift-tools-version:6.1
import PackageDescription

// Release builds of the numeric code use AVX2 + FMA (every machine of this kind has them);
// RECO_PORTABLE=1 builds a binary for any x86-64 or other CPU instead.
let vectorFlags: [SwiftSetting] = Context.environment["RECO_PORTABLE"] == "1"
    ? []
    : [.unsafeFlags(["-target-cpu", "haswell"], .when(platforms: [.linux], configuration: .release))]

// Linux only: dagrun-shim is a Linux subreaper (prctl), services read /proc, and the C libraries
// come from Debian's packages through pkg-config. No other platform is declared or built.
let package = Package(
    name: "reco",
    products: [
        .executable(name: "reco", targets: ["reco"]),
        .executable(name: "reco-api", targets: ["RecoAPI"]),
        .executable(name: "producer", targets: ["producer"]),
        .executable(name: "consumer", targets: ["consumer"]),
        .executable(name: "dagrun", targets: ["dagrun"]),
        .executable(name: "dagrun-shim", targets: ["dagrun-shim"]),
        .executable(name: "archiver", targets: ["archiver"]),
        .executable(name: "notifier", targets: ["notifier"]),
        .executable(name: "dashboard", targets: ["dashboard"]),
        .library(name: "RecoCore", targets: ["RecoCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.20.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.60.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.0.0"),
    ],
    targets: [
        // C libraries, wrapped only by RecoKafka and RecoStore.
        .systemLibrary(
            name: "CRdKafka", path: "Sources/CRdKafka", pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]),
        .systemLibrary(
            name: "CLibPQ", path: "Sources/CLibPQ", pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]),
        // OpenBLAS + LAPACKE for the ranker's dense solves (EASE's Cholesky inverse).
        .systemLibrary(
            name: "CLinearAlgebra", path: "Sources/CLinearAlgebra", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]),

        // The core: formats, data preparation, models, scoring; dense solves through CLinearAlgebra only.
        .target(name: "RecoCore", dependencies: ["CLinearAlgebra"], swiftSettings: vectorFlags),

        // libpq behind Swift types: connection, bound queries, migrations, the recommendations table.
        .target(
            name: "RecoStore",
            dependencies: ["CLibPQ", "RecoCore", .product(name: "Logging", package: "swift-log")]),

        // librdkafka behind Swift types: producer, consumer, admin. Only its RdKafka* files call C.
        .target(
            name: "RecoKafka",
            dependencies: [
                "CRdKafka", "RecoCore", .product(name: "Crypto", package: "swift-crypto"), .product(name: "Logging", package: "swift-log"),
            ]),

        // Sets the ports librdkafka's mock brokers listen on (its API cannot; see the C file). It
        // defines bind() for the whole process, so only the mock's target links it.
        .target(name: "CMockBrokerPorts", path: "Sources/CMockBrokerPorts"),

        // librdkafka's mock cluster: for `reco broker` and the tests only.
        .target(
            name: "RecoKafkaMock",
            dependencies: ["CRdKafka", "CMockBrokerPorts", "RecoKafka", .product(name: "Logging", package: "swift-log")]),

        // What every executable's command line shares: --log-level and its bootstrap, --database-url,
        // --model, --movies, --host/--port, durations in seconds.
        .target(
            name: "CommandOptions",
            dependencies: [
                "RecoCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),

        // What the stream services share: option groups, the consumer-group loop as a Service,
        // the service group, recommendation sources, the webhook client and the metrics endpoint.
        .target(
            name: "StreamKit",
            dependencies: [
                "CommandOptions", "RecoCore", "RecoKafka",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),

        // Executables stay thin: parse options, wire, run.
        .executableTarget(
            name: "reco",
            dependencies: [
                "CommandOptions", "RecoArchive", "RecoCore", "RecoKafka", "RecoKafkaMock", "RecoStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]),
        // StreamKit only for its Kafka option group (--config, --topic of --follow).
        .executableTarget(
            name: "RecoAPI",
            dependencies: [
                "CommandOptions", "RecoCore", "RecoKafka", "RecoStore", "StreamKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]),
        .executableTarget(
            name: "producer",
            dependencies: [
                "CommandOptions", "RecoKafka", "StreamKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "consumer",
            dependencies: [
                "CommandOptions", "RecoCore", "RecoKafka", "RecoStore", "StreamKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]),
        // The raw-event archive: Kafka Connect S3 sink's layout and rotation, directory and S3 targets.
        .target(
            name: "RecoArchive",
            dependencies: [
                "RecoCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),
        .executableTarget(
            name: "archiver",
            dependencies: [
                "CommandOptions", "RecoArchive", "RecoCore", "RecoKafka", "StreamKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "notifier",
            dependencies: [
                "CommandOptions", "RecoCore", "RecoKafka", "StreamKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]),
        .executableTarget(
            name: "dashboard",
            dependencies: [
                "CommandOptions", "DagEngine", "RecoCore", "RecoStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .target(
            name: "DagEngine",
            dependencies: [
                "RecoCore",
                .product(name: "Yams", package: "Yams"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "dagrun",
            dependencies: [
                "CommandOptions", "DagEngine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        // What dagrun starts each command under: a subreaper that kills everything the command
        // started when it ends or when the runner dies (C: it forks).
        .executableTarget(name: "dagrun-shim"),
        // Helpers every test target shares: test servers' settings, a small model, an in-memory sink, a hook server.
        .target(
            name: "TestSupport",
            dependencies: [
                "RecoCore", "RecoStore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Tests/TestSupport"),

        // Unit tests: no database, no child processes, no browser (Kafka's mock cluster runs in process).
        .testTarget(name: "RecoCoreTests", dependencies: ["RecoCore", "TestSupport"]),
        .testTarget(name: "RecoKafkaTests", dependencies: ["RecoKafka", "RecoKafkaMock", "RecoCore", "TestSupport", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "RecoStoreTests", dependencies: ["RecoStore", .product(name: "Logging", package: "swift-log")]),
        .testTarget(
            name: "StreamKitTests",
            dependencies: [
                "StreamKit", "CommandOptions", "RecoCore", "RecoKafka", "RecoKafkaMock", "TestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .testTarget(name: "ConsumerTests", dependencies: ["consumer", "RecoCore", "RecoKafka", "RecoStore", "StreamKit", "TestSupport"]),
        .testTarget(
            name: "NotifierTests",
            dependencies: ["notifier", "StreamKit", "RecoCore", "RecoKafka", "RecoKafkaMock", "TestSupport", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "ProducerTests", dependencies: ["producer", "StreamKit", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .testTarget(
            name: "RecoAPITests",
            dependencies: [
                "RecoAPI", "RecoCore", "RecoKafka", "RecoKafkaMock", "StreamKit", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]),
        .testTarget(
            name: "RecoArchiveTests",
            dependencies: ["RecoArchive", "RecoCore", "RecoKafka", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "DagEngineTests", dependencies: ["DagEngine", "RecoCore", "TestSupport", .product(name: "Logging", package: "swift-log")]),
        .testTarget(
            name: "RecoKafkaMockTests",
            dependencies: ["RecoKafkaMock", "RecoKafka", "TestSupport", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "SystemLibrariesTests", dependencies: ["CRdKafka", "CLibPQ"]),
        .testTarget(
            name: "CommandOptionsTests",
            dependencies: ["CommandOptions", "RecoCore", "TestSupport",
                           .product(name: "ArgumentParser", package: "swift-argument-parser"), .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "RecoTests", dependencies: ["reco", "RecoCore", "TestSupport", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .testTarget(name: "DagrunTests", dependencies: ["dagrun", "TestSupport", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .testTarget(name: "DashboardTests", dependencies: ["dashboard", .product(name: "ArgumentParser", package: "swift-argument-parser")]),

        // Integration tests: the real PostgreSQL, moto's S3, the built executables as processes, headless Chromium.
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "consumer", "DagEngine", "dashboard", "RecoAPI", "RecoArchive", "RecoCore", "RecoKafka", "RecoKafkaMock", "RecoStore", "StreamKit", "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]),
    ],
    swiftLanguageModes: [.v6]
)
