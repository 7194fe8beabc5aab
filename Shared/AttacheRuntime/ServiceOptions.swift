import AttacheKafka
import AttacheModels
import Foundation

/// The settings every service reads from flags and `ATTACHE_*` environment variables
/// (flags win). Kafka properties pass through from `ATTACHE_KAFKA_*` (e.g.
/// `ATTACHE_KAFKA_SECURITY_PROTOCOL=SASL_SSL` sets `security.protocol`) and from
/// `--kafka-property name=value`.
public struct ServiceOptions: Sendable {
    /// Bootstrap servers; from `--brokers`, `ATTACHE_BROKERS`, or `.attache/bootstrap`.
    public var brokers: String
    public var topics: Topics
    /// Port of `/healthz`, `/readyz`, `/metrics` (and, for ingest, the article API).
    public var httpPort: Int
    /// Address the HTTP server binds.
    public var httpHost: String
    /// The home country (ISO code) of the articles.
    public var homeCountry: String
    /// Raw librdkafka properties.
    public var kafkaProperties: [String: String]
    /// The consumer group of the service.
    public var groupID: String
    /// Distinguishes instances (transactional ids, logs): `ATTACHE_INSTANCE`, else the host name.
    public var instance: String
    /// How long a shutdown may take (`ATTACHE_SHUTDOWN_TIMEOUT_MS`, default 10 s); Kafka
    /// clients close within half of it (`KafkaConfig.closeTimeoutMs`).
    public var shutdownTimeout: Duration = ShutdownDeadline.defaultTimeout
    /// Where the Kafka clients' statistics go; services set it to their gauges
    /// (`KafkaStatisticsGauges`) when `statisticsIntervalMs` is above 0.
    public var statistics: KafkaStatisticsReceiver?
    /// How often librdkafka's statistics become gauges (`ATTACHE_KAFKA_STATISTICS_MS`); 0 is
    /// off. Off unless set, except in `attache serve` and `attache dev` (5 s): librdkafka keeps
    /// per-message accounting while statistics are on, which costs a few percent of a
    /// producer's throughput (see docs/architecture.md §9).
    public var statisticsIntervalMs = 0

    /// The interval `attache serve` and `attache dev` use unless the environment says otherwise.
    public static func statisticsInterval(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        default value: Int
    ) throws -> Int {
        guard let text = environment["ATTACHE_KAFKA_STATISTICS_MS"] else { return value }
        guard let ms = Int(text), ms >= 0 else {
            throw OptionsError(
                "ATTACHE_KAFKA_STATISTICS_MS=\(text) is not a number of milliseconds (0 turns statistics off)")
        }
        return ms
    }

    public init(
        brokers: String, topics: Topics = Topics(), httpPort: Int = 8080, httpHost: String = "0.0.0.0",
        homeCountry: String = "KZ", kafkaProperties: [String: String] = [:], groupID: String,
        instance: String = ProcessInfo.processInfo.hostName
    ) {
        self.brokers = brokers
        self.topics = topics
        self.httpPort = httpPort
        self.httpHost = httpHost
        self.homeCountry = homeCountry
        self.kafkaProperties = kafkaProperties
        self.groupID = groupID
        self.instance = instance
    }

    /// Reads the environment, then applies explicit values (from flags) over it.
    public static func resolve(
        service: String, brokers: String?, httpPort: Int?, kafkaProperties: [String] = [],
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> ServiceOptions {
        guard let servers = brokers ?? environment["ATTACHE_BROKERS"] ?? BootstrapFile.read() else {
            throw OptionsError(
                "no Kafka brokers given: pass --brokers host:port, set ATTACHE_BROKERS, or start `attache broker` (which writes \(BootstrapFile.path))"
            )
        }
        var options = ServiceOptions(brokers: servers, groupID: environment["ATTACHE_GROUP_ID"] ?? "attache-\(service)")
        options.topics = Topics(prefix: environment["ATTACHE_TOPIC_PREFIX"] ?? "")
        if let port = httpPort {
            options.httpPort = port
        } else if let text = environment["ATTACHE_HTTP_PORT"] {
            guard let port = Int(text), (0...65535).contains(port) else {
                throw OptionsError("ATTACHE_HTTP_PORT=\(text) is not a port number (0-65535)")
            }
            options.httpPort = port
        }
        if let host = environment["ATTACHE_HTTP_HOST"] { options.httpHost = host }
        if let home = environment["ATTACHE_HOME_COUNTRY"] { options.homeCountry = home.uppercased() }
        if let instance = environment["ATTACHE_INSTANCE"] { options.instance = instance }
        options.shutdownTimeout = try ShutdownDeadline.timeout(environment: environment)
        options.statisticsIntervalMs = try ServiceOptions.statisticsInterval(environment: environment, default: 0)
        options.kafkaProperties = kafkaPropertiesFromEnvironment(environment)
        for pair in kafkaProperties {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw OptionsError("--kafka-property '\(pair)' is not of the form name=value")
            }
            options.kafkaProperties[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
        return options
    }

    /// `ATTACHE_KAFKA_SASL_MECHANISM=PLAIN` → `sasl.mechanism=PLAIN`.
    static func kafkaPropertiesFromEnvironment(_ environment: [String: String]) -> [String: String] {
        var properties: [String: String] = [:]
        for (name, value) in environment where name.hasPrefix("ATTACHE_KAFKA_") {
            let property = name.dropFirst("ATTACHE_KAFKA_".count).lowercased().replacingOccurrences(of: "_", with: ".")
            properties[property] = value
        }
        return properties
    }

    /// The Kafka client configuration.
    public var kafka: KafkaConfig {
        let (seconds, attoseconds) = shutdownTimeout.components
        let timeoutMs = Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
        var config = KafkaConfig(
            bootstrapServers: brokers, clientID: "attache-\(groupID)", properties: kafkaProperties,
            closeTimeoutMs: max(100, timeoutMs / 2))
        config.statistics = statistics
        return config
    }

    /// A one-line description for the start-up log, with secrets redacted.
    public var logDescription: String {
        let properties = kafka.redactedProperties.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return
            "brokers=\(brokers) http=\(httpHost):\(httpPort) topicPrefix='\(topics.prefix)' home=\(homeCountry) group=\(groupID) kafka={\(properties.joined(separator: ", "))}"
    }
}

/// A configuration value that cannot be used, with what to do about it.
public struct OptionsError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// `.attache/bootstrap`: where `attache broker` and `attache dev` write the bootstrap
/// servers of the embedded broker, and where other commands look when given none.
public enum BootstrapFile {
    public static let path = ".attache/bootstrap"

    /// The bootstrap servers written there, if the file exists.
    public static func read(directory: String = FileManager.default.currentDirectoryPath) -> String? {
        let url = URL(fileURLWithPath: directory).appendingPathComponent(path)
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }

    /// Writes the bootstrap servers.
    public static func write(_ servers: String, directory: String = FileManager.default.currentDirectoryPath) throws {
        let url = URL(fileURLWithPath: directory).appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try (servers + "\n").write(to: url, atomically: true, encoding: .utf8)
    }

    /// Removes the file if it still names `servers` (another broker may have replaced it).
    public static func remove(ifItNames servers: String, directory: String = FileManager.default.currentDirectoryPath) {
        guard read(directory: directory) == servers else { return }
        try? FileManager.default.removeItem(at: URL(fileURLWithPath: directory).appendingPathComponent(path))
    }
}
