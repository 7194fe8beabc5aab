import AttacheModels
import Extraction

/// Scores what the extractor found in one article against its gold annotation. Pure.
///
/// The rules (also in docs/extraction.md, "Measuring"):
/// - **Figures** (stated ones; derived figures and gold figures of metric `other` are left
///   out): right when the amount is within 0.6 %, the currency matches (a gold dollar amount
///   also matches a figure's `usdAmount`, its stated dollar equivalent), the metric matches
///   (`investment` and `fdi_inflow` count as one), reporter and partner match — or the same
///   flow is told from the other side (A's exports to B are B's imports from A) — and the
///   period matches at the granularity of the gold label (`GoldPeriod.accepts`); an
///   unspecified gold period accepts any.
/// - **Changes** (stated relative ones: a percent or a ratio): right when the value, in the
///   gold's kind, is within 1 % of the gold value. Whether metric, partner and both periods
///   also agree is counted apart (`strict`), for information.
/// - **Anniversaries**: right when ordinal and base year match, and the base date too when
///   the gold gives one.
///
/// Each gold item is matched to at most one extracted item (a maximum bipartite matching).
public enum Scorer {
    /// The relative tolerance on amounts.
    public static let amountTolerance = 0.006
    /// The relative tolerance on a change's percent or ratio.
    public static let changeTolerance = 0.01

    /// Scores one article.
    public static func score(
        id: String, article: Article, extraction: Extraction, gold: GoldAnnotation, home: String = "KZ"
    ) -> ArticleScore {
        var result = ArticleScore(id: id)

        // Figures.
        let goldFigures = gold.figures.filter { $0.metric != "other" }
        let predicted = extraction.figures.filter { !$0.derived && $0.metric != .other }
        let figureMatch = matching(goldFigures.count, predicted.count) { g, p in
            figureMatches(goldFigures[g], predicted[p], home: home)
        }
        for (g, gf) in goldFigures.enumerated() {
            let amountFound = predicted.contains { amountMatches(gf, $0) }
            if amountFound { result.figures.amountFound += 1 }
            if figureMatch.goldToPredicted[g] != nil {
                result.figures.truePositives += 1
            } else {
                let near = predicted.first { amountMatches(gf, $0) }
                result.figures.misses.append(
                    Miss(
                        article: id, text: gf.text, expected: describe(gf),
                        closest: near.map(describe)))
            }
        }
        for (p, pf) in predicted.enumerated() where figureMatch.predictedToGold[p] == nil {
            result.figures.falsePositives.append(FalsePositive(article: id, text: pf.text, found: describe(pf)))
        }
        result.figures.gold = goldFigures.count
        result.figures.predicted = predicted.count

        // Changes.
        let goldChanges = gold.changes
        let changes = extraction.changes.filter { $0.percent != nil || $0.ratio != nil }
        let changeMatch = matching(goldChanges.count, changes.count) { g, p in changeMatches(goldChanges[g], changes[p])
        }
        for (g, gc) in goldChanges.enumerated() {
            if let p = changeMatch.goldToPredicted[g] {
                result.changes.truePositives += 1
                if changeStrictlyMatches(gc, changes[p], home: home) { result.changes.strict += 1 }
            } else {
                let near = changes.first { metricClass($0.series.metric.rawValue) == metricClass(gc.metric) }
                result.changes.misses.append(
                    Miss(article: id, text: gc.text, expected: describe(gc), closest: near.map(describe)))
            }
        }
        for (p, pc) in changes.enumerated() where changeMatch.predictedToGold[p] == nil {
            result.changes.falsePositives.append(FalsePositive(article: id, text: pc.text, found: describe(pc)))
        }
        result.changes.gold = goldChanges.count
        result.changes.predicted = changes.count

        // Anniversaries.
        let goldAnn = gold.anniversaries
        let anns = extraction.anniversaries
        let annMatch = matching(goldAnn.count, anns.count) { g, p in anniversaryMatches(goldAnn[g], anns[p]) }
        for (g, ga) in goldAnn.enumerated() {
            if ga.baseDate != nil { result.anniversaries.datesGold += 1 }
            if anns.contains(where: { $0.ordinal == ga.ordinal && $0.baseYear == ga.baseYear }) {
                result.anniversaries.baseYearRight += 1
            }
            if annMatch.goldToPredicted[g] != nil {
                result.anniversaries.truePositives += 1
                if ga.baseDate != nil { result.anniversaries.datesRight += 1 }
            } else {
                let near = anns.first { $0.ordinal == ga.ordinal }
                result.anniversaries.misses.append(
                    Miss(article: id, text: ga.text, expected: describe(ga), closest: near.map(describe)))
            }
        }
        for (p, pa) in anns.enumerated() where annMatch.predictedToGold[p] == nil {
            result.anniversaries.falsePositives.append(FalsePositive(article: id, text: pa.text, found: describe(pa)))
        }
        result.anniversaries.gold = goldAnn.count
        result.anniversaries.predicted = anns.count
        return result
    }

