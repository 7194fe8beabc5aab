import CRdKafka
import Testing

@testable import AttacheKafka

/// One `KafkaConfig` serves every client of a service: consumer-only pass-through properties
/// reach consumers and are left out of producer and admin clients.
@Suite("KafkaConfig")
struct KafkaConfigTests {
    /// The value librdkafka holds for `name` in `conf`, nil when unset.
    func value(_ name: String, in conf: OpaquePointer) -> String? {
        var size = 0
        guard rd_kafka_conf_get(conf, name, nil, &size) == RD_KAFKA_CONF_OK, size > 0 else { return nil }
        var buffer = [CChar](repeating: 0, count: size)
        guard rd_kafka_conf_get(conf, name, &buffer, &size) == RD_KAFKA_CONF_OK else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    @Test("consumer-only properties go to consumers, not to producers")
    func consumerOnly() throws {
        let config = KafkaConfig(
            bootstrapServers: "127.0.0.1:9", properties: ["fetch.wait.max.ms": "10", "linger.ms": "7"])
        let producer = try config.makeConf(defaults: [])
        defer { rd_kafka_conf_destroy(producer) }
        let consumer = try config.makeConf(defaults: [], consumer: true)
        defer { rd_kafka_conf_destroy(consumer) }
        #expect(value("fetch.wait.max.ms", in: consumer) == "10")
        #expect(value("fetch.wait.max.ms", in: producer) != "10")
        #expect(value("linger.ms", in: producer) == "7")
    }
}
