import Foundation

// Each record type's own checks (`ValidatedRecord.validated`), built from `RecordCheck`: what a
// service accepts at its decoding boundary (`AttacheJSON.decodeValidated`).

extension Article: ValidatedRecord {
    public func validated() throws(RecordProblem) -> Article {
        try RecordCheck.identifier(id, "id")
        try RecordCheck.day(published, "published")
        let scalars = RecordCheck.scalarCount(text)
        for (index, paragraph) in paragraphs.enumerated() {
            try RecordCheck.span(paragraph, "paragraphs[\(index)]", scalarCount: scalars)
        }
        var copy = self
        copy.receivedAt = RecordLimits.clamp(receivedAt)
        return copy
    }
}

extension Figure {
    func check(_ field: @autoclosure () -> String) throws(RecordProblem) {
        try RecordCheck.series(series, field())
        try RecordCheck.period(period, field() + ".period")
        try RecordCheck.amount(amount, field() + ".amount")
        try RecordCheck.span(span, field() + ".span")
    }
}

extension StatedChange {
    func check(_ field: @autoclosure () -> String) throws(RecordProblem) {
        try RecordCheck.series(series, field() + ".series")
        try RecordCheck.period(from, field() + ".from")
        try RecordCheck.period(to, field() + ".to")
        try RecordCheck.amount(percent, field() + ".percent")
        try RecordCheck.amount(ratio, field() + ".ratio")
        try RecordCheck.amount(absolute, field() + ".absolute")
        try RecordCheck.span(span, field() + ".span")
    }
}

extension TradeObservation: ValidatedRecord {
    public func validated() throws(RecordProblem) -> TradeObservation {
        try RecordCheck.identifier(article, "article")
        try RecordCheck.day(published, "published")
        switch (figure, change) {
        case (let figure?, nil): try figure.check("figure")
        case (nil, let change?): try change.check("change")
        default: throw RecordProblem(field: "figure/change", "exactly one of 'figure' and 'change' must be set")
        }
        return self
    }
}

extension LedgerEntry: ValidatedRecord {
    public func validated() throws(RecordProblem) -> LedgerEntry {
        do {
            return LedgerEntry(observation: try observation.validated())
        } catch {
            throw RecordProblem(field: "observation.\(error.field)", error.problem)
        }
    }
}

extension Anniversary: ValidatedRecord {
    public func validated() throws(RecordProblem) -> Anniversary {
        try RecordCheck.identifier(id, "id")
        try RecordCheck.ordinal(ordinal, "ordinal")
        try RecordCheck.year(year, "year")
        // Checked arithmetic: the base year is the year minus the ordinal.
        let (base, overflow) = year.subtractingReportingOverflow(ordinal)
        guard !overflow, base == baseYear else {
            throw RecordProblem(field: "baseYear", "\(baseYear) is not year \(year) minus ordinal \(ordinal)")
        }
        if let baseDate {
            guard baseDate.year == baseYear else {
                throw RecordProblem(field: "baseDate", "\(baseDate) is not in the base year \(baseYear)")
            }
        }
        // The next milestone is the next ordinal divisible by 5.
        guard (RecordLimits.ordinals.lowerBound...RecordLimits.ordinals.upperBound + 5).contains(next.ordinal) else {
            throw RecordProblem(
                field: "next.ordinal", "ordinal \(next.ordinal) is outside 1-\(RecordLimits.ordinals.upperBound + 5)")
        }
        try RecordCheck.year(next.year, "next.year")
        if let date = next.date { try RecordCheck.day(date, "next.date") }
        try RecordCheck.span(span, "span")
        return self
    }
}

extension TradeDelta: ValidatedRecord {
    public func validated() throws(RecordProblem) -> TradeDelta {
        try check("")
        return self
    }

    func check(_ prefix: @autoclosure () -> String) throws(RecordProblem) {
        try RecordCheck.identifier(id, prefix() + "id")
        try RecordCheck.series(series, prefix() + "series")
        try RecordCheck.period(from.period, prefix() + "from.period")
        try RecordCheck.period(to.period, prefix() + "to.period")
        try RecordCheck.amount(from.amount, prefix() + "from.amount")
        try RecordCheck.amount(to.amount, prefix() + "to.amount")
        try RecordCheck.amount(absolute, prefix() + "absolute")
        try RecordCheck.amount(percent, prefix() + "percent")
        try RecordCheck.amount(ratio, prefix() + "ratio")
    }
}

extension EnrichedArticle: ValidatedRecord {
    public func validated() throws(RecordProblem) -> EnrichedArticle {
        try RecordCheck.identifier(article.id, "article.id")
        try RecordCheck.day(article.published, "article.published")
        for (index, figure) in figures.enumerated() { try figure.check("figures[\(index)]") }
        for (index, delta) in deltas.enumerated() { try delta.check("deltas[\(index)].") }
        var copy = self
        for (index, anniversary) in anniversaries.enumerated() {
            do {
                copy.anniversaries[index] = try anniversary.validated()
            } catch {
                throw RecordProblem(field: "anniversaries[\(index)].\(error.field)", error.problem)
            }
        }
        copy.article.receivedAt = RecordLimits.clamp(article.receivedAt)
        copy.enrichedAt = RecordLimits.clamp(enrichedAt)
        return copy
    }
}
