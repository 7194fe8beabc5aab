import ArticleParsing
import AttacheKafka
import AttacheModels
import AttacheRuntime
import Foundation
import Logging

/// `attache ingest PATH...|-`: publishes articles from files, directories and stdin.
public enum FileIngest {
    /// Writes the progress line to standard error.
    public static let stderrProgress: @Sendable (IngestProgress) -> Void = { progress in
        FileHandle.standardError.write(Data((progress.line + "\n").utf8))
    }

    /// An input that does not exist or cannot be read.
    public struct InputError: Error, CustomStringConvertible {
        /// What is wrong with which path.
        public var description: String
    }

    /// Publishes every article of `paths` to `articles.parsed` (rejections to
    /// `articles.rejected`) with awaited delivery and returns the summary.
    ///
    /// - A directory is read recursively: its `*.txt`, `*.json` and `*.ndjson` files, sorted
    ///   by path. A file named explicitly is read whatever its extension.
    /// - `-` reads standard input (origin `stdin`); files have origin `file:PATH`.
    /// - `.txt` is one article in the seed format; `.ndjson` is one JSON article per line;
    ///   `.json`, stdin and other files are detected: JSON (one object, or one object per
    ///   line when several lines start with `{`) or the seed format.
    /// - Duplicates are ids published recently by this process (`recent`).
    /// - Throws when an input cannot be read (before publishing anything) or Kafka does not
    ///   acknowledge a record; rejections do not stop the run.
    /// - Against the embedded broker (which drops the oldest records of a partition beyond
    ///   5 MiB, read or not), waits while `articles.parsed` holds too many bytes that
    ///   `readerGroup` (the enrichment service's group) has not read yet: see
    ///   `ReaderBackPressure`. Nil `readerGroup` turns the wait off.
    public static func run(
        paths: [String], options: ServiceOptions, settings: IngestSettings = IngestSettings(),
        recent: RecentIDs = .shared, readerGroup: String? = FileIngest.defaultReaderGroup,
        progress: @escaping @Sendable (IngestProgress) -> Void = FileIngest.stderrProgress,
        logger: Logger
    ) async throws -> IngestSummary {
        let inputs = try expand(paths)
        var backPressure: ReaderBackPressure?
        if let readerGroup, try await EmbeddedBroker.isEmbedded(options.kafka) {
            backPressure = try ReaderBackPressure(
                config: options.kafka, topic: options.topics.parsed, group: readerGroup, logger: logger)
            logger.info(
                "the broker is the embedded one: waiting for group \(readerGroup) whenever \(options.topics.parsed) nears its 5 MiB per partition"
            )
        }
        let producer = try KafkaProducer(config: options.kafka, logger: logger)
        let publisher = ArticlePublisher(producer: producer, topics: options.topics, recent: recent)
        do {
            let summary = try await publish(
                inputs, publisher: publisher, settings: settings, backPressure: backPressure,
                progress: progress, logger: logger)
            await offCooperativePool { producer.close() }
            await backPressure?.close()
            return summary
        } catch {
            await offCooperativePool { producer.close() }
            await backPressure?.close()
            throw error
        }
    }

    /// The consumer group that reads `articles.parsed`: the enrichment service's
    /// (`attache-enrichment`), unless `ATTACHE_INGEST_READER_GROUP` names another.
    public static var defaultReaderGroup: String {
        ProcessInfo.processInfo.environment["ATTACHE_INGEST_READER_GROUP"] ?? "attache-enrichment"
    }

    /// The most bytes (estimated) a window of records may hold when `ReaderBackPressure`
    /// is on, so that each wait asks for little room.
    static let backPressureWindowBytes = 1 << 20

    /// Publishes already expanded inputs through `publisher` (used by `run`, and by callers
    /// that own a producer, e.g. `attache demo`).
    public static func publish(
        _ inputs: [Input], publisher: ArticlePublisher, settings: IngestSettings = IngestSettings(),
        backPressure: ReaderBackPressure? = nil,
        progress: @escaping @Sendable (IngestProgress) -> Void = FileIngest.stderrProgress,
        logger: Logger
    ) async throws -> IngestSummary {
        let started = ContinuousClock.now
        let parser = ArticleParser(maxBytes: settings.maxBytes)
        var summary = IngestSummary()
        var lastReport = started
        var sinceReport = 0
        // Results wait in a window (across inputs, so many small files are not sent one
        // by one) and are published concurrently within it, kept in input order.
        var window: [(Result<Article, Rejection>, IngestChannel)] = []
        var windowBytes = 0
        func flush() async throws {
            guard !window.isEmpty else { return }
            let batch = window
            window.removeAll(keepingCapacity: true)
            try await backPressure?.waitForRoom(upcomingBytes: windowBytes)
            windowBytes = 0
            let publications = try await withThrowingTaskGroup(of: (Int, Publication).self) { group in
                for (index, (result, channel)) in batch.enumerated() {
                    group.addTask { (index, try await publisher.publish(result, traceparent: nil, channel: channel)) }
                }
                var out = [Publication?](repeating: nil, count: batch.count)
                for try await (index, publication) in group { out[index] = publication }
                return out.map { $0! }
            }
            for publication in publications {
                backPressure?.published(
                    topic: publication.topic, partition: publication.partition, recordBytes: publication.recordBytes)
                if let rejection = publication.rejection {
                    summary.rejections.append(
                        .init(origin: rejection.origin, reason: rejection.reason, detail: rejection.detail))
                    logger.info("rejected \(rejection.origin): \(rejection.reason): \(rejection.detail)")
                } else {
                    if publication.duplicate { summary.duplicates += 1 } else { summary.accepted += 1 }
                    summary.ids.append(publication.id)
                }
            }
            sinceReport += batch.count
            let now = ContinuousClock.now
            if sinceReport >= 1_000 || now - lastReport >= .seconds(2) {
                progress(
                    IngestProgress(
                        inputs: summary.inputs, accepted: summary.accepted, duplicates: summary.duplicates,
                        rejected: summary.rejected, seconds: (now - started).seconds))
                sinceReport = 0
                lastReport = now
            }
        }
        for input in inputs {
            summary.inputs += 1
            let bytes = try input.read()
            for result in parse(bytes, input: input, parser: parser, receivedAt: Date()) {
                window.append((result, input.channel))
                windowBytes += estimatedRecordBytes(result)
                if window.count >= 512 || (backPressure != nil && windowBytes >= backPressureWindowBytes) {
                    try await flush()
                }
            }
        }
        try await flush()
        summary.seconds = (ContinuousClock.now - started).seconds
        summary.waitedSeconds = backPressure?.waited.seconds ?? 0
        return summary
    }

