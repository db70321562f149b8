// swift-tools-version:6.1
import PackageDescription

// Release builds of the numeric code use AVX2 + FMA (every machine of this kind has them);
// RECO_PORTABLE=1 builds a binary for any x86-64 or other CPU instead.
let vectorFlags: [SwiftSetting] = Context.environment["RECO_PORTABLE"] == "1"
    ? []
    : [.unsafeFlags(["-target-cpu", "haswell"], .when(platforms: [.linux], configuration: .release))]

let package = Package(
    name: "reco",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "reco", targets: ["reco"]),
        .executable(name: "reco-api", targets: ["reco-api"]),
        .executable(name: "producer", targets: ["producer"]),
        .executable(name: "consumer", targets: ["consumer"]),
        .executable(name: "dagrun", targets: ["dagrun"]),
        .executable(name: "archiver", targets: ["archiver"]),
        .executable(name: "notifier", targets: ["notifier"]),
        .executable(name: "dashboard", targets: ["dashboard"]),
        .library(name: "RecoCore", targets: ["RecoCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
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
            dependencies: ["CLibPQ", .product(name: "Logging", package: "swift-log")]),

        // librdkafka behind Swift types: producer, consumer, admin, mock cluster.
        .target(
            name: "RecoKafka",
            dependencies: ["CRdKafka", "RecoCore", .product(name: "Logging", package: "swift-log")]),

        // Executables stay thin: parse options, wire, run.
        .executableTarget(
            name: "reco",
            dependencies: [
                "RecoCore", "RecoKafka",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]),
        .executableTarget(
            name: "producer",
            dependencies: [
                "StreamMetrics",
                .product(name: "Prometheus", package: "swift-prometheus"),
                "RecoCore", "RecoKafka",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]),

        .executableTarget(
            name: "reco-api",
            dependencies: [
                "RecoCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            path: "Sources/reco-api"),

        .executableTarget(
            name: "consumer",
            dependencies: [
                "StreamMetrics", "StreamSupport",
                .product(name: "Prometheus", package: "swift-prometheus"),
                "RecoCore", "RecoKafka", "RecoStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]),

        // What the stream services share: recommendation sources, the webhook client.
        .target(
            name: "StreamSupport",
            dependencies: [
                "RecoCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]),
        .target(
            name: "StreamMetrics",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
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
                "RecoArchive", "RecoCore", "RecoKafka", "StreamSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]),
        .executableTarget(
            name: "notifier",
            dependencies: [
                "RecoCore", "RecoKafka", "StreamSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]),
        .executableTarget(
            name: "dashboard",
            dependencies: [
                "RecoCore", "RecoStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]),
        .target(
            name: "DagRun",
            dependencies: [
                .product(name: "Yams", package: "Yams"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "dagrun",
            dependencies: [
                "DagRun",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(name: "DagRunTests", dependencies: ["DagRun", "RecoCore", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "RecoCoreTests", dependencies: ["RecoCore"]),
        .testTarget(
            name: "ConsumerTests",
            dependencies: ["consumer", "RecoKafka", "RecoStore", "RecoCore", "StreamMetrics", "StreamSupport", .product(name: "Logging", package: "swift-log"),
                           .product(name: "AsyncHTTPClient", package: "async-http-client"), .product(name: "NIOCore", package: "swift-nio")]),
        .testTarget(name: "RecoStoreTests", dependencies: ["RecoStore", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "RecoKafkaTests", dependencies: ["RecoKafka", "RecoCore", .product(name: "Logging", package: "swift-log")]),
        .testTarget(
            name: "ProducerTests",
            dependencies: [
                "producer", "RecoKafka", "RecoCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "RecoAPITests",
            dependencies: [
                "reco-api", "RecoCore",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]),
        .testTarget(
            name: "ArchiveTests",
            dependencies: ["RecoArchive", "RecoCore", "RecoKafka", .product(name: "Logging", package: "swift-log")]),
        .testTarget(
            name: "NotifierTests",
            dependencies: [
                "notifier", "StreamSupport", "RecoCore", "RecoKafka",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "DashboardTests",
            dependencies: [
                "dashboard", "RecoStore", "RecoCore",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(name: "SystemLibrariesTests", dependencies: ["CRdKafka", "CLibPQ"]),
    ],
    swiftLanguageModes: [.v6]
)
