import ArgumentParser
import AttacheRuntime
import Foundation
import Ingest
import Logging

/// `attache ingest PATH...|-`: publish articles to a broker.
struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Publish articles (files, directories, or - for standard input) to articles.parsed.",
        discussion: """
            .txt files are one article in the seed format (first line ' date YYYY-MM-DD '), .ndjson files one JSON \
            article per line, other files are detected. Bad input is published to articles.rejected with its reason \
            and listed in the summary; the exit status is 1 when anything was rejected. Against the embedded broker, \
            which keeps only 5 MiB per partition, it waits whenever articles.parsed holds about 4 MiB not yet read by \
            the enrichment group, so that nothing is dropped.
            """
    )

    @Argument(help: "Files, directories (searched recursively), or - for standard input.")
    var paths: [String]

    @Option(
        help:
            "Embedded broker: the consumer group whose reading of articles.parsed is waited for (ATTACHE_INGEST_READER_GROUP, default attache-enrichment)."
    )
    var readerGroup: String?

    @Flag(
        help:
            "Embedded broker: publish without waiting for the reader (records beyond 5 MiB per partition may be dropped unread)."
    )
    var noReaderWait = false

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        LogSetup.bootstrap()
        let options = try connection.resolve(service: "ingest")
        let settings = try settingsOrValidationError { try IngestSettings.fromEnvironment() }
        let summary: IngestSummary
        do {
            summary = try await FileIngest.run(
                paths: paths, options: options, settings: settings,
                readerGroup: noReaderWait ? nil : (readerGroup ?? FileIngest.defaultReaderGroup),
                logger: Logger(label: "attache.ingest"))
        } catch let error as FileIngest.InputError {
            throw ValidationError(error.description)
        }
        Console.out(summary.description)
        if summary.rejected > 0 { throw ExitCode(1) }
    }
}
