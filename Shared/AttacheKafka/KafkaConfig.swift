import CRdKafka

/// How to reach a Kafka cluster: typed common options plus any librdkafka property passed
/// through as is (CONFIGURATION.md), e.g. `security.protocol=SASL_SSL`, `sasl.mechanism`,
/// `sasl.username`, `sasl.password`, `ssl.ca.location` for a real cluster.
public struct KafkaConfig: Sendable, Hashable {
    /// Comma-separated `host:port` list.
    public var bootstrapServers: String
    /// `client.id`, shown in broker logs and metrics.
    public var clientID: String
    /// How long a produced record may wait for its delivery report before `send` fails
    /// (`message.timeout.ms`). Bounded so that an unreachable cluster gives a timely error.
    public var deliveryTimeoutMs: Int
    /// Raw librdkafka properties, applied last so they override the typed ones.
    public var properties: [String: String]
    /// The longest `close` waits: for a consumer to leave its group, for a producer to
    /// flush. With the cluster unreachable these calls could block for minutes; past this
    /// bound the client is abandoned (what it held uncommitted is read again after restart),
    /// so a service always stops within its shutdown deadline.
    public var closeTimeoutMs: Int
    /// Where librdkafka's statistics go (nil: none are emitted).
    public var statistics: KafkaStatisticsReceiver?

    public init(
        bootstrapServers: String, clientID: String = "attache", deliveryTimeoutMs: Int = 30_000,
        properties: [String: String] = [:], closeTimeoutMs: Int = 5_000
    ) {
        self.bootstrapServers = bootstrapServers
        self.clientID = clientID
        self.deliveryTimeoutMs = deliveryTimeoutMs
        self.properties = properties
        self.closeTimeoutMs = closeTimeoutMs
    }

    /// Words that mark a property as secret: its value never appears in logs or errors.
    static let secretMarkers = ["password", "secret", "key", "token", "jaas", "credentials"]

    /// Whether a property holds a secret (`sasl.password`, `ssl.key.pem`, ...).
    public static func isSecret(_ name: String) -> Bool {
        let lower = name.lowercased()
        // File locations are paths, not secrets.
        return secretMarkers.contains { lower.contains($0) } && !lower.hasSuffix(".location")
    }

    /// The properties as they may be logged, secrets replaced by `[redacted]`.
    public var redactedProperties: [String: String] {
        var all = properties
        all["bootstrap.servers"] = bootstrapServers
        all["client.id"] = clientID
        for name in all.keys where KafkaConfig.isSecret(name) { all[name] = "[redacted]" }
        return all
    }

    /// Pass-through properties only a consumer reads. Producer and admin clients leave them
    /// out, so that one `KafkaConfig` serves every client of a service without librdkafka
    /// warning, for each producer, that it ignores them.
    static let consumerOnlyProperties: Set<String> = [
        "fetch.wait.max.ms", "fetch.min.bytes", "fetch.max.bytes", "fetch.error.backoff.ms",
        "max.partition.fetch.bytes", "queued.min.messages", "queued.max.messages.kbytes",
        "auto.offset.reset", "enable.auto.commit", "auto.commit.interval.ms", "isolation.level",
        "session.timeout.ms", "heartbeat.interval.ms", "max.poll.interval.ms", "partition.assignment.strategy",
        "group.instance.id",
    ]

    /// Builds a librdkafka configuration from the typed options, `defaults` (the client
    /// kind's settings) and the pass-through properties, in that order. A client that is
    /// not a consumer skips `consumerOnlyProperties`.
    func makeConf(defaults: [(String, String)], consumer: Bool = false) throws(KafkaError) -> OpaquePointer {
        let conf = rd_kafka_conf_new()!
        var settings: [(String, String)] = [
            ("bootstrap.servers", bootstrapServers),
            ("client.id", clientID),
        ]
        settings += defaults
        if let statistics, properties["statistics.interval.ms"] == nil {
            settings.append(("statistics.interval.ms", String(statistics.intervalMs)))
        }
        settings += properties.sorted { $0.key < $1.key }.filter {
            consumer || !KafkaConfig.consumerOnlyProperties.contains($0.key)
        }
        for (name, value) in settings {
            var errstr = errorBuffer()
            if rd_kafka_conf_set(conf, name, value, &errstr, errstr.count) != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(conf)
                let shown = KafkaConfig.isSecret(name) ? "[redacted]" : value
                throw KafkaError.local(
                    text(ofBuffer: errstr), operation: "set Kafka property \(name)=\(shown)",
                    hint: "see CONFIGURATION.md of librdkafka for valid properties and values")
            }
        }
        return conf
    }
}
