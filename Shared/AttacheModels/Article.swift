import Foundation

/// Where an article's text says it was filed from, e.g. `ASTANA. KAZINFORM –`.
public struct Dateline: Hashable, Sendable, Codable {
    /// The place, as written (`ASTANA`, `NUR-SULTAN`).
    public var place: String
    /// The news agency, when the dateline names one (`KAZINFORM`).
    public var agency: String?

    public init(place: String, agency: String? = nil) {
        self.place = place
        self.agency = agency
    }
}

/// A parsed article (`attache.article.v1`), the value of `articles.parsed`, keyed by `id`.
public struct Article: SchemaRecord, Hashable {
    public static let schemaName = SchemaName.article

    public var schema: SchemaName = Article.schemaName
    /// Stable id: a hash of the normalised text (see `StableID.article`), so the same
    /// article submitted twice has the same id.
    public var id: String
    /// The publication date from the ` date YYYY-MM-DD ` line.
    public var published: Day
    /// The title, when the text opens with one.
    public var title: String?
    /// The dateline, when the text has one.
    public var dateline: Dateline?
    /// The source, e.g. an image credit such as `gov.kz`.
    public var source: String?
    /// The normalised text (NFC, plain spaces, straight dashes and quotes kept as written).
    /// Every `TextSpan` of the downstream records indexes this string.
    public var text: String
    /// The paragraphs, as spans of `text`.
    public var paragraphs: [TextSpan]
    /// The countries mentioned: ISO 3166-1 alpha-2 codes, plus `EU`, sorted.
    public var countries: [String]
    /// When Attache received the article.
    public var receivedAt: Date
    /// How it arrived: `http`, `file:PATH`, `stdin`, or `kafka:TOPIC/PARTITION/OFFSET`.
    public var origin: String

    public init(
        id: String, published: Day, title: String?, dateline: Dateline?, source: String?,
        text: String, paragraphs: [TextSpan], countries: [String], receivedAt: Date, origin: String
    ) {
        self.id = id
        self.published = published
        self.title = title
        self.dateline = dateline
        self.source = source
        self.text = text
        self.paragraphs = paragraphs
        self.countries = countries
        self.receivedAt = receivedAt
        self.origin = origin
    }

    /// The article without its text and paragraphs, as carried by `EnrichedArticle`.
    public var summary: ArticleSummary {
        ArticleSummary(
            id: id, published: published, title: title, dateline: dateline, source: source,
            countries: countries, receivedAt: receivedAt, origin: origin)
    }
}

/// An `Article` without `text` and `paragraphs`.
public struct ArticleSummary: Hashable, Sendable, Codable {
    public var id: String
    public var published: Day
    public var title: String?
    public var dateline: Dateline?
    public var source: String?
    public var countries: [String]
    public var receivedAt: Date
    public var origin: String

    public init(
        id: String, published: Day, title: String?, dateline: Dateline?, source: String?,
        countries: [String], receivedAt: Date, origin: String
    ) {
        self.id = id
        self.published = published
        self.title = title
        self.dateline = dateline
        self.source = source
        self.countries = countries
        self.receivedAt = receivedAt
        self.origin = origin
    }
}
