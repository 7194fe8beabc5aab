import AttacheKafka
import AttacheModels

/// An embedded broker (librdkafka's mock cluster, real Kafka protocol on loopback) with
/// every Attache topic at its partition count (`Topics.all`), plus `extra` topics.
public func brokerWithTopics(_ topics: Topics = Topics(), extra: [NewTopic] = []) throws -> EmbeddedBroker {
    let broker = try EmbeddedBroker()
    try broker.createTopics(topics.all.map { NewTopic(name: $0.name, partitions: $0.partitions) } + extra)
    return broker
}