    // MARK: - Rules

    /// Gold metric names that count as one for scoring.
    static func metricClass(_ name: String) -> String {
        name == "investment" || name == "fdi_inflow" ? "investment" : name
    }

    /// The same flow seen from the other side: exports become imports and back.
    static func mirrored(_ name: String) -> String {
        switch name {
        case "exports": return "imports"
        case "imports": return "exports"
        default: return name
        }
    }

    static func code(_ name: String) -> String? {
        if name.count == 2, name == name.uppercased() { return name }
        if let c = Countries.code(for: name) { return c }
        switch name {
        case "Czechia": return Countries.code(for: "Czech Republic")
        default: return nil
        }
    }

    static func within(_ a: Double, _ b: Double, _ tolerance: Double) -> Bool {
        guard a.isFinite, b.isFinite else { return false }
        return abs(a - b) <= tolerance * max(abs(b), 1e-9) + 1e-9
    }

    static func amountMatches(_ g: GoldFigure, _ p: Figure) -> Bool {
        guard let (amount, currency) = g.money else { return false }
        if p.currency == currency && within(p.amount, amount, amountTolerance) { return true }
        // A figure in another currency that carries its dollar equivalent is also that amount
        // in dollars.
        guard currency == "USD", let usd = p.usdAmount else { return false }
        return within(usd, amount, amountTolerance)
    }

    static func partiesMatch(
        goldMetric: String, goldReporter: String, goldPartner: String, figure p: Figure, home: String
    ) -> Bool {
        guard let r = code(goldReporter), let q = code(goldPartner) else { return false }
        let m = metricClass(goldMetric)
        if p.reporter == r, p.partner == q, metricClass(p.metric.rawValue) == m { return true }
        if p.reporter == q, p.partner == r, metricClass(mirrored(p.metric.rawValue)) == m { return true }
        return false
    }

    static func figureMatches(_ g: GoldFigure, _ p: Figure, home: String) -> Bool {
        guard amountMatches(g, p) else { return false }
        guard
            partiesMatch(goldMetric: g.metric, goldReporter: g.reporter, goldPartner: g.partner, figure: p, home: home)
        else { return false }
        guard let period = GoldPeriod(label: g.period) else { return false }
        return period.accepts(p.period)
    }

    /// The change's value in the gold's kind: a percent (`+23`) or a ratio (`2.5`).
    static func value(of c: StatedChange, as kind: String) -> Double? {
        if kind == "ratio" {
            if let r = c.ratio { return r }
            if let p = c.percent { return 1 + p / 100 }
        } else {
            if let p = c.percent { return p }
            if let r = c.ratio { return (r - 1) * 100 }
        }
        return nil
    }

    static func changeMatches(_ g: GoldChange, _ c: StatedChange) -> Bool {
        guard let v = value(of: c, as: g.kind) else { return false }
        return within(v, g.value, changeTolerance)
    }

