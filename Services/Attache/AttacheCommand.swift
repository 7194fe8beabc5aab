import ArgumentParser

/// `attache`: one executable for every Attache service and tool.
@main
struct AttacheCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attache",
        abstract:
            "Turn news about bilateral relations into trade figures, deltas, anniversaries and notifications on Kafka.",
        discussion: """
            Configuration comes from flags and ATTACHE_* environment variables; librdkafka properties pass \
            through as ATTACHE_KAFKA_<PROPERTY> (e.g. ATTACHE_KAFKA_SECURITY_PROTOCOL=SASL_SSL) or --kafka-property.
            Commands that need a broker and are given none use .attache/bootstrap, written by `attache broker`.
            """,
        subcommands: [
            DemoCommand.self, DevCommand.self, ServeCommand.self, IngestCommand.self, ExtractCommand.self,
            BrokerCommand.self, TailCommand.self, BenchCommand.self, EvalCommand.self, NotificationsCommand.self,
        ]
    )
}
