/// What an anniversary commemorates.
public enum AnniversaryKind: String, Hashable, Sendable, Codable, CaseIterable {
    case diplomaticRelations = "diplomatic_relations"
    case agreement
    case birth
    case founding
    case other
}

/// The next round-numbered anniversary (the next ordinal divisible by 5).
public struct Milestone: Hashable, Sendable, Codable {
    public var ordinal: Int
    public var year: Int
    /// Set when the base date is known.
    public var date: Day?

    public init(ordinal: Int, year: Int, date: Day?) {
        self.ordinal = ordinal
        self.year = year
        self.date = date
    }
}

/// An anniversary mentioned in an article, resolved to its founding year
/// (`attache.anniversary.v1`), the value of `anniversaries`, keyed by `id`.
public struct Anniversary: SchemaRecord, Hashable {
    public static let schemaName = SchemaName.anniversary

    public var schema: SchemaName = Anniversary.schemaName
    /// Stable: kind + subject + base year (`StableID.anniversary`), so the same anniversary
    /// reported by several articles is one key.
    public var id: String
    public var kind: AnniversaryKind
    /// What is commemorated, e.g. `diplomatic relations between Kazakhstan and Luxembourg`.
    public var subject: String
    /// The countries (codes) or people involved.
    public var parties: [String]
    /// 31 for the 31st anniversary.
    public var ordinal: Int
    /// The year the anniversary falls in.
    public var year: Int
    /// The year of the commemorated event (`year - ordinal`).
    public var baseYear: Int
    /// The day of the event, when the text or the publication date fixes it.
    public var baseDate: Day?
    /// True when the article is published on the anniversary itself.
    public var onPublicationDay: Bool
    public var next: Milestone
    public var span: TextSpan
    public var text: String

    public init(
        kind: AnniversaryKind, subject: String, parties: [String], ordinal: Int, year: Int,
        baseYear: Int, baseDate: Day?, onPublicationDay: Bool, next: Milestone, span: TextSpan, text: String
    ) {
        self.id = StableID.anniversary(kind: kind, subject: subject, baseYear: baseYear)
        self.kind = kind
        self.subject = subject
        self.parties = parties
        self.ordinal = ordinal
        self.year = year
        self.baseYear = baseYear
        self.baseDate = baseDate
        self.onPublicationDay = onPublicationDay
        self.next = next
        self.span = span
        self.text = text
    }
}
