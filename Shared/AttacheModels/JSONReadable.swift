import Foundation

/// A record the services decode on a hot path, read straight from its UTF-8 bytes with
/// `JSONReader` into the same value `JSONDecoder` gives. `read` returns nil for anything it
/// does not take (see `JSONReader`); `AttacheJSON.decode` then decodes with `JSONDecoder`,
/// which either succeeds the same way or throws the error a person reads.
public protocol JSONReadable {
    /// Reads one value at the reader's position; nil when the reader failed.
    static func read(from reader: inout JSONReader) -> Self?
}

extension JSONReadable {
    /// Reads a whole document holding one value; nil when anything is not as expected.
    public static func read(json bytes: UnsafeBufferPointer<UInt8>) -> Self? {
        var reader = JSONReader(bytes)
        guard let value = read(from: &reader), reader.finished() else { return nil }
        return value
    }
}

extension Day: JSONReadable {
    public static func read(from reader: inout JSONReader) -> Day? { reader.day() }
}

extension TextSpan: JSONReadable {
    public static func read(from r: inout JSONReader) -> TextSpan? {
        guard r.beginObject() else { return nil }
        var start: Int?
        var end: Int?
        var seen = MemberSet()
        var first = true
        while let key = r.nextKey(&first) {
            switch key {
            case "start": r.read(&start, 0, &seen)
            case "end": r.read(&end, 1, &seen)
            default: r.skipValue()
            }
        }
        guard !r.failed, let start, let end else { r.fail(); return nil }
        return TextSpan(start: start, end: end)
    }
}

extension Period: JSONReadable {
    public static func read(from r: inout JSONReader) -> Period? {
        guard r.beginObject() else { return nil }
        var start: Day?
        var end: Day?
        var label: String?
        var seen = MemberSet()
        var first = true
        while let key = r.nextKey(&first) {
            switch key {
            case "start": r.read(&start, 0, &seen)
            case "end": r.read(&end, 1, &seen)
            case "label": r.read(&label, 2, &seen)
            default: r.skipValue()
            }
        }
        guard !r.failed, let start, let end, let label else { r.fail(); return nil }
        return Period(start: start, end: end, label: label)
    }
}

extension Series: JSONReadable {
    public static func read(from r: inout JSONReader) -> Series? {
        guard r.beginObject() else { return nil }
        var metric: Metric?
        var reporter: String?
        var partner: String?
        var currency: String?
        var seen = MemberSet()
        var first = true
        while let key = r.nextKey(&first) {
            switch key {
            case "metric": r.read(&metric, 0, &seen)
            case "reporter": r.read(&reporter, 1, &seen)
            case "partner": r.read(&partner, 2, &seen)
            case "currency": r.read(&currency, 3, &seen)
            default: r.skipValue()
            }
        }
        guard !r.failed, let metric, let reporter, let partner, let currency else { r.fail(); return nil }
        return Series(metric: metric, reporter: reporter, partner: partner, currency: currency)
    }
}

extension Dateline: JSONReadable {
    public static func read(from r: inout JSONReader) -> Dateline? {
        guard r.beginObject() else { return nil }
        var place: String?
        var agency: String?
        var seen = MemberSet()
        var first = true
        while let key = r.nextKey(&first) {
            switch key {
            case "place": r.read(&place, 0, &seen)
            case "agency": r.readOptional(&agency, 1, &seen)
            default: r.skipValue()
            }
        }
        guard !r.failed, let place else { r.fail(); return nil }
        return Dateline(place: place, agency: agency)
    }
}

extension Article: JSONReadable {
    public static func read(from r: inout JSONReader) -> Article? {
        guard r.beginObject() else { return nil }
        var id: String?
        var published: Day?
        var title: String?
        var dateline: Dateline?
        var source: String?
        var text: String?
        var paragraphs: [TextSpan]?
        var countries: [String]?
        var receivedAt: Date?
        var origin: String?
        var seen = MemberSet()
        var first = true
        while let key = r.nextKey(&first) {
            switch key {
            case "schema": r.schema(.article, 0, &seen)
            case "id": r.read(&id, 1, &seen)
            case "published": r.read(&published, 2, &seen)
            case "title": r.readOptional(&title, 3, &seen)
            case "dateline": r.readOptional(&dateline, 4, &seen)
            case "source": r.readOptional(&source, 5, &seen)
            case "text": r.read(&text, 6, &seen)
            case "paragraphs": r.read(&paragraphs, 7, &seen)
            case "countries": r.read(&countries, 8, &seen)
            case "receivedAt":
                guard seen.insert(9) else { r.fail(); break }
                receivedAt = r.instant()
            case "origin": r.read(&origin, 10, &seen)
            default: r.skipValue()
            }
        }
        guard !r.failed, seen.contains(all: 1), let id, let published, let text, let paragraphs, let countries,
            let receivedAt, let origin
        else { r.fail(); return nil }
        return Article(
            id: id, published: published, title: title, dateline: dateline, source: source, text: text,
            paragraphs: paragraphs, countries: countries, receivedAt: receivedAt, origin: origin)
    }
}

