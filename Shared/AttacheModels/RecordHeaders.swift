/// The headers every Attache record carries (docs/architecture.md §1).
public enum RecordHeaders {
    public static let contentType = "content-type"
    public static let schema = "schema"
    public static let traceparent = "traceparent"
    public static let json = "application/json"

    /// `content-type` and `schema` for a value of `schema`, plus the `traceparent` of the
    /// record that caused it, when there is one.
    public static func forRecord(_ schema: SchemaName, traceparent: String?) -> [(String, String)] {
        var headers = [(contentType, json), (self.schema, schema.rawValue)]
        if let traceparent { headers.append((self.traceparent, traceparent)) }
        return headers
    }
}
