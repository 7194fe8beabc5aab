import ArgumentParser
import AttacheRuntime

/// Options shared by the commands that talk to a Kafka cluster.
struct ConnectionOptions: ParsableArguments {
    @Option(name: .long, help: "Bootstrap servers (host:port,...). Default: ATTACHE_BROKERS, else .attache/bootstrap.")
    var brokers: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "A librdkafka property, name=value (repeatable), e.g. security.protocol=SASL_SSL.", valueName: "name=value")
    )
    var kafkaProperty: [String] = []

    /// Resolves the service options for `service`.
    func resolve(service: String, httpPort: Int? = nil) throws -> ServiceOptions {
        do {
            return try ServiceOptions.resolve(
                service: service, brokers: brokers, httpPort: httpPort, kafkaProperties: kafkaProperty)
        } catch let error as OptionsError {
            throw ValidationError(error.description)
        }
    }
}
