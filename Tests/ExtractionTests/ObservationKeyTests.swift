import AttacheModels
import Testing

@testable import Extraction

/// `Extraction.observations(article:)` keeps one observation per `ledgerKey`, telling keys
/// apart by their parts (`LedgerKeys`) rather than by the key's String: the same observations,
/// in the same order, as deduplicating by the String.
@Suite("Observation keys")
struct ObservationKeyTests {
    /// What `observations(article:)` did before: a Set of the ledger keys' Strings.
    static func byLedgerKey(_ e: Extraction, _ article: Article) -> [TradeObservation] {
        var seen = Set<String>()
        var result: [TradeObservation] = []
        for figure in e.figures where figure.metric != .other {
            let o = TradeObservation(article: article.id, published: article.published, figure: figure)
            if seen.insert(o.ledgerKey).inserted { result.append(o) }
        }
        for change in e.changes {
            let o = TradeObservation(article: article.id, published: article.published, change: change)
            if seen.insert(o.ledgerKey).inserted { result.append(o) }
        }
        return result
    }

    @Test func seedsAndRepeats() {
        for article in Fixtures.allSeeds {
            var e = Fixtures.extractor.extract(article)
            #expect(e.observations(article: article) == Self.byLedgerKey(e, article))
            // Every figure and change twice, a derived copy of each figure, a change reversed.
            e.figures +=
                e.figures
                + e.figures.map {
                    var f = $0; f.derived.toggle(); return f
                }
            e.changes +=
                e.changes
                + e.changes.map {
                    var c = $0; swap(&c.from, &c.to); return c
                }
            #expect(e.observations(article: article) == Self.byLedgerKey(e, article))
        }
    }

    @Test("past 64 keys, the keys are hashed")
    func manyKeys() {
        let (article, e) = Fixtures.manyFigures(200)
        let observations = e.observations(article: article)
        #expect(observations == Self.byLedgerKey(e, article))
        #expect(observations.count > 64)
    }
}
