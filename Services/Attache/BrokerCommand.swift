import ArgumentParser
import AttacheKafka
import AttacheModels
import AttacheRuntime
import Foundation

/// `attache broker`: the embedded broker alone, in the foreground.
struct BrokerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "broker",
        abstract: "Run the embedded Kafka broker (librdkafka's mock cluster) with Attache's topics.",
        discussion: "Prints the bootstrap servers and writes them to .attache/bootstrap; stops on SIGINT/SIGTERM."
    )

    @Option(help: "Number of brokers in the cluster.")
    var brokers = 1

    @Option(help: "Partitions of each topic.")
    var partitions = 4

    @Option(help: "Prefix of every topic name (ATTACHE_TOPIC_PREFIX).")
    var topicPrefix = ProcessInfo.processInfo.environment["ATTACHE_TOPIC_PREFIX"] ?? ""

    func run() async throws {
        LogSetup.bootstrap()
        let shutdown = ShutdownSignal()
        shutdown.install()
        let broker = try EmbeddedCluster.start(brokers: brokers, partitions: partitions, topics: Topics(prefix: topicPrefix))
        Console.out("embedded broker: \(broker.bootstrapServers)")
        Console.out("topics: \(Topics(prefix: topicPrefix).all.map(\.name).joined(separator: ", "))")
        Console.out("try: kcat -L -b \(broker.bootstrapServers)")
        await shutdown.wait()
        BootstrapFile.remove(ifItNames: broker.bootstrapServers)
        Console.out("embedded broker stopped")
    }
}

/// Starting the embedded broker the way every command that needs one does.
enum EmbeddedCluster {
    /// Starts the mock cluster, creates Attache's topics and writes `.attache/bootstrap`.
    static func start(brokers: Int = 1, partitions: Int = 4, topics: Topics = Topics(), writeBootstrap: Bool = true) throws -> EmbeddedBroker {
        let broker = try EmbeddedBroker(brokers: brokers)
        try broker.createTopics(topics.all.map { NewTopic(name: $0.name, partitions: partitions) })
        if writeBootstrap { try BootstrapFile.write(broker.bootstrapServers) }
        return broker
    }
}
