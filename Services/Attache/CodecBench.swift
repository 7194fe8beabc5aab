import ArgumentParser
import AttacheModels
import Extraction
import Foundation

/// `attache bench codec`: the record codec candidates on the hot records, on one thread.
///
/// Encoding: Foundation's `JSONEncoder` (with `AttacheJSON`'s settings), `JSONSerialization`
/// over a dictionary built by hand (sorted keys; its numbers differ, so it is only a speed
/// reference), and the hand-written `JSONWriter`. Decoding: `JSONDecoder`,
/// `JSONSerialization` plus mapping by hand, and `JSONReader` over the raw bytes.
struct CodecBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "codec",
        abstract:
            "Record codec candidates (JSONEncoder/JSONDecoder, JSONSerialization, hand-written) on the hot records."
    )

    @Option(help: "Rounds over the sample records.")
    var iterations = 300

    @OptionGroup var inputs: BenchInputs

    func run() throws {
        let articles = try inputs.articles()
        let extractor = Extractor(home: "KZ")
        let enriched = articles.map { a in
            let e = extractor.extract(a)
            return EnrichedArticle(
                article: a.summary, figures: e.figures, deltas: e.deltas(article: a),
                anniversaries: e.anniversaries, enrichedAt: a.receivedAt)
        }
        let observations = zip(articles, articles.map(extractor.extract)).flatMap { $1.observations(article: $0) }
        let deltas = enriched.flatMap(\.deltas)
        let n = max(1, iterations)
        Console.out(
            "codec: \(n) rounds over \(articles.count) articles, \(observations.count) observations, \(deltas.count) deltas; µs per record (MB/s)"
        )

        func row(_ name: String, _ results: [(String, Measurement)]) {
            let cells = results.map {
                String(format: "%@ %7.2f µs (%6.1f MB/s)", $0.0, $0.1.microsPerRecord, $0.1.megabytesPerSecond)
            }
            Console.out(name.padding(toLength: 26, withPad: " ", startingAt: 0) + cells.joined(separator: "   "))
        }

        let foundation = AttacheJSON.encoder()
        let decoder = AttacheJSON.decoder()
        let articleBytes = try articles.map { try $0.jsonBytes() }
        let observationBytes = try observations.map { try $0.jsonBytes() }

        row(
            "encode EnrichedArticle",
            [
                ("JSONEncoder", try measure(enriched, n) { Array(try foundation.encode($0)).count }),
                (
                    "JSONSerialization",
                    try measure(enriched, n) {
                        try JSONSerialization.data(withJSONObject: Dictionaries.enriched($0), options: [.sortedKeys])
                            .count
                    }
                ),
                ("JSONWriter", try measure(enriched, n) { try $0.jsonBytes().count }),
            ])
        row(
            "encode Article",
            [
                ("JSONEncoder", try measure(articles, n) { Array(try foundation.encode($0)).count }),
                (
                    "JSONSerialization",
                    try measure(articles, n) {
                        try JSONSerialization.data(withJSONObject: Dictionaries.article($0), options: [.sortedKeys])
                            .count
                    }
                ),
                ("JSONWriter", try measure(articles, n) { try $0.jsonBytes().count }),
            ])
        row(
            "encode TradeObservation",
            [
                ("JSONEncoder", try measure(observations, n) { Array(try foundation.encode($0)).count }),
                (
                    "JSONSerialization",
                    try measure(observations, n) {
                        try JSONSerialization.data(withJSONObject: Dictionaries.observation($0), options: [.sortedKeys])
                            .count
                    }
                ),
                ("JSONWriter", try measure(observations, n) { try $0.jsonBytes().count }),
            ])
        row(
            "encode TradeDelta",
            [
                ("JSONEncoder", try measure(deltas, n) { Array(try foundation.encode($0)).count }),
                ("JSONWriter", try measure(deltas, n) { try $0.jsonBytes().count }),
            ])
        row(
            "decode Article",
            [
                (
                    "JSONDecoder",
                    try measure(articleBytes, n) { bytes in
                        _ = try decoder.decode(Article.self, from: Data(bytes)); return bytes.count
                    }
                ),
                (
                    "JSONSerialization",
                    try measure(articleBytes, n) { bytes in
                        _ = try Dictionaries.readArticle(JSONSerialization.jsonObject(with: Data(bytes)));
                        return bytes.count
                    }
                ),
                (
                    "JSONReader",
                    try measure(articleBytes, n) { bytes in
                        try bytes.withUnsafeBufferPointer {
                            try Article.read(json: $0).map { _ in bytes.count }
                                ?? { throw ValidationError("unreadable") }()
                        }
                    }
                ),
            ])
        row(
            "decode TradeObservation",
            [
                (
                    "JSONDecoder",
                    try measure(observationBytes, n) { bytes in
                        _ = try decoder.decode(TradeObservation.self, from: Data(bytes)); return bytes.count
                    }
                ),
                (
                    "JSONReader",
                    try measure(observationBytes, n) { bytes in
                        try bytes.withUnsafeBufferPointer {
                            try TradeObservation.read(json: $0).map { _ in bytes.count }
                                ?? { throw ValidationError("unreadable") }()
                        }
                    }
                ),
            ])
    }

    struct Measurement {
        var microsPerRecord: Double
        var megabytesPerSecond: Double
    }

    /// Runs `body` over every record `rounds` times (after one warm-up round); `body` returns
    /// the bytes it wrote or read.
    func measure<T>(_ records: [T], _ rounds: Int, _ body: (T) throws -> Int) throws -> Measurement {
        for record in records { _ = try body(record) }
        var bytes = 0
        let clock = ContinuousClock()
        let elapsed = try clock.measure {
            for _ in 0..<rounds { for record in records { bytes += try body(record) } }
        }.seconds
        let count = Double(records.count * rounds)
        return Measurement(microsPerRecord: elapsed / count * 1e6, megabytesPerSecond: Double(bytes) / 1e6 / elapsed)
    }
}

