import AttacheRuntime
import Foundation

/// The settings of the ingest service beyond `ServiceOptions`.
public struct IngestSettings: Sendable {
    /// The largest submission accepted, in bytes: an HTTP body (of any content type) above
    /// it is answered 413; a file, a raw record or an NDJSON line above it is rejected as
    /// `too_large`. `ATTACHE_INGEST_MAX_BYTES`, default 1 MiB.
    public var maxBytes: Int
    /// When set, `POST /v1/articles` requires `Authorization: Bearer <token>`.
    /// `ATTACHE_INGEST_TOKEN`. Never logged.
    public var token: String?
    /// How many article ids are remembered for `duplicate` answers (default 100,000).
    public var recentCapacity: Int

    public init(maxBytes: Int = 1 << 20, token: String? = nil, recentCapacity: Int = 100_000) {
        self.maxBytes = maxBytes
        self.token = token
        self.recentCapacity = recentCapacity
    }

    /// Reads `ATTACHE_INGEST_MAX_BYTES` and `ATTACHE_INGEST_TOKEN` (an empty token means none).
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> IngestSettings {
        var settings = IngestSettings()
        if let text = environment["ATTACHE_INGEST_MAX_BYTES"] {
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)), value > 0 else {
                throw OptionsError("ATTACHE_INGEST_MAX_BYTES=\(text) is not a positive number of bytes")
            }
            settings.maxBytes = value
        }
        if let token = environment["ATTACHE_INGEST_TOKEN"], !token.isEmpty { settings.token = token }
        return settings
    }
}
