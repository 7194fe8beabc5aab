/// The `schema` value and header of every record Attache writes.
///
/// The version is part of the name: adding optional fields keeps it, renaming or retyping a
/// field needs a new one.
public enum SchemaName: String, Sendable, CaseIterable, Codable {
    case article = "attache.article.v1"
    case rejection = "attache.rejection.v1"
    case enrichedArticle = "attache.enriched-article.v1"
    case tradeObservation = "attache.trade-observation.v1"
    case tradeDelta = "attache.trade-delta.v1"
    case anniversary = "attache.anniversary.v1"
    case ledgerEntry = "attache.ledger-entry.v1"
    case notification = "attache.notification.v1"
}

/// A record value that names its schema.
public protocol SchemaRecord: Codable, Sendable {
    /// The schema every value of this type carries.
    static var schemaName: SchemaName { get }
}
