import AttacheModels

/// Exports and imports seen from the home country: whose flow a metric word names, and the
/// home country's metric for it.
extension ArticleAnalysis {
    /// Exports and imports from the home country's side. When the text gives the partner's own
    /// statistics — `Kyrgyzstan's exports to Kazakhstan`, `imports to Azerbaijan from
    /// Kazakhstan`, `Austria's imports`, `its imports` after `Thailand's exports` — the flow is
    /// the other one for the home country.
    func flowMetric(_ m: MetricMention, sentence: Range<Int>) -> Metric {
        guard m.metric == .exports || m.metric == .imports, !m.range.isEmpty else { return m.metric }
        guard let owner = flowOwner(m, sentence: sentence), owner != home else { return m.metric }
        return m.metric == .exports ? .imports : .exports
    }

    /// Stands for "a country other than home" where the text does not name which
    /// (`exports to Kazakhstan`: someone else's exports); only compared with `home`.
    var otherThanHome: String { "??" }

    /// The country whose exports or imports a metric word names, when the text says.
    func flowOwner(_ m: MetricMention, sentence: Range<Int>) -> String? {
        let s = m.range.lowerBound
        let e = m.range.upperBound
        func country(endingAt end: Int) -> CountryToken? {
            countries.first { $0.endToken == end && $0.role != .capital }
        }
        func country(startingAt start: Int) -> CountryToken? {
            countries.first { $0.token == start && $0.role != .capital }
        }
        // X's exports; Kyrgyz exports.
        if id(s - 1) == .s, id(s - 2) == .apostrophe, let c = country(endingAt: s - 2) { return c.code }
        if let c = country(endingAt: s) { return c.code }
        // its exports: the owner of an earlier flow in the sentence.
        if id(s - 1) == .its || id(s - 1) == .their {
            var j = s - 2
            while j > sentence.lowerBound {
                if ["exports", "imports", "export", "import", "trade"].contains(words[j]), id(j - 1) == .s,
                    id(j - 2) == .apostrophe,
                    let c = country(endingAt: j - 2)
                {
                    return c.code
                }
                j -= 1
            }
        }
        // "Azerbaijan's exports to Kazakhstan …, while imports reached …": a bare flow after an
        // owned one in the same sentence has the same owner.
        if id(s - 1) != .its, id(s - 1) != .their,
            countries.first(where: { $0.token >= e && $0.token <= e + 2 }) == nil
        {
            var j = s - 1
            while j > sentence.lowerBound {
                if ["exports", "imports"].contains(words[j]) {
                    if id(j - 1) == .s, id(j - 2) == .apostrophe, let c = country(endingAt: j - 2) { return c.code }
                    if let c = country(endingAt: j), c.role == .adjective { return c.code }
                }
                j -= 1
            }
        }
        // "exports to Kazakhstan", "imports from Kazakhstan": the partner's flows.
        if let c = country(startingAt: e + 1) ?? country(startingAt: e + 2), c.code == home,
            (m.metric == .exports && (id(e) == .to || id(e) == .into))
                || (m.metric == .imports && id(e) == .from)
        {
            return otherThanHome
        }
        // exports of X, exports from X; imports to/into X.
        var k = e
        if id(k) == .of, id(k + 1) == .goods || id(k + 1) == .products { k += 2 }
        if id(k) == .of || id(k) == .from, let c = country(startingAt: k + 1) ?? country(startingAt: k + 2),
            c.role == .country,
            m.metric == .exports
        {
            return c.code
        }
        if m.metric == .imports, id(k) == .to || id(k) == .into || id(k) == .of,
            let c = country(startingAt: k + 1) ?? country(startingAt: k + 2)
        {
            return c.code
        }
        // "Austrian companies exported goods worth … to Kazakhstan", "imported … from Kazakhstan":
        // the first country the clause sends the goods to (or takes them from) is the home country.
        if ["exported", "imported"].contains(words[s]) {
            let preposition: Set<String> = m.metric == .exports ? ["to", "into"] : ["from"]
            var j = e
            while j < sentence.upperBound, tokens[j].id != .semicolon {
                if preposition.contains(words[j]),
                    let c = country(startingAt: j + 1) ?? country(startingAt: j + 2)
                {
                    return c.code == home ? otherThanHome : nil
                }
                j += 1
            }
        }
        return nil
    }
}
