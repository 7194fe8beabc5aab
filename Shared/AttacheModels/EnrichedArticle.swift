import Foundation

/// An article with what enrichment found in it (`attache.enriched-article.v1`), the value
/// of `articles.enriched`, keyed by the article id.
public struct EnrichedArticle: SchemaRecord, Hashable {
    public static let schemaName = SchemaName.enrichedArticle

    public var schema: SchemaName = EnrichedArticle.schemaName
    public var article: ArticleSummary
    /// Stated and derived figures, in text order.
    public var figures: [Figure]
    /// The deltas this article contributed to (within the article; cross-article deltas
    /// appear on `trade.deltas`).
    public var deltas: [TradeDelta]
    public var anniversaries: [Anniversary]
    /// When the article was enriched. Deterministic for a given input (the article's
    /// `receivedAt`), so a replay yields the same value.
    public var enrichedAt: Date

    public init(
        article: ArticleSummary, figures: [Figure], deltas: [TradeDelta],
        anniversaries: [Anniversary], enrichedAt: Date
    ) {
        self.article = article
        self.figures = figures
        self.deltas = deltas
        self.anniversaries = anniversaries
        self.enrichedAt = enrichedAt
    }
}
