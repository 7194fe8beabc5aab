// swift-tools-version:6.1
// Attache: Kafka microservices that turn news about bilateral relations into trade
// figures, trade deltas, anniversaries and notifications.
//
// Layout (see README.md, "Changing Attache"):
//   Shared/    librdkafka system library, the Swift Kafka layer, the shared models, the runtime
//   Services/  Ingest, Enrichment (pure parsing/extraction targets beside their services),
//              and the `attache` command
//   Tests/     unit tests per module and integration tests over the embedded broker
import PackageDescription

let package = Package(
    name: "Attache",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "attache", targets: ["Attache"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        // Already part of Hummingbird's graph; used directly for graceful HTTP shutdown.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.0.0"),
        // The notifier's receivers and routes file (YAML, with line numbers for errors).
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        // One metrics system: swift-metrics (already in Hummingbird's graph) into a Prometheus
        // registry served at /metrics.
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.1.0"),
    ],
    targets: [
        // librdkafka from the system (Debian: librdkafka-dev), with its mock cluster header.
        .systemLibrary(
            name: "CRdKafka",
            path: "Shared/CRdKafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]
        ),
        // The records of docs/architecture.md §2, stable ids, topic names and record headers. Pure.
        .target(name: "AttacheModels", dependencies: ["CSHA256"], path: "Shared/AttacheModels"),
        // SHA-256 block compression with the x86 SHA extensions, chosen at run time (stable ids).
        .target(name: "CSHA256", path: "Shared/CSHA256"),
        // The Swift Kafka layer: producer, consumer, transactions, admin, embedded broker.
        .target(
            name: "AttacheKafka",
            dependencies: ["CRdKafka", .product(name: "Logging", package: "swift-log")],
            path: "Shared/AttacheKafka"
        ),
        // What every service runs on: configuration, logging, metrics, health/readiness
        // HTTP endpoints, shutdown on signals.
        .target(
            name: "AttacheRuntime",
            dependencies: [
                "AttacheKafka", "AttacheModels",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            path: "Shared/AttacheRuntime"
        ),
        // Ingest: the pure article parser, and the service around it.
        .target(name: "ArticleParsing", dependencies: ["AttacheModels"], path: "Services/Ingest/Parsing"),
        .target(
            name: "Ingest",
            dependencies: [
                "ArticleParsing", "AttacheModels", "AttacheKafka", "AttacheRuntime",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Services/Ingest/Service"
        ),
        // Enrichment: the pure extraction engine (figures, periods, changes, deltas,
        // anniversaries), and the Kafka service around it.
        .target(name: "Extraction", dependencies: ["AttacheModels"], path: "Services/Enrichment/Extraction"),
        // Scoring the extractor against an annotated corpus (`attache eval`).
        .target(
            name: "Evaluation",
            dependencies: ["Extraction", "ArticleParsing", "AttacheModels"],
            path: "Services/Enrichment/Evaluation"
        ),
        .target(
            name: "Enrichment",
            dependencies: [
                "Extraction", "AttacheModels", "AttacheKafka", "AttacheRuntime",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Services/Enrichment/Service",
            exclude: ["README.md"]
        ),
        // Notifier: rules over the enriched topics, routes, receivers (console, file, signed webhooks).
        .target(
            name: "Notifier",
            dependencies: [
                "AttacheModels", "AttacheKafka", "AttacheRuntime",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            path: "Services/Notifier"
        ),
        // The `attache` command.
        .executableTarget(
            name: "Attache",
            dependencies: [
                "AttacheModels", "AttacheKafka", "AttacheRuntime", "ArticleParsing", "Ingest",
                "Extraction", "Evaluation", "Enrichment", "Notifier",
                // `bench pipeline` measures librdkafka directly beside the Kafka layer.
                "CRdKafka",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Services/Attache"
        ),

        // What the test modules share: a broker with Attache's topics, unique names, reading a
        // topic to its end, running a service and stopping it, one seeded generator, a logger.
        .target(
            name: "AttacheTesting",
            dependencies: [
                "AttacheKafka", "AttacheModels", "AttacheRuntime",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/AttacheTesting"
        ),
        .testTarget(name: "ModelsTests", dependencies: ["AttacheModels"], path: "Tests/ModelsTests"),
        .testTarget(
            name: "KafkaTests", dependencies: ["AttacheTesting", "AttacheKafka", "CRdKafka"], path: "Tests/KafkaTests"),
        .testTarget(
            name: "RuntimeTests", dependencies: ["AttacheTesting", "AttacheRuntime", "AttacheKafka", "CRdKafka"],
            path: "Tests/RuntimeTests"),
        .testTarget(
            name: "ParsingTests", dependencies: ["AttacheTesting", "ArticleParsing", "AttacheModels"],
            path: "Tests/ParsingTests"),
        .testTarget(
            name: "ExtractionTests", dependencies: ["AttacheTesting", "Extraction", "AttacheModels"],
            path: "Tests/ExtractionTests"),
        .testTarget(
            name: "EvaluationTests", dependencies: ["Evaluation", "Extraction", "AttacheModels"],
            path: "Tests/EvaluationTests",
            exclude: ["Holdout"]),
        .testTarget(
            name: "IngestTests",
            dependencies: [
                "AttacheTesting", "Ingest", "ArticleParsing", "AttacheKafka", "AttacheModels", "AttacheRuntime",
                "CRdKafka",
            ],
            path: "Tests/IngestTests"
        ),
        .testTarget(
            name: "EnrichmentTests",
            dependencies: [
                "AttacheTesting", "Enrichment", "Extraction", "ArticleParsing", "AttacheKafka", "AttacheModels",
                "AttacheRuntime", "CRdKafka",
            ],
            path: "Tests/EnrichmentTests"
        ),
        .testTarget(
            name: "NotifierTests",
            dependencies: [
                "AttacheTesting", "Notifier", "AttacheKafka", "AttacheModels", "AttacheRuntime", "CRdKafka",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Tests/NotifierTests"
        ),
    ]
)
