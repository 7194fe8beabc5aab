import CRdKafka
import Logging

/// A topic to create on a cluster.
public struct NewTopic: Sendable, Hashable {
    public var name: String
    public var partitions: Int
    public var replicationFactor: Int
    /// Topic configs, e.g. `cleanup.policy=compact`.
    public var configs: [String: String]

    public init(name: String, partitions: Int, replicationFactor: Int = -1, configs: [String: String] = [:]) {
        self.name = name
        self.partitions = partitions
        self.replicationFactor = replicationFactor
        self.configs = configs
    }
}

/// Topic administration on a real cluster through Kafka's Admin API. (The embedded broker
/// has no admin API: `EmbeddedBroker.createTopics` does it through the mock API.)
public final class KafkaAdmin: @unchecked Sendable {
    private let handle: OpaquePointer
    private let context: ClientContext

    public init(config: KafkaConfig, logger: Logger = Logger(label: "attache.kafka.admin")) throws(KafkaError) {
        context = ClientContext(logger: logger, bootstrapServers: config.bootstrapServers)
        let conf = try config.makeConf(defaults: [])
        context.install(on: conf)
        var errstr = errorBuffer()
        guard let handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf, &errstr, errstr.count) else {
            rd_kafka_conf_destroy(conf)
            throw KafkaError.local(text(ofBuffer: errstr), operation: "create Kafka admin client")
        }
        self.handle = handle
    }

    deinit {
        rd_kafka_destroy(handle)
    }

    /// Every topic of the cluster with its partition count.
    public func topics(timeoutMs: Int = 10_000) async throws(KafkaError) -> [String: Int] {
        let handle = KafkaHandle(raw: handle)
        let hint = context.unreachableHint
        return try await BlockingExecutor.run { () throws(KafkaError) in
            try Metadata.topics(handle: handle.raw, timeoutMs: timeoutMs, hint: hint)
        }
    }

    /// The cluster's id (asks the cluster; fails with a clear error when no broker answers).
    public func clusterID(timeoutMs: Int = 10_000) async throws(KafkaError) -> String {
        let handle = KafkaHandle(raw: handle)
        let hint = context.unreachableHint
        return try await BlockingExecutor.run { () throws(KafkaError) in
            guard let id = rd_kafka_clusterid(handle.raw, Int32(timeoutMs)) else {
                throw KafkaError(RD_KAFKA_RESP_ERR__TIMED_OUT, operation: "fetch the cluster id", hint: hint)
            }
            defer { rd_kafka_mem_free(handle.raw, id) }
            return String(cString: id)
        }
    }

    /// Creates topics; ones that exist already are left as they are. Returns the names
    /// that were created.
    @discardableResult
    public func createTopics(_ topics: [NewTopic], timeoutMs: Int = 30_000) async throws(KafkaError) -> [String] {
        let handle = KafkaHandle(raw: handle)
        let hint = context.unreachableHint
        return try await BlockingExecutor.run { () throws(KafkaError) in
            try KafkaAdmin.create(topics, handle: handle.raw, timeoutMs: timeoutMs, hint: hint)
        }
    }

    private static func create(_ topics: [NewTopic], handle: OpaquePointer, timeoutMs: Int, hint: String)
        throws(KafkaError) -> [String]
    {
        var newTopics: [OpaquePointer?] = []
        defer { newTopics.forEach { rd_kafka_NewTopic_destroy($0) } }
        for topic in topics {
            var errstr = errorBuffer()
            guard
                let newTopic = rd_kafka_NewTopic_new(
                    topic.name, Int32(topic.partitions), Int32(topic.replicationFactor),
                    &errstr, errstr.count)
            else {
                throw KafkaError.local(text(ofBuffer: errstr), operation: "describe new topic \(topic.name)")
            }
            newTopics.append(newTopic)
            for (name, value) in topic.configs.sorted(by: { $0.key < $1.key }) {
                let err = rd_kafka_NewTopic_set_config(newTopic, name, value)
                if err != RD_KAFKA_RESP_ERR_NO_ERROR {
                    throw KafkaError(err, operation: "set \(name) on topic \(topic.name)")
                }
            }
        }
        let queue = rd_kafka_queue_new(handle)
        defer { rd_kafka_queue_destroy(queue) }
        let options = rd_kafka_AdminOptions_new(handle, RD_KAFKA_ADMIN_OP_CREATETOPICS)
        defer { rd_kafka_AdminOptions_destroy(options) }
        var errstr = errorBuffer()
        _ = rd_kafka_AdminOptions_set_request_timeout(options, Int32(timeoutMs), &errstr, errstr.count)
        rd_kafka_CreateTopics(handle, &newTopics, newTopics.count, options, queue)
        guard let event = rd_kafka_queue_poll(queue, Int32(timeoutMs) + 1_000) else {
            throw KafkaError(RD_KAFKA_RESP_ERR__TIMED_OUT, operation: "create topics", hint: hint)
        }
        defer { rd_kafka_event_destroy(event) }
        let err = rd_kafka_event_error(event)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError(err, operation: "create topics", hint: hint)
        }
        var created: [String] = []
        var count = 0
        guard let result = rd_kafka_event_CreateTopics_result(event),
            let results = rd_kafka_CreateTopics_result_topics(result, &count)
        else { return created }
        for i in 0..<count {
            let name = String(cString: rd_kafka_topic_result_name(results[i]))
            let topicErr = rd_kafka_topic_result_error(results[i])
            switch topicErr {
            case RD_KAFKA_RESP_ERR_NO_ERROR: created.append(name)
            case RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS: break
            default: throw KafkaError(topicErr, operation: "create topic \(name)")
            }
        }
        return created
    }
}
