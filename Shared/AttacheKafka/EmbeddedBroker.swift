import CRdKafka
import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// The embedded broker: librdkafka's mock cluster, which speaks the real Kafka protocol on
/// loopback TCP, so any Kafka client (kcat included) can use it.
///
/// Everything specific to the mock lives here. Its limits (docs/architecture.md §6): at most 5 MiB
/// kept per partition, no compaction, a first group join of about 3 s, no admin API
/// (topics are created through the mock API), and transactions accepted but not enforced
/// (transactional offset commits are not stored).
public final class EmbeddedBroker: @unchecked Sendable {
    private let owner: OpaquePointer
    private let cluster: OpaquePointer
    /// The `host:port` list clients connect to.
    public let bootstrapServers: String
    /// The number of brokers in the cluster.
    public let brokerCount: Int

    /// Starts a cluster of `brokers` brokers on random loopback ports.
    public init(brokers: Int = 1, logger: Logger = Logger(label: "attache.broker")) throws(KafkaError) {
        let conf = rd_kafka_conf_new()!
        var errstr = errorBuffer()
        // The mock cluster lives inside a client instance of its own; keep it quiet.
        _ = rd_kafka_conf_set(conf, "log_level", "3", &errstr, errstr.count)
        guard let owner = rd_kafka_new(RD_KAFKA_PRODUCER, conf, &errstr, errstr.count) else {
            rd_kafka_conf_destroy(conf)
            throw KafkaError.local(text(ofBuffer: errstr), operation: "start the embedded broker")
        }
        guard let cluster = rd_kafka_mock_cluster_new(owner, Int32(brokers)) else {
            rd_kafka_destroy(owner)
            throw KafkaError.local(
                "the mock cluster could not be created", operation: "start the embedded broker",
                hint: "check that loopback TCP ports can be bound")
        }
        self.owner = owner
        self.cluster = cluster
        self.brokerCount = brokers
        self.bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
        let nodelay = EmbeddedBroker.disableNagle(
            listeningOn: Set(
                bootstrapServers.split(separator: ",").compactMap { $0.split(separator: ":").last.flatMap { Int($0) } })
        )
        logger.debug("embedded broker listening at \(bootstrapServers) (TCP_NODELAY on \(nodelay) listeners)")
    }

    /// Sets TCP_NODELAY on the mock's listening sockets (connections accepted from them
    /// inherit it), as a real Kafka broker sets it on its connections; returns how many were
    /// found. The mock leaves Nagle's algorithm on: a response written while the previous
    /// one is not yet acknowledged waits for the client's delayed ACK, up to 40 ms on Linux.
    /// With several requests in flight on a connection (the idempotent producer sends up to
    /// five) that put about 45 ms on every produce and 30 ms on every pipeline hop at 1,000
    /// articles/s (issue 12). The mock offers no setting for it, so its sockets are found
    /// among the process's descriptors by their port.
    private static func disableNagle(listeningOn ports: Set<Int>) -> Int {
        #if os(Linux)
            var on: Int32 = 1
            return listeningSockets(on: ports).filter {
                setsockopt($0, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size)) == 0
            }.count
        #else
            return 0
        #endif
    }

    /// The listening IPv4 sockets of this process bound to one of `ports` (Linux: read from
    /// `/proc/self/fd`; elsewhere none).
    static func listeningSockets(on ports: Set<Int>) -> [Int32] {
        #if os(Linux)
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return [] }
            return names.compactMap { Int32($0) }.filter { fd in
                var listening: Int32 = 0
                var size = socklen_t(MemoryLayout<Int32>.size)
                guard getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &size) == 0, listening != 0 else {
                    return false
                }
                var address = sockaddr_in()
                var length = socklen_t(MemoryLayout<sockaddr_in>.size)
                let named = withUnsafeMutablePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
                }
                return named == 0 && address.sin_family == sa_family_t(AF_INET)
                    && ports.contains(Int(UInt16(bigEndian: address.sin_port)))
            }
        #else
            return []
        #endif
    }

    /// Client settings for the embedded broker. The mock answers a fetch that finds no new
    /// records only when `fetch.wait.max.ms` (librdkafka's default 500) has passed, records
    /// produced meanwhile or not, where a real broker answers as soon as they arrive: each
    /// hop then added up to half a second (measured: p50 0.85 s end to end over the two
    /// consumer hops of the pipeline at 500 articles/s, issue 12). A short wait keeps the
    /// latency of the real thing, at the cost of idle fetches on loopback.
    public static let clientProperties: [String: String] = ["fetch.wait.max.ms": "10"]

    deinit {
        rd_kafka_mock_cluster_destroy(cluster)
        rd_kafka_destroy(owner)
    }

    /// Whether a cluster id is the embedded broker's (librdkafka names its mock clusters
    /// `mockCluster…`), so services can pick the guarantees it supports.
    public static func isEmbedded(clusterID: String) -> Bool {
        clusterID.hasPrefix("mockCluster")
    }

    /// Whether the cluster at `config` is an embedded broker.
    public static func isEmbedded(_ config: KafkaConfig) async throws(KafkaError) -> Bool {
        isEmbedded(clusterID: try await KafkaAdmin(config: config).clusterID())
    }

    /// A client configuration for this broker.
    public var config: KafkaConfig { KafkaConfig(bootstrapServers: bootstrapServers) }

    /// Creates a topic (an existing one is left as it is). Replication is the broker count,
    /// at most 3. The cleanup policy is not enforced: the mock does not compact.
    public func createTopic(_ name: String, partitions: Int) throws(KafkaError) {
        let err = rd_kafka_mock_topic_create(cluster, name, Int32(partitions), Int32(min(brokerCount, 3)))
        if err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS {
            throw KafkaError(err, operation: "create topic \(name) on the embedded broker")
        }
    }

    /// Creates several topics.
    public func createTopics(_ topics: [NewTopic]) throws(KafkaError) {
        for topic in topics { try createTopic(topic.name, partitions: topic.partitions) }
    }

    /// Makes the next `errors.count` requests of Kafka API `apiKey` fail with these codes
    /// (error injection for tests; API keys as in the Kafka protocol, e.g. 0 = Produce,
    /// 26 = EndTxn, 28 = TxnOffsetCommit).
    public func injectErrors(apiKey: Int16, _ errors: [rd_kafka_resp_err_t]) {
        errors.withUnsafeBufferPointer {
            rd_kafka_mock_push_request_errors_array(cluster, apiKey, $0.count, $0.baseAddress)
        }
    }

    /// Forgets the errors still queued for Kafka API `apiKey` by `injectErrors`.
    public func clearInjectedErrors(apiKey: Int16) {
        rd_kafka_mock_clear_request_errors(cluster, apiKey)
    }

    /// A watcher of this cluster's partitions for records it drops before they are read
    /// (`EvictionWatcher`): the mock keeps at most 5 MiB (or 100,000 batches) per partition
    /// and deletes older records without a word.
    public func evictionWatcher(readers: [String: [String]], restored: [String], logger: Logger) -> EvictionWatcher {
        EvictionWatcher(config: config, readers: readers, restored: restored, logger: logger)
    }

    /// Takes every broker down or brings them back (the cluster is unreachable while down).
    public func setAllBrokers(up: Bool) {
        for id in 1...Int32(brokerCount) { setBroker(id, up: up) }
    }

    /// Takes a broker down (its connections close; requests fail) or brings it back.
    public func setBroker(_ id: Int32, up: Bool) {
        if up {
            _ = rd_kafka_mock_broker_set_up(cluster, id)
        } else {
            _ = rd_kafka_mock_broker_set_down(cluster, id)
        }
    }
}
