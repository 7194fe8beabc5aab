import AttacheModels
import Testing

@testable import Extraction

/// `Extraction.deltas(article:)` computes an article's own deltas over short lists
/// (`ArticleDeltas`): they must be those of a fresh `SeriesLedger` fed with the same
/// observations, in the same order, whatever the slots hold.
@Suite("Article deltas")
struct ArticleDeltasTests {
    static func byLedger(_ observations: [TradeObservation]) -> [TradeDelta] {
        SeriesLedger(observations: observations).allDeltas
    }

    @Test func seedsAndVariants() {
        for article in Fixtures.allSeeds {
            var e = Fixtures.extractor.extract(article)
            let own = e.observations(article: article)
            #expect(ArticleDeltas.deltas(own) == Self.byLedger(own))
            #expect(e.deltas(article: article) == Self.byLedger(own))
            // Derived copies (a stated figure beats them), changes reversed, figures a year on.
            e.figures +=
                e.figures.map {
                    var f = $0; f.derived.toggle(); f.amount *= 1.1; return f
                }
                + e.figures.compactMap {
                    var f = $0
                    guard let p = f.period.shifted(years: 1) else { return nil }
                    f.period = p; f.amount *= 1.3; return f
                }
            e.changes += e.changes.map {
                var c = $0; swap(&c.from, &c.to); return c
            }
            let more = e.observations(article: article)
            #expect(ArticleDeltas.deltas(more) == Self.byLedger(more))
            // Observations of several articles, in both orders (a later one wins a slot).
            var other = article
            other.id += "-b"
            other.published = Day(year: article.published.year + 1, month: 1, day: 1)!
            let mixed = own + e.observations(article: other)
            #expect(ArticleDeltas.deltas(mixed) == Self.byLedger(mixed))
            #expect(ArticleDeltas.deltas(mixed.reversed()) == Self.byLedger(mixed.reversed()))
        }
    }

    @Test("many series and periods")
    func manySlots() {
        let (article, e) = Fixtures.manyFigures(200) { k, f in
            f.partner = k < 100 ? "DE" : "FR"
            f.amount = Double(1000 + k * 7)
        }
        let observations = e.observations(article: article)
        #expect(observations.count > 64)
        let deltas = ArticleDeltas.deltas(observations)
        #expect(deltas.count > 64)
        #expect(deltas == Self.byLedger(observations))
    }
}