    /// About the bytes of the record a parse result becomes (JSON escapes, the other fields,
    /// key and headers), for `ReaderBackPressure`.
    static func estimatedRecordBytes(_ result: Result<Article, Rejection>) -> Int {
        switch result {
        case .success(let article): article.text.utf8.count * 2 + (article.title?.utf8.count ?? 0) + 800
        case .failure(let rejection): rejection.payload.utf8.count + rejection.detail.utf8.count + 600
        }
    }

    /// One input: a file or standard input.
    public enum Input: Sendable, Hashable {
        /// A file, by path.
        case file(String)
        /// Standard input (`-`).
        case stdin

        /// `file:PATH` or `stdin`.
        public var origin: String {
            switch self {
            case .file(let path): "file:\(path)"
            case .stdin: "stdin"
            }
        }

        var channel: IngestChannel {
            switch self {
            case .file: .file
            case .stdin: .stdin
            }
        }

        func read() throws -> [UInt8] {
            switch self {
            case .file(let path):
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw InputError(description: "cannot read \(path)")
                }
                return Array(data)
            case .stdin:
                return Array(FileHandle.standardInput.readDataToEndOfFile())
            }
        }
    }

    /// The extensions read from directories.
    public static let extensions: Set<String> = ["txt", "json", "ndjson"]

    /// Files, directories (recursively, `*.txt|*.json|*.ndjson`, sorted) and `-`, in the
    /// order given. Throws for a path that does not exist.
    public static func expand(_ paths: [String]) throws -> [Input] {
        var inputs: [Input] = []
        let fm = FileManager.default
        for path in paths {
            if path == "-" {
                inputs.append(.stdin)
                continue
            }
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw InputError(description: "\(path): no such file or directory")
            }
            guard isDirectory.boolValue else {
                inputs.append(.file(path))
                continue
            }
            guard let enumerator = fm.enumerator(atPath: path) else {
                throw InputError(description: "cannot list the directory \(path)")
            }
            var found: [String] = []
            while let relative = enumerator.nextObject() as? String {
                let ext = (relative as NSString).pathExtension.lowercased()
                guard extensions.contains(ext) else { continue }
                let full = (path as NSString).appendingPathComponent(relative)
                var isDir: ObjCBool = false
                if fm.fileExists(atPath: full, isDirectory: &isDir), !isDir.boolValue { found.append(full) }
            }
            inputs += found.sorted().map(Input.file)
        }
        return inputs
    }

    /// The parse results of one input.
    static func parse(_ bytes: [UInt8], input: Input, parser: ArticleParser, receivedAt: Date) -> [Result<
        Article, Rejection
    >] {
        let origin = input.origin
        var ext = ""
        if case .file(let path) = input { ext = (path as NSString).pathExtension.lowercased() }
        switch ext {
        case "txt":
            return [parser.parse(.seedText(bytes), origin: origin, receivedAt: receivedAt)]
        case "ndjson", "jsonl":
            return parser.parseBatch(ndjson: bytes, origin: origin, receivedAt: receivedAt)
        default:
            if ArticleParser.looksLikeJSON(bytes) && isNDJSON(bytes) {
                return parser.parseBatch(ndjson: bytes, origin: origin, receivedAt: receivedAt)
            }
            return [parser.parse(raw: bytes, origin: origin, receivedAt: receivedAt)]
        }
    }

    /// True when at least two non-blank lines and every non-blank line starts with `{`.
    static func isNDJSON(_ bytes: [UInt8]) -> Bool {
        var lines = 0
        var atLineStart = true
        for byte in bytes {
            if byte == 0x0A { atLineStart = true; continue }
            if atLineStart {
                if byte == 0x20 || byte == 0x09 || byte == 0x0D { continue }
                if byte != UInt8(ascii: "{") { return false }
                lines += 1
                atLineStart = false
            }
        }
        return lines >= 2
    }
}
