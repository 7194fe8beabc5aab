import Foundation

/// A gold item the extractor did not get right.
public struct Miss: Codable, Sendable, Hashable {
    /// The article (file stem, e.g. `001`).
    public var article: String
    /// The gold span.
    public var text: String
    /// What the gold says, in one line.
    public var expected: String
    /// The nearest extracted item (same amount, metric or ordinal), when there is one.
    public var closest: String?
}

/// An extracted item that matches no gold item.
public struct FalsePositive: Codable, Sendable, Hashable {
    public var article: String
    /// The extracted span.
    public var text: String
    /// What was extracted, in one line.
    public var found: String
}

/// The tally of one kind (figures, changes or anniversaries).
public struct KindScore: Codable, Sendable, Hashable {
    public var gold = 0
    public var predicted = 0
    public var truePositives = 0
    /// Figures only: gold figures whose amount and currency some extracted figure has.
    public var amountFound = 0
    /// Changes only: right ones whose metric, partner and both periods also agree.
    public var strict = 0
    /// Anniversaries only: gold base dates, and how many of them were right.
    public var datesGold = 0
    public var datesRight = 0
    /// Anniversaries only: gold ones whose ordinal and base year some extracted one has
    /// (whatever its date).
    public var baseYearRight = 0
    public var misses: [Miss] = []
    public var falsePositives: [FalsePositive] = []

    public init() {}

    public var precision: Double { predicted == 0 ? (gold == 0 ? 1 : 0) : Double(truePositives) / Double(predicted) }
    public var recall: Double { gold == 0 ? 1 : Double(truePositives) / Double(gold) }
    public var f1: Double {
        let p = precision
        let r = recall
        return p + r == 0 ? 0 : 2 * p * r / (p + r)
    }

    mutating func add(_ o: KindScore) {
        gold += o.gold
        predicted += o.predicted
        truePositives += o.truePositives
        amountFound += o.amountFound
        strict += o.strict
        datesGold += o.datesGold
        datesRight += o.datesRight
        baseYearRight += o.baseYearRight
        misses += o.misses
        falsePositives += o.falsePositives
    }
}

/// The score of one article.
public struct ArticleScore: Codable, Sendable, Hashable {
    public var id: String
    public var figures = KindScore()
    public var changes = KindScore()
    public var anniversaries = KindScore()

    public init(id: String) { self.id = id }
}

/// The score of a whole corpus: the sums per kind, and the problems met while loading.
public struct EvaluationReport: Codable, Sendable, Hashable {
    public var articles: Int
    public var figures = KindScore()
    public var changes = KindScore()
    public var anniversaries = KindScore()
    /// Files that could not be read or parsed, with the reason.
    public var problems: [String] = []

    public init(scores: [ArticleScore], problems: [String] = []) {
        articles = scores.count
        for s in scores {
            figures.add(s.figures)
            changes.add(s.changes)
            anniversaries.add(s.anniversaries)
        }
        self.problems = problems
    }

    private enum CodingKeys: String, CodingKey { case articles, figures, changes, anniversaries, problems, summary }

    /// The three headline numbers, for machines.
    public struct Summary: Codable, Sendable, Hashable {
        public var figuresF1: Double
        public var changesRecall: Double
        public var anniversariesF1: Double
    }

    public var summary: Summary {
        Summary(figuresF1: figures.f1, changesRecall: changes.recall, anniversariesF1: anniversaries.f1)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(articles, forKey: .articles)
        try c.encode(summary, forKey: .summary)
        try c.encode(KindScoreJSON(figures), forKey: .figures)
        try c.encode(KindScoreJSON(changes), forKey: .changes)
        try c.encode(KindScoreJSON(anniversaries), forKey: .anniversaries)
        try c.encode(problems, forKey: .problems)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        articles = try c.decode(Int.self, forKey: .articles)
        figures = try c.decode(KindScoreJSON.self, forKey: .figures).score
        changes = try c.decode(KindScoreJSON.self, forKey: .changes).score
        anniversaries = try c.decode(KindScoreJSON.self, forKey: .anniversaries).score
        problems = try c.decode([String].self, forKey: .problems)
    }

