import AttacheModels

/// What a sentence passes on to the next one: the period it speaks of and its metric. Most
/// sentences of an article state no amount and no change; for them this is all
/// `analyseSentence` computes (no clauses, brackets or parties), with the same rules.
extension ArticleAnalysis {
    /// The result of a sentence without amounts or changes: only its main period and metric
    /// (what `analyseSentence` would give it, since it has no figure to find).
    func quietSentence(
        _ range: Range<Int>, periods periodList: [PeriodMention], metrics metricList: [MetricMention],
        carryPeriod: Period?, carryMetric: Metric?
    ) -> SentenceResult {
        var result = SentenceResult()
        if !periodList.isEmpty {
            result.mainPeriod =
                sentencePeriods(periodList, segments: segments(in: range), carryPeriod: carryPeriod).main
        }
        if let first = metricList.first {
            result.metric = first.metric
        } else if let carryMetric, refersBack(range) {
            result.metric = carryMetric
        }
        return result
    }

    /// The period a sentence speaks of: its first absolute period outside a comparison
    /// (`reference`), what its relative periods resolve against (`ref`: that period, else the
    /// one carried, else the publication year), and its main period (the reference, else its
    /// first period outside a comparison, resolved).
    func sentencePeriods(_ periodList: [PeriodMention], segments segs: [Segment], carryPeriod: Period?) -> (
        reference: Period?, ref: Period, main: Period?
    ) {
        var reference: Period?
        for p in periodList where !isComparison(p, in: segs) {
            if case .absolute(let period) = p.kind { reference = period; break }
        }
        let ref = reference ?? carryPeriod ?? .year(article.published.year)
        let main =
            reference
            ?? periodList.first(where: { !isComparison($0, in: segs) }).flatMap { resolve($0.kind, reference: ref) }
        return (reference, ref, main)
    }

    /// Whether a period mention speaks of what something is compared with: by its own words
    /// or by its clause (`compared to 2020`).
    func isComparison(_ p: PeriodMention, in segs: [Segment]) -> Bool {
        p.comparison || segs[segmentIndex(of: p.range.lowerBound, in: segs)].comparison
    }

    /// Whether a sentence refers back to the previous sentence's metric: `it`, `they`, `this
    /// is`, `the figure`, `the growth`.
    func refersBack(_ range: Range<Int>) -> Bool {
        range.contains { i in
            let c = tokens[i].classes
            guard c.contains(.pronouns) || c.contains(.upNouns) || c.contains(.downNouns) else { return false }
            let w = tokens[i].id
            return w == .it || w == .they
                || ((w == .this || w == .that) && ["is", "was", "represents", "marks"].contains(word(i + 1) ?? ""))
                || ((w == .figure || w == .indicator || c.contains(.upNouns) || c.contains(.downNouns))
                    && ["the", "this", "that"].contains(word(i - 1) ?? ""))
        }
    }
}