    static func changeStrictlyMatches(_ g: GoldChange, _ c: StatedChange, home: String) -> Bool {
        guard let partner = code(g.partner) else { return false }
        let sameSide =
            c.series.reporter == home && c.series.partner == partner
            && metricClass(c.series.metric.rawValue) == metricClass(g.metric)
        let otherSide =
            c.series.reporter == partner && c.series.partner == home
            && metricClass(mirrored(c.series.metric.rawValue)) == metricClass(g.metric)
        guard sameSide || otherSide else { return false }
        guard let from = GoldPeriod(label: g.fromPeriod), let to = GoldPeriod(label: g.toPeriod) else { return false }
        return from.accepts(c.from) && to.accepts(c.to)
    }

    static func anniversaryMatches(_ g: GoldAnniversary, _ a: Anniversary) -> Bool {
        guard g.ordinal == a.ordinal, g.baseYear == a.baseYear else { return false }
        if let d = g.baseDate { return a.baseDate?.description == d }
        return true
    }

    // MARK: - Matching

    struct Assignment {
        var goldToPredicted: [Int: Int] = [:]
        var predictedToGold: [Int: Int] = [:]
    }

    /// A maximum bipartite matching (augmenting paths; the lists are short).
    static func matching(_ goldCount: Int, _ predictedCount: Int, _ fits: (Int, Int) -> Bool) -> Assignment {
        var edges: [[Int]] = Array(repeating: [], count: goldCount)
        for g in 0..<goldCount { for p in 0..<predictedCount where fits(g, p) { edges[g].append(p) } }
        var owner = [Int?](repeating: nil, count: predictedCount)
        func augment(_ g: Int, _ seen: inout [Bool]) -> Bool {
            for p in edges[g] where !seen[p] {
                seen[p] = true
                if owner[p] == nil || augment(owner[p]!, &seen) { owner[p] = g; return true }
            }
            return false
        }
        for g in 0..<goldCount {
            var seen = [Bool](repeating: false, count: predictedCount)
            _ = augment(g, &seen)
        }
        var a = Assignment()
        for (p, g) in owner.enumerated() { if let g { a.goldToPredicted[g] = p; a.predictedToGold[p] = g } }
        return a
    }

    // MARK: - Descriptions

    static func amountText(_ x: Double) -> String {
        guard x.isFinite else { return "\(x)" }
        if abs(x) < 1e15, x == x.rounded() { return String(Int64(x)) }
        return String(x)
    }

    static func describe(_ g: GoldFigure) -> String {
        let money = g.money.map { "\(amountText($0.amount)) \($0.currency)" } ?? "?"
        return "\(g.metric) \(code(g.reporter) ?? g.reporter)-\(code(g.partner) ?? g.partner) \(g.period) \(money)"
    }

    static func describe(_ f: Figure) -> String {
        "\(f.metric.rawValue) \(f.reporter)-\(f.partner) \(f.period.label) \(amountText(f.amount)) \(f.currency)"
    }

    static func describe(_ g: GoldChange) -> String {
        "\(g.metric) \(code(g.partner) ?? g.partner) \(g.fromPeriod)->\(g.toPeriod) \(g.kind) \(g.value)"
    }

    static func describe(_ c: StatedChange) -> String {
        let v =
            c.percent.map { "percent \($0)" } ?? c.ratio.map { "ratio \($0)" }
            ?? "absolute \(c.absolute.map(amountText) ?? "?")"
        return
            "\(c.series.metric.rawValue) \(c.series.reporter)-\(c.series.partner) \(c.from.label)->\(c.to.label) \(v)"
    }

    static func describe(_ g: GoldAnniversary) -> String {
        "\(g.ordinal) base \(g.baseYear)\(g.baseDate.map { " (\($0))" } ?? "") \(g.subject)"
    }

    static func describe(_ a: Anniversary) -> String {
        "\(a.ordinal) base \(a.baseYear)\(a.baseDate.map { " (\($0))" } ?? "") \(a.subject)"
    }
}