extension Figure: JSONReadable {
    public static func read(from r: inout JSONReader) -> Figure? {
        guard r.beginObject() else { return nil }
        var metric: Metric?
        var reporter: String?
        var partner: String?
        var direction: Direction?
        var period: Period?
        var amount: Double?
        var currency: String?
        var usdAmount: Double?
        var qualifier: Qualifier?
        var derived: Bool?
        var span: TextSpan?
        var text: String?
        var seen = MemberSet()
        var first = true
        while let key = r.nextKey(&first) {
            switch key {
            case "metric": r.read(&metric, 0, &seen)
            case "reporter": r.read(&reporter, 1, &seen)
            case "partner": r.read(&partner, 2, &seen)
            case "direction": r.readOptional(&direction, 3, &seen)
            case "period": r.read(&period, 4, &seen)
            case "amount": r.read(&amount, 5, &seen)
            case "currency": r.read(&currency, 6, &seen)
            case "usdAmount": r.readOptional(&usdAmount, 7, &seen)
            case "qualifier": r.readOptional(&qualifier, 8, &seen)
            case "derived": r.read(&derived, 9, &seen)
            case "span": r.read(&span, 10, &seen)
            case "text": r.read(&text, 11, &seen)
            default: r.skipValue()
            }
        }
        guard !r.failed, let metric, let reporter, let partner, let period, let amount, let currency, let derived,
            let span, let text
        else { r.fail(); return nil }
        return Figure(
            metric: metric, reporter: reporter, partner: partner, direction: direction, period: period,
            amount: amount, currency: currency, qualifier: qualifier, derived: derived, span: span, text: text,
            usdAmount: usdAmount)
    }
}

extension StatedChange: JSONReadable {
    public static func read(from r: inout JSONReader) -> StatedChange? {
        guard r.beginObject() else { return nil }
        var series: Series?
        var from: Period?
        var to: Period?
        var percent: Double?
        var ratio: Double?
        var absolute: Double?
        var qualifier: Qualifier?
        var span: TextSpan?
        var text: String?
        var seen = MemberSet()
        var first = true
        while let key = r.nextKey(&first) {
            switch key {
            case "series": r.read(&series, 0, &seen)
            case "from": r.read(&from, 1, &seen)
            case "to": r.read(&to, 2, &seen)
            case "percent": r.readOptional(&percent, 3, &seen)
            case "ratio": r.readOptional(&ratio, 4, &seen)
            case "absolute": r.readOptional(&absolute, 5, &seen)
            case "qualifier": r.readOptional(&qualifier, 6, &seen)
            case "span": r.read(&span, 7, &seen)
            case "text": r.read(&text, 8, &seen)
            default: r.skipValue()
            }
        }
        guard !r.failed, let series, let from, let to, let span, let text else { r.fail(); return nil }
        return StatedChange(
            series: series, from: from, to: to, percent: percent, ratio: ratio, absolute: absolute,
            qualifier: qualifier, span: span, text: text)
    }
}

extension TradeObservation: JSONReadable {
    public static func read(from r: inout JSONReader) -> TradeObservation? {
        guard r.beginObject() else { return nil }
        var article: String?
        var published: Day?
        var figure: Figure?
        var change: StatedChange?
        var seen = MemberSet()
        var first = true
        while let key = r.nextKey(&first) {
            switch key {
            case "schema": r.schema(.tradeObservation, 0, &seen)
            case "article": r.read(&article, 1, &seen)
            case "published": r.read(&published, 2, &seen)
            case "figure": r.readOptional(&figure, 3, &seen)
            case "change": r.readOptional(&change, 4, &seen)
            default: r.skipValue()
            }
        }
        guard !r.failed, seen.contains(all: 1), let article, let published else { r.fail(); return nil }
        var observation: TradeObservation
        if let figure {
            observation = TradeObservation(article: article, published: published, figure: figure)
            observation.change = change
        } else if let change {
            observation = TradeObservation(article: article, published: published, change: change)
        } else {
            // Neither: a value `JSONDecoder` accepts, but rare; let it build it.
            r.fail()
            return nil
        }
        return observation
    }
}

extension LedgerEntry: JSONReadable {
    public static func read(from r: inout JSONReader) -> LedgerEntry? {
        guard r.beginObject() else { return nil }
        var observation: TradeObservation?
        var seen = MemberSet()
        var first = true
        while let key = r.nextKey(&first) {
            switch key {
            case "schema": r.schema(.ledgerEntry, 0, &seen)
            case "observation": r.read(&observation, 1, &seen)
            default: r.skipValue()
            }
        }
        guard !r.failed, seen.contains(all: 1), let observation else { r.fail(); return nil }
        return LedgerEntry(observation: observation)
    }
}
