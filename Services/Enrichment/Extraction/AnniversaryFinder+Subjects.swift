import AttacheModels

/// How an anniversary's subject and parties are named: canonical country names, parties in
/// order (home first), an agreement's capitalised title, a person's name, a cleaned phrase.
extension AnniversaryFinder {
    static func canonicalName(_ code: String) -> String {
        let name = Countries.name(of: code) ?? code
        if name.hasPrefix("United ") || name.hasPrefix("European ") || name.hasSuffix(" Republic")
            || name == "Netherlands"
        {
            return "the " + name
        }
        return name
    }

    func orderedParties(_ codes: [String]) -> [String] {
        var unique: [String] = []
        for c in codes where !unique.contains(c) { unique.append(c) }
        let others = unique.filter { $0 != home }
        if unique.contains(home) { return [home] + others.prefix(1) }
        return Array(others.sorted().prefix(2))
    }

    func countryCodes(in range: Range<Int>) -> [String] {
        analysis.countries(in: range).filter { $0.role != .capital }.map(\.code)
    }

    /// A capitalised title around an agreement word: `Enhanced Partnership and Cooperation
    /// Agreement`, `Treaty on Eternal Friendship`.
    func titleRun(_ phrase: [Token]) -> String {
        guard let anchor = phrase.firstIndex(where: { $0.classes.contains(.agreementWords) && $0.isCapitalised }) else {
            return ""
        }
        /// The small words a title runs on through: `and`, `of`, `on`, `for`, `in`.
        func isConnector(_ t: Token) -> Bool {
            switch t.id {
            case .and, .of, .on, .for, .in: return true
            default: return false
            }
        }
        var s = anchor
        while s > 0 {
            let t = phrase[s - 1]
            if t.kind == .word,
                t.isCapitalised || (isConnector(t) && s >= 2 && phrase[s - 2].isCapitalised)
            {
                s -= 1
            } else {
                break
            }
        }
        var e = anchor
        while e + 1 < phrase.count {
            let t = phrase[e + 1]
            if t.kind == .word, t.isCapitalised, Countries.code(for: analysis.raw(t)) == nil { e += 1; continue }
            if t.kind == .word, isConnector(t), e + 2 < phrase.count, phrase[e + 2].isCapitalised,
                Countries.code(for: analysis.raw(phrase[e + 2])) == nil
            {
                e += 2; continue
            }
            break
        }
        return phrase[s...e].map(analysis.raw).joined(separator: " ")
    }

    /// The last run of capitalised words that is not a country: `Abai Kunanbayev`.
    func personName(_ phrase: [Token]) -> String {
        // The first run: "the birth of Abai this year, and … the Golden Horde" is Abai's.
        var run: [Token] = []
        for t in phrase {
            if t.kind == .word, t.isCapitalised, Countries.code(for: analysis.raw(t)) == nil {
                run.append(t)
            } else if !run.isEmpty {
                break
            }
        }
        return run.map(analysis.raw).joined(separator: " ")
    }

    /// The phrase without leading articles and framing (`the establishment of the`), cut
    /// before time and place words, at most eight words.
    func cleaned(_ phrase: [Token]) -> String {
        var words = phrase.filter { $0.kind == .word || $0.id == .hyphen || $0.id == .apostrophe }.map(analysis.raw)
        func strip() {
            while let f = words.first, ["the", "a", "an"].contains(f.lowercased()), words.count > 1 {
                words.removeFirst()
            }
        }
        strip()
        if words.count > 2,
            ["signing", "adoption", "establishment", "founding", "foundation", "creation", "opening"].contains(
                words[0].lowercased()),
            words[1].lowercased() == "of"
        {
            words.removeFirst(2)
            strip()
        }
        let stops: Set<String> = ["this", "next", "last", "with", "at", "by", "in", "on", "during", "and"]
        if let cut = words.indices.dropFirst().first(where: {
            stops.contains(words[$0].lowercased()) && words[$0].first?.isLowercase == true
        }) {
            words = Array(words[..<cut])
        }
        return words.prefix(8).joined(separator: " ")
    }
}

/// The words of a short phrase, looked up by scanning (cheaper than hashing each word into a Set).
struct WordSet {
    let words: Slice<TokenWords>
    init(_ words: Slice<TokenWords>) { self.words = words }
    func contains(_ word: String) -> Bool { words.contains(word) }
}