/// The records as Foundation property lists, for the `JSONSerialization` candidate.
private enum Dictionaries {
    static func span(_ s: TextSpan) -> [String: Any] { ["start": s.start, "end": s.end] }
    static func period(_ p: Period) -> [String: Any] {
        ["start": p.start.description, "end": p.end.description, "label": p.label]
    }
    static func series(_ s: Series) -> [String: Any] {
        ["metric": s.metric.rawValue, "reporter": s.reporter, "partner": s.partner, "currency": s.currency]
    }

    static func summary(_ a: ArticleSummary) -> [String: Any] {
        var d: [String: Any] = [
            "id": a.id, "published": a.published.description, "countries": a.countries,
            "receivedAt": AttacheJSON.formatInstant(a.receivedAt), "origin": a.origin,
        ]
        if let t = a.title { d["title"] = t }
        if let s = a.source { d["source"] = s }
        if let l = a.dateline { d["dateline"] = ["place": l.place, "agency": l.agency as Any].compactMapValues { $0 } }
        return d
    }

    static func article(_ a: Article) -> [String: Any] {
        var d = summary(a.summary)
        d["schema"] = a.schema.rawValue
        d["text"] = a.text
        d["paragraphs"] = a.paragraphs.map(span)
        return d
    }

    static func figure(_ f: Figure) -> [String: Any] {
        var d: [String: Any] = [
            "metric": f.metric.rawValue, "reporter": f.reporter, "partner": f.partner, "period": period(f.period),
            "amount": f.amount, "currency": f.currency, "derived": f.derived, "span": span(f.span), "text": f.text,
        ]
        if let x = f.direction { d["direction"] = x.rawValue }
        if let x = f.usdAmount { d["usdAmount"] = x }
        if let x = f.qualifier { d["qualifier"] = x.rawValue }
        return d
    }

