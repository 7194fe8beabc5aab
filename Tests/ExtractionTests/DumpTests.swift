import Foundation
import Testing
import AttacheModels
@testable import Extraction

@Test func dumpSeeds() throws {
    guard ProcessInfo.processInfo.environment["DUMP"] != nil else { return }
    let enc = AttacheJSON.encoder()
    enc.outputFormatting = [.sortedKeys, .prettyPrinted]
    for a in Fixtures.allSeeds {
        let e = Fixtures.extractor.extract(a)
        print("=== \(a.published) \(a.id)")
        for f in e.figures { print("FIG \(f.metric.rawValue) \(f.reporter)-\(f.partner) \(f.direction?.rawValue ?? "-") \(f.period.label) \(f.amount) \(f.currency) q=\(f.qualifier?.rawValue ?? "-") d=\(f.derived) '\(f.text)'") }
        for c in e.changes { print("CHG \(c.series.id) \(c.from.label)>\(c.to.label) p=\(c.percent ?? .nan) r=\(c.ratio ?? .nan) abs=\(c.absolute ?? .nan) q=\(c.qualifier?.rawValue ?? "-") '\(c.text)'") }
        for x in e.anniversaries { print("ANN \(x.kind.rawValue) '\(x.subject)' \(x.parties) n=\(x.ordinal) y=\(x.year) base=\(x.baseYear) date=\(x.baseDate?.description ?? "-") pub=\(x.onPublicationDay) next=\(x.next.ordinal)/\(x.next.year)/\(x.next.date?.description ?? "-") '\(x.text)'") }
        for d in e.deltas(article: a) { print("DELTA \(d.series.id) \(d.from.period.label)=\(d.from.amount ?? .nan) > \(d.to.period.label)=\(d.to.amount ?? .nan) abs=\(d.absolute ?? .nan) p=\(d.percent ?? .nan) r=\(d.ratio ?? .nan) \(d.basis.rawValue) ok=\(d.consistent)") }
    }
    var ledger = SeriesLedger()
    for a in Fixtures.allSeeds { for o in Fixtures.extractor.extract(a).observations(article: a) { _ = ledger.observe(o) } }
    print("=== ALL")
    for d in ledger.allDeltas { print("DELTA \(d.series.id) \(d.from.period.label)=\(d.from.amount ?? .nan) > \(d.to.period.label)=\(d.to.amount ?? .nan) abs=\(d.absolute ?? .nan) p=\(d.percent ?? .nan) r=\(d.ratio ?? .nan) \(d.basis.rawValue) ok=\(d.consistent) \(d.articles)") }
}
