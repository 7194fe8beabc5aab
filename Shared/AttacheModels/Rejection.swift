import Foundation

/// Input Attache could not accept (`attache.rejection.v1`), the value of
/// `articles.rejected`, keyed by submission id.
public struct Rejection: SchemaRecord, Hashable, Error {
    public static let schemaName = SchemaName.rejection
    /// Payloads are cut to this many bytes.
    public static let maxPayloadBytes = 64 * 1024

    public var schema: SchemaName = Rejection.schemaName
    /// A short code a program can switch on: `missing_date_line`, `invalid_date`, `empty_body`,
    /// `invalid_utf8`, `binary_data`, `too_large`, `invalid_json`, `invalid_field`,
    /// `invalid_record`, `unknown_schema`.
    public var reason: String
    /// A sentence a person understands, with line and column where they apply.
    public var detail: String
    /// Where the input came from (as `Article.origin`).
    public var origin: String
    /// The input, cut to 64 KiB (invalid UTF-8 replaced with U+FFFD).
    public var payload: String
    /// When it was rejected.
    public var at: Date
    /// 1-based line of the problem, where it applies.
    public var line: Int?
    /// 1-based column of the problem, where it applies.
    public var column: Int?

    public init(
        reason: String, detail: String, origin: String, payload: some Collection<UInt8>,
        at: Date, line: Int? = nil, column: Int? = nil
    ) {
        self.reason = reason
        self.detail = detail
        self.origin = origin
        var kept = Array(payload.prefix(Rejection.maxPayloadBytes + 1))
        if kept.count > Rejection.maxPayloadBytes {
            // Cut before a UTF-8 sequence that the limit would split (a split one would decode
            // to U+FFFD and push the payload past the limit).
            var end = Rejection.maxPayloadBytes
            while end > Rejection.maxPayloadBytes - 3, kept[end] & 0xC0 == 0x80 { end -= 1 }
            if kept[end] & 0xC0 != 0xC0 { end = Rejection.maxPayloadBytes }
            kept.removeSubrange(end...)
        }
        self.payload = String(decoding: kept, as: UTF8.self)
        self.at = at
        self.line = line
        self.column = column
    }

    /// The submission id and Kafka key: a hash of origin and payload.
    public var key: String { StableID.submission(origin: origin, payload: payload) }
}