    static func change(_ c: StatedChange) -> [String: Any] {
        var d: [String: Any] = [
            "series": series(c.series), "from": period(c.from), "to": period(c.to), "span": span(c.span),
            "text": c.text,
        ]
        if let x = c.percent { d["percent"] = x }
        if let x = c.ratio { d["ratio"] = x }
        if let x = c.absolute { d["absolute"] = x }
        if let x = c.qualifier { d["qualifier"] = x.rawValue }
        return d
    }

    static func delta(_ t: TradeDelta) -> [String: Any] {
        var d: [String: Any] = [
            "schema": t.schema.rawValue, "id": t.id, "series": series(t.series), "basis": t.basis.rawValue,
            "articles": t.articles, "consistent": t.consistent,
        ]
        var from: [String: Any] = ["period": period(t.from.period)]
        if let a = t.from.amount { from["amount"] = a }
        var to: [String: Any] = ["period": period(t.to.period)]
        if let a = t.to.amount { to["amount"] = a }
        d["from"] = from
        d["to"] = to
        if let x = t.absolute { d["absolute"] = x }
        if let x = t.percent { d["percent"] = x }
        if let x = t.ratio { d["ratio"] = x }
        return d
    }

    static func anniversary(_ a: Anniversary) -> [String: Any] {
        var next: [String: Any] = ["ordinal": a.next.ordinal, "year": a.next.year]
        if let x = a.next.date { next["date"] = x.description }
        var d: [String: Any] = [
            "schema": a.schema.rawValue, "id": a.id, "kind": a.kind.rawValue, "subject": a.subject,
            "parties": a.parties, "ordinal": a.ordinal, "year": a.year, "baseYear": a.baseYear,
            "onPublicationDay": a.onPublicationDay, "next": next, "span": span(a.span), "text": a.text,
        ]
        if let x = a.baseDate { d["baseDate"] = x.description }
        return d
    }

    static func enriched(_ e: EnrichedArticle) -> [String: Any] {
        [
            "schema": e.schema.rawValue, "article": summary(e.article), "figures": e.figures.map(figure),
            "deltas": e.deltas.map(delta),
            "anniversaries": e.anniversaries.map(anniversary), "enrichedAt": AttacheJSON.formatInstant(e.enrichedAt),
        ]
    }

    static func observation(_ o: TradeObservation) -> [String: Any] {
        var d: [String: Any] = [
            "schema": o.schema.rawValue, "article": o.article, "published": o.published.description,
        ]
        if let f = o.figure { d["figure"] = figure(f) }
        if let c = o.change { d["change"] = change(c) }
        return d
    }

    struct Unreadable: Error {}

    /// Maps a parsed article back to an `Article`; returns its text's size.
    static func readArticle(_ object: Any) throws -> Int {
        guard let d = object as? [String: Any], let id = d["id"] as? String,
            let published = (d["published"] as? String).flatMap({ Day(iso: $0) }),
            let text = d["text"] as? String, let paragraphs = d["paragraphs"] as? [[String: Any]],
            let countries = d["countries"] as? [String],
            let received = (d["receivedAt"] as? String).flatMap(AttacheJSON.parseInstant),
            let origin = d["origin"] as? String
        else { throw Unreadable() }
        let spans = try paragraphs.map { p -> TextSpan in
            guard let s = p["start"] as? Int, let e = p["end"] as? Int else { throw Unreadable() }
            return TextSpan(start: s, end: e)
        }
        let dateline = (d["dateline"] as? [String: Any]).flatMap { l in
            (l["place"] as? String).map { Dateline(place: $0, agency: l["agency"] as? String) }
        }
        let article = Article(
            id: id, published: published, title: d["title"] as? String, dateline: dateline,
            source: d["source"] as? String,
            text: text, paragraphs: spans, countries: countries, receivedAt: received, origin: origin)
        return article.text.utf8.count
    }
}