    /// The human report: precision, recall and F1 per kind, then every miss and false positive.
    public func text(corpus: String) -> String {
        var out = "attache eval \(corpus): \(articles) articles\n\n"
        func pct(_ x: Double) -> String { String(format: "%.3f", x) }
        func line(_ name: String, _ k: KindScore, _ extra: String) -> String {
            let n = name.padding(toLength: 14, withPad: " ", startingAt: 0)
            return
                "\(n) P \(pct(k.precision))  R \(pct(k.recall))  F1 \(pct(k.f1))  (\(k.truePositives) of \(k.gold) right, \(k.predicted) found\(extra))\n"
        }
        out += line("figures", figures, "; amount found for \(figures.amountFound)")
        out += line("changes", changes, "; \(changes.strict) also with metric, partner and periods right")
        out += line(
            "anniversaries", anniversaries,
            "; founding dates \(anniversaries.datesRight) of \(anniversaries.datesGold); ordinal and base year found for \(anniversaries.baseYearRight)"
        )
        for p in problems { out += "problem: \(p)\n" }
        func section(_ name: String, _ k: KindScore) {
            if !k.misses.isEmpty {
                out += "\n\(name): missed (\(k.misses.count))\n"
                for m in k.misses {
                    out += "  \(m.article)  \"\(m.text)\"  want \(m.expected)\n"
                    if let c = m.closest { out += "        nearest found: \(c)\n" }
                }
            }
            if !k.falsePositives.isEmpty {
                out += "\n\(name): false positives (\(k.falsePositives.count))\n"
                for f in k.falsePositives { out += "  \(f.article)  \"\(f.text)\"  found \(f.found)\n" }
            }
        }
        section("figures", figures)
        section("changes", changes)
        section("anniversaries", anniversaries)
        return out
    }
}

/// `KindScore` with its derived rates, as `--json` prints it.
struct KindScoreJSON: Codable {
    var precision: Double
    var recall: Double
    var f1: Double
    var score: KindScore

    init(_ s: KindScore) {
        precision = s.precision
        recall = s.recall
        f1 = s.f1
        score = s
    }

    private enum CodingKeys: String, CodingKey {
        case precision, recall, f1, gold, predicted, truePositives, amountFound, strict, datesGold, datesRight,
            baseYearRight, misses, falsePositives
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(precision, forKey: .precision)
        try c.encode(recall, forKey: .recall)
        try c.encode(f1, forKey: .f1)
        try c.encode(score.gold, forKey: .gold)
        try c.encode(score.predicted, forKey: .predicted)
        try c.encode(score.truePositives, forKey: .truePositives)
        try c.encode(score.amountFound, forKey: .amountFound)
        try c.encode(score.strict, forKey: .strict)
        try c.encode(score.datesGold, forKey: .datesGold)
        try c.encode(score.datesRight, forKey: .datesRight)
        try c.encode(score.baseYearRight, forKey: .baseYearRight)
        try c.encode(score.misses, forKey: .misses)
        try c.encode(score.falsePositives, forKey: .falsePositives)
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        precision = try c.decode(Double.self, forKey: .precision)
        recall = try c.decode(Double.self, forKey: .recall)
        f1 = try c.decode(Double.self, forKey: .f1)
        var s = KindScore()
        s.gold = try c.decode(Int.self, forKey: .gold)
        s.predicted = try c.decode(Int.self, forKey: .predicted)
        s.truePositives = try c.decode(Int.self, forKey: .truePositives)
        s.amountFound = try c.decode(Int.self, forKey: .amountFound)
        s.strict = try c.decode(Int.self, forKey: .strict)
        s.datesGold = try c.decode(Int.self, forKey: .datesGold)
        s.datesRight = try c.decode(Int.self, forKey: .datesRight)
        s.baseYearRight = try c.decode(Int.self, forKey: .baseYearRight)
        s.misses = try c.decode([Miss].self, forKey: .misses)
        s.falsePositives = try c.decode([FalsePositive].self, forKey: .falsePositives)
        score = s
    }
}
