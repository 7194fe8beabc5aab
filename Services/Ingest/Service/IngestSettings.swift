import AttacheRuntime
import Foundation

/// The settings of the ingest service beyond `ServiceOptions`.
public struct IngestSettings: Sendable {
    /// The largest submission accepted, in bytes: an HTTP body (of any content type) above
    /// it is answered 413; a file, a raw record or an NDJSON line above it is rejected as
    /// `too_large`. `ATTACHE_INGEST_MAX_BYTES`, default 1 MiB.
    public var maxBytes: Int
    /// The most non-blank lines an NDJSON batch may have; a batch with more is answered 413
    /// (`too_many_lines`) as soon as the line over the limit arrives, before anything is
    /// parsed. `ATTACHE_INGEST_MAX_BATCH`, default 1,000.
    public var maxBatchLines: Int
    /// The most records the HTTP API has waiting for their delivery reports at once, over
    /// all requests. A request that would go over it (or over the producer's local queue)
    /// is answered 503 with `Retry-After` at once, before anything is published.
    /// `ATTACHE_INGEST_MAX_IN_FLIGHT`, default 2,000.
    public var maxInFlight: Int
    /// How long a request body may take to arrive, in total; a slower one is answered 408
    /// and its connection closed. `ATTACHE_INGEST_READ_TIMEOUT_MS`, default 30,000.
    public var readTimeout: Duration
    /// How long a connection may stay without a request, or with a request head arriving
    /// too slowly, before the server closes it. `ATTACHE_INGEST_IDLE_TIMEOUT_MS`, default 30,000.
    public var idleTimeout: Duration
    /// When set, `POST /v1/articles` requires `Authorization: Bearer <token>`.
    /// `ATTACHE_INGEST_TOKEN`. Never logged.
    public var token: String?
    /// How many article ids are remembered for `duplicate` answers (default 100,000).
    public var recentCapacity: Int

    public init(
        maxBytes: Int = 1 << 20, maxBatchLines: Int = 1_000, maxInFlight: Int = 2_000,
        readTimeout: Duration = .seconds(30), idleTimeout: Duration = .seconds(30),
        token: String? = nil, recentCapacity: Int = 100_000
    ) {
        self.maxBytes = maxBytes
        self.maxBatchLines = maxBatchLines
        self.maxInFlight = maxInFlight
        self.readTimeout = readTimeout
        self.idleTimeout = idleTimeout
        self.token = token
        self.recentCapacity = recentCapacity
    }

    /// Reads `ATTACHE_INGEST_MAX_BYTES`, `ATTACHE_INGEST_MAX_BATCH`,
    /// `ATTACHE_INGEST_MAX_IN_FLIGHT`, `ATTACHE_INGEST_READ_TIMEOUT_MS`,
    /// `ATTACHE_INGEST_IDLE_TIMEOUT_MS` and `ATTACHE_INGEST_TOKEN` (an empty token means none).
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> IngestSettings
    {
        var settings = IngestSettings()
        func positive(_ name: String, _ what: String) throws -> Int? {
            guard let text = environment[name] else { return nil }
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)), value > 0 else {
                throw OptionsError("\(name)=\(text) is not a positive number of \(what)")
            }
            return value
        }
        if let value = try positive("ATTACHE_INGEST_MAX_BYTES", "bytes") { settings.maxBytes = value }
        if let value = try positive("ATTACHE_INGEST_MAX_BATCH", "lines") { settings.maxBatchLines = value }
        if let value = try positive("ATTACHE_INGEST_MAX_IN_FLIGHT", "records") { settings.maxInFlight = value }
        if let value = try positive("ATTACHE_INGEST_READ_TIMEOUT_MS", "milliseconds") {
            settings.readTimeout = .milliseconds(value)
        }
        if let value = try positive("ATTACHE_INGEST_IDLE_TIMEOUT_MS", "milliseconds") {
            settings.idleTimeout = .milliseconds(value)
        }
        if let token = environment["ATTACHE_INGEST_TOKEN"], !token.isEmpty { settings.token = token }
        return settings
    }
}
