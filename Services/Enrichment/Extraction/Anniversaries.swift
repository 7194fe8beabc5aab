import AttacheModels

/// Recognises anniversaries: `Nth anniversary of …`, `N years ago … established`,
/// `celebrating (the) N years of …`, `centenary of …`, and `X celebrates its Nth anniversary`.
struct AnniversaryFinder {
    let analysis: ArticleAnalysis
    let tokens: [Token]

    init(analysis: ArticleAnalysis) {
        self.analysis = analysis
        self.tokens = analysis.tokens
    }
    var published: Day { analysis.article.published }
    var home: String { analysis.home }

    func word(_ i: Int) -> String? { analysis.word(i) }

    /// Whether token i exists and belongs to a word list (its precomputed bits, no hashing).
    func has(_ i: Int, _ c: WordClass) -> Bool { i >= 0 && i < tokens.count && tokens[i].classes.contains(c) }

    static let celebrationVerbs: Set<String> = [
        "celebrate", "celebrates", "celebrated", "celebrating", "mark", "marks", "marked", "marking",
        "commemorate", "commemorates", "commemorated", "commemorating", "observe", "observes", "observing", "celebration",
    ]
    static let foundingVerbs: Set<String> = [
        "established", "signed", "founded", "born", "opened", "launched", "adopted", "created", "concluded", "set",
        "formed", "inaugurated", "ratified",
    ]
    static let clauseStops: Set<String> = [
        "took", "take", "takes", "was", "were", "is", "are", "will", "has", "have", "had", "which", "that", "who",
        "held", "shows", "show", "showed", "coincided", "said", "noted", "where", "when", "during", "as",
    ]
    static let personWords: Set<String> = [
        "poet", "poetess", "thinker", "writer", "composer", "scientist", "philosopher", "artist", "painter", "hero",
        "akyn", "educator", "enlightener", "statesman", "scholar", "author", "birth", "born", "playwright", "singer",
    ]
    static let agreementWords: Set<String> = [
        "agreement", "treaty", "accord", "memorandum", "pact", "convention", "charter", "declaration",
    ]

    /// An ordinal ending just before token `end`: `31st`, `thirtieth`, `thirty-first`, `30-year`.
    func ordinal(endingBefore end: Int) -> (Int, Int)? {
        let i = end - 1
        guard i >= 0 else { return nil }
        let w = tokens[i].lower
        if ["st", "nd", "rd", "th"].contains(w), tokens[i].attached, i >= 1, tokens[i - 1].kind == .number, let n = Int(tokens[i - 1].lower) {
            return (n, i - 1)
        }
        if tokens[i].classes.contains(.ordinal), let n = Lexicon.ordinals[w] {
            if i >= 2, word(i - 1) == "-", let t = word(i - 2), Lexicon.tens.contains(t), let tv = Lexicon.cardinals[t], n < 10 { return (tv + n, i - 2) }
            return (n, i)
        }
        if w == "year" || w == "years", i >= 1 {
            var j = i - 1
            if word(j) == "-" { j -= 1 }
            if j >= 0, tokens[j].kind == .number, let n = Int(tokens[j].lower) { return (n, j) }
            if j >= 0, tokens[j].classes.contains(.cardinal), let n = Lexicon.cardinals[tokens[j].lower] { return (n, j) }
        }
        return nil
    }

    /// An ordinal starting at i (`78th`, `thirtieth`): value and end.
    func ordinal(at i: Int) -> (Int, Int)? {
        guard let w = word(i) else { return nil }
        if tokens[i].classes.contains(.ordinal), let n = Lexicon.ordinals[w] { return (n, i + 1) }
        if tokens[i].kind == .number, let n = Int(w), let suffix = word(i + 1), tokens[i + 1].attached,
           ["st", "nd", "rd", "th"].contains(suffix) { return (n, i + 2) }
        return nil
    }

    /// The capitalised name before `'s` (and an optional bracketed abbreviation) that ends just
    /// before token `i`: `the Indonesian National Army's (TNI)`.
    func possessor(before i: Int, in range: Range<Int>) -> Range<Int>? {
        var j = i - 1
        if word(j) == ")" {
            while j > range.lowerBound, word(j) != "(" { j -= 1 }
            j -= 1
        }
        guard word(j) == "s", word(j - 1) == "'" else { return nil }
        let end = j - 1
        var s = end - 1
        while s >= range.lowerBound, tokens[s].kind == .word, tokens[s].isCapitalised { s -= 1 }
        guard s + 1 < end else { return nil }
        return (s + 1)..<end
    }

    /// The country in `X's` just before token i.
    func countryOwner(before i: Int) -> CountryToken? {
        guard word(i - 1) == "s", word(i - 2) == "'" else { return nil }
        return analysis.countries.first { $0.endToken == i - 2 && $0.role != .capital }
    }

    /// A cardinal at i (`30`, `thirty`, `thirty-one`): value and end.
    func cardinal(at i: Int) -> (Int, Int)? {
        guard let w = word(i) else { return nil }
        if tokens[i].kind == .number, let n = Int(w), !w.utf8.contains(44), !w.utf8.contains(46) { return (n, i + 1) }
        if tokens[i].classes.contains(.cardinal), let n = Lexicon.cardinals[w] {
            if Lexicon.tens.contains(w), word(i + 1) == "-", let u = word(i + 2), let un = Lexicon.cardinals[u], un < 10 { return (n + un, i + 3) }
            return (n, i + 1)
        }
        return nil
    }

    struct Trigger {
        var ordinal: Int
        var start: Int
        var triggerEnd: Int
        /// Where the description of what is commemorated starts, if anywhere.
        var phraseStart: Int?
        var yearsAgo: Bool
        var namedBefore: Range<Int>?
        /// A word between the ordinal and `anniversary` that says what it is: `independence`,
        /// `birth` (`the 30th independence anniversary of Kazakhstan`).
        var modifier: String? = nil
        /// A country whose day it is (`Indonesia's 78th Independence Day`).
        var owner: String? = nil
    }

    func triggers(in range: Range<Int>) -> [Trigger] {
        var result: [Trigger] = []
        var i = range.lowerBound
        while i < range.upperBound {
            guard tokens[i].kind == .number || tokens[i].classes.contains(.anniversaryStart) else { i += 1; continue }
            let w = tokens[i].lower
            if w == "anniversary" || w == "birthday" || w == "jubilee" {
                // "the 30th independence anniversary of Kazakhstan", "175th birth anniversary of Abay".
                var modifier: String?
                var found = ordinal(endingBefore: i)
                if found == nil, i >= 1, let m = word(i - 1), Lexicon.anniversaryModifiers[m] != nil {
                    found = ordinal(endingBefore: i - 1)
                    modifier = m
                }
                if let (n, start) = found, start >= range.lowerBound, modifier != nil, word(i + 1) == "of" {
                    result.append(Trigger(ordinal: n, start: start, triggerEnd: i + 1, phraseStart: i + 2, yearsAgo: false, modifier: modifier))
                } else if let (n, start) = found, start >= range.lowerBound, modifier == nil, word(i + 1) != "of", let named = possessor(before: start, in: range) {
                    // "the Indonesian National Army's (TNI) 78th anniversary".
                    result.append(Trigger(ordinal: n, start: named.lowerBound, triggerEnd: i + 1, phraseStart: nil, yearsAgo: false, namedBefore: named))
                } else if let (n, start) = found, start >= range.lowerBound, modifier == nil {
                    if word(i + 1) == "of" {
                        result.append(Trigger(ordinal: n, start: start, triggerEnd: i + 1, phraseStart: i + 2, yearsAgo: false))
                    } else {
                        // "Air Astana celebrated its 20th anniversary": the name before the verb.
                        var j = start - 1
                        if word(j) == "its" || word(j) == "their" || word(j) == "the" { j -= 1 }
                        if j >= range.lowerBound, has(j, .celebrationVerbs) {
                            var k = j - 1
                            if ["is", "was", "will", "has", "have", "had", "would"].contains(word(k) ?? "") { k -= 1 }
                            var s = k
                            while s >= range.lowerBound {
                                if tokens[s].isCapitalised || (tokens[s].kind == .symbol && tokens[s].lower == "-") { s -= 1; continue }
                                // "Assembly of People of Kazakhstan": connectors between capitalised words.
                                if ["of", "and", "for", "the", "in"].contains(tokens[s].lower), s - 1 >= range.lowerBound, tokens[s - 1].isCapitalised { s -= 1; continue }
                                break
                            }
                            if s + 1 <= k, tokens[s + 1].lower == "the" { s += 1 }
                            if s < k {
                                result.append(Trigger(ordinal: n, start: start, triggerEnd: i + 1, phraseStart: nil, yearsAgo: false,
                                                      namedBefore: (s + 1)..<(k + 1)))
                            }
                        }
                    }
                }
            } else if ["centenary", "centennial", "bicentenary", "bicentennial", "sesquicentennial"].contains(w), word(i + 1) == "of" {
                let n = w.hasPrefix("bi") ? 200 : w.hasPrefix("sesqui") ? 150 : 100
                result.append(Trigger(ordinal: n, start: i, triggerEnd: i + 1, phraseStart: i + 2, yearsAgo: false))
            } else if let (n, end) = ordinal(at: i), word(end) == "independence", word(end + 1) == "day",
                      let owner = countryOwner(before: i) {
                // "Indonesia's 78th Independence Day".
                result.append(Trigger(ordinal: n, start: owner.token, triggerEnd: end + 2, phraseStart: nil, yearsAgo: false,
                                      modifier: "independence", owner: owner.code))
                i = end + 2
                continue
            } else if let (n, end) = cardinal(at: i), word(end) == "years", word(end + 1) == "ago", end + 2 <= range.upperBound {
                let rest = tokens[(end + 2)..<range.upperBound].map(\.lower)
                // "… set up diplomatic relations exactly 30 years ago": the verb may come first.
                let clauseBefore = tokens[clause(around: i, in: range).lowerBound..<i].map(\.lower)
                if rest.contains(where: { Self.foundingVerbs.contains($0) }) || clauseBefore.contains(where: { Self.foundingVerbs.contains($0) }) {
                    result.append(Trigger(ordinal: n, start: i, triggerEnd: end + 2, phraseStart: end + 2, yearsAgo: true))
                    i = end + 2
                    continue
                }
            } else if Self.celebrationVerbs.contains(w) {
                var j = i + 1
                if word(j) == "the" || word(j) == "their" || word(j) == "its" { j += 1 }
                if let (n, end) = cardinal(at: j), word(end) == "years", word(end + 1) == "of" || word(end + 1) == "since" {
                    result.append(Trigger(ordinal: n, start: j, triggerEnd: end + 1, phraseStart: end + 2, yearsAgo: false))
                    i = end + 2
                    continue
                }
            }
            i += 1
        }
        // Nothing may reach past the sentence.
        return result.filter { (1...1000).contains($0.ordinal) && $0.start >= range.lowerBound && $0.triggerEnd <= range.upperBound
            && ($0.phraseStart ?? range.lowerBound) <= range.upperBound }
    }

    /// A date in the sentence: `29 June 2022`, `June 29, 2023`, `on June 29`.
    func dates(in range: Range<Int>) -> [(month: Int, day: Int, year: Int?, at: Int)] {
        var result: [(month: Int, day: Int, year: Int?, at: Int)] = []
        for i in range {
            guard tokens[i].classes.contains(.month), let m = Lexicon.months[tokens[i].lower], tokens[i].isCapitalised else { continue }
            if i - 1 >= range.lowerBound, tokens[i - 1].kind == .number, let d = Int(tokens[i - 1].lower), (1...31).contains(d) {
                let y = analysis.periods.year(at: i + 1)
                result.append((m, d, y, i - 1))
            } else if i + 1 < range.upperBound, tokens[i + 1].kind == .number, let d = Int(tokens[i + 1].lower), (1...31).contains(d),
                      tokens[i + 1].lower.count <= 2 {
                var y: Int?
                if word(i + 2) == ",", let yy = analysis.periods.year(at: i + 3) { y = yy } else { y = analysis.periods.year(at: i + 2) }
                result.append((m, d, y, i))
            }
        }
        return result
    }

    /// The comma-delimited clause around token i.
    func clause(around i: Int, in range: Range<Int>) -> Range<Int> {
        var s = i
        while s > range.lowerBound, ![",", ";"].contains(tokens[s - 1].lower) { s -= 1 }
        var e = i
        while e < range.upperBound, ![",", ";"].contains(tokens[e].lower) { e += 1 }
        return s..<e
    }

    static func canonicalName(_ code: String) -> String {
        let name = Countries.name(of: code) ?? code
        if name.hasPrefix("United ") || name.hasPrefix("European ") || name.hasSuffix(" Republic") || name == "Netherlands" {
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

    func find() -> [Anniversary] {
        var result: [Anniversary] = []
        for sentence in analysis.sentences {
            let range = sentence.range
            for t in triggers(in: range) {
                if let a = resolve(t, in: range) {
                    if let k = result.firstIndex(where: { $0.id == a.id }) {
                        if result[k].baseDate == nil, a.baseDate != nil {
                            result[k].baseDate = a.baseDate
                            result[k].onPublicationDay = a.onPublicationDay
                            result[k].next = a.next
                        }
                    } else {
                        result.append(a)
                    }
                }
            }
        }
        return result
    }

    func resolve(_ t: Trigger, in range: Range<Int>) -> Anniversary? {
        // What is commemorated.
        var phraseEnd = t.phraseStart ?? t.triggerEnd
        var wideEnd = phraseEnd
        if let ps = t.phraseStart {
            var e = ps
            while e < range.upperBound {
                let w = tokens[e].lower
                if [",", ";", ".", "(", ")", "!", "?", "\""].contains(w) || Self.clauseStops.contains(w) { break }
                e += 1
            }
            phraseEnd = e
            var we = ps
            while we < range.upperBound {
                let w = tokens[we].lower
                if [";", ".", "(", ")", "!", "?"].contains(w) || Self.clauseStops.contains(w) { break }
                we += 1
            }
            wideEnd = we
        }
        let phrase = t.phraseStart.map { Array(tokens[$0..<phraseEnd]) } ?? []
        let widePhrase = t.phraseStart.map { Array(tokens[$0..<wideEnd]) } ?? []
        let wordTokens = t.yearsAgo ? Array(tokens[range]) : phrase
        let words = WordSet(wordTokens)

        var kind: AnniversaryKind
        if let m = t.modifier, let k = Lexicon.anniversaryModifiers[m] {
            kind = k
        } else if words.contains("independence") {
            kind = .founding
        } else if words.contains("diplomatic") || (words.contains("relations") && (words.contains("establishment") || words.contains("established"))) {
            kind = .diplomaticRelations
        } else if wordTokens.contains(where: { $0.classes.contains(.agreementWords) }) {
            kind = .agreement
        } else if tokens[t.triggerEnd - 1].lower == "birthday" || widePhrase.contains(where: { Self.personWords.contains($0.lower) }) {
            kind = .birth
        } else if ["founding", "foundation", "establishment", "founded", "creation", "independence", "formation", "established"].contains(where: { words.contains($0) }) || t.namedBefore != nil {
            kind = .founding
        } else {
            kind = .other
        }

        var subject: String
        var parties: [String]
        let clauseRange = t.yearsAgo ? range : clause(around: t.start, in: range)
        func relationParties() -> [String] {
            var codes = orderedParties(countryCodes(in: clauseRange))
            if codes.count < 2 {
                let extra = codes.contains(home) || codes.isEmpty ? analysis.mainPartner : home
                if let extra, !codes.contains(extra) { codes = orderedParties(codes + [extra, home]) }
            }
            return codes
        }
        switch kind {
        case .diplomaticRelations:
            parties = relationParties()
            guard parties.count == 2 else { return nil }
            subject = "diplomatic relations between \(Self.canonicalName(parties[0])) and \(Self.canonicalName(parties[1]))"
        case .agreement:
            parties = relationParties()
            var title = titleRun(phrase)
            if title.isEmpty { title = cleaned(phrase) }
            guard !title.isEmpty else { return nil }
            subject = parties.count == 2 ? "\(title) between \(Self.canonicalName(parties[0])) and \(Self.canonicalName(parties[1]))" : title
        case .birth:
            let birthdayAlone = t.triggerEnd - 1 >= 0 && tokens[t.triggerEnd - 1].lower == "birthday" && t.phraseStart == nil
            var name = birthdayAlone ? "" : personName(phrase)
            if name.isEmpty, !birthdayAlone { name = personName(widePhrase) }
            guard !name.isEmpty else { return nil }
            subject = name
            parties = [name]
        case .founding, .other:
            if let owner = t.owner {
                subject = "independence of \(Self.canonicalName(owner))"
                parties = [owner]
                break
            }
            if t.modifier == "independence" || (words.contains("independence") && t.namedBefore == nil) {
                // "the 30th independence anniversary of Kazakhstan", "the 30th anniversary of Kazakhstan's Independence".
                var codes = orderedParties(countryCodes(in: t.phraseStart.map { $0..<phraseEnd } ?? t.start..<t.triggerEnd))
                // "Kazakhstan celebrates the 29th anniversary of its independence".
                if codes.isEmpty { codes = orderedParties(countryCodes(in: clause(around: t.start, in: range))) }
                guard let code = codes.first ?? (t.modifier == "independence" ? nil : home) else { return nil }
                subject = "independence of \(Self.canonicalName(code))"
                parties = [code]
                break
            }
            if let named = t.namedBefore {
                subject = tokens[named].map(\.raw).joined(separator: " ")
            } else {
                subject = cleaned(phrase)
            }
            guard !subject.isEmpty else { return nil }
            parties = orderedParties(countryCodes(in: t.phraseStart.map { $0..<phraseEnd } ?? t.start..<t.triggerEnd))
        }

        // The year the anniversary falls in, and its day where known.
        var year = published.year
        var date: (month: Int, day: Int)?
        let sentenceDates = dates(in: range)
        let today = tokens[range].contains { $0.lower == "today" }
        if t.yearsAgo {
            if let d = sentenceDates.first(where: { $0.at >= t.start }) ?? sentenceDates.first { date = (d.month, d.day) }
            else if today { date = (published.month, published.day) }
        } else {
            if let d = sentenceDates.last(where: { $0.at < t.start && $0.year != nil }) {
                year = d.year!
                date = (d.month, d.day)
            } else if let y = yearBefore(t.start, in: range) {
                year = y
            } else if let y = yearAfter(t.triggerEnd, in: range) {
                year = y
            }
            if date == nil, today { year = published.year; date = (published.month, published.day) }
            if date == nil, let d = sentenceDates.last(where: { $0.at < t.start && $0.year == nil }),
               word(d.at - 1) == "on" || marksFollows(d.at) {
                // "on June 29 …", "June 5 marks the 30th anniversary".
                date = (d.month, d.day)
            }
            // "… marks its 30th anniversary on March 1", "the 30th anniversary of relations (15 July)".
            if date == nil, let d = sentenceDates.first(where: { $0.at >= t.triggerEnd && ($0.year == nil || $0.year == year) }),
               word(d.at - 1) == "on" || (word(d.at - 1) == "(" && d.year == nil) {
                date = (d.month, d.day)
            }
            // "… 30 years since establishing ties on March 2, 1992": the founding day itself.
            if date == nil, let d = sentenceDates.first(where: { $0.at >= t.triggerEnd && $0.year == year - t.ordinal }) {
                date = (d.month, d.day)
            }
            // "On Thursday we marked the 30th anniversary": the last such weekday up to publication.
            if date == nil, let day = weekdayBefore(t.start, in: range) { year = day.year; date = (day.month, day.day) }
        }
        let baseYear = year - t.ordinal
        guard baseYear >= 1 else { return nil }
        var baseDate = date.flatMap { Day(year: baseYear, month: $0.month, day: $0.day) }
        // The founding day stated elsewhere: "relations were established on August 25, 1992".
        if baseDate == nil { baseDate = foundingDate(in: baseYear, kind: kind) }
        let onPublicationDay = baseDate.map { $0.month == published.month && $0.day == published.day && year == published.year } ?? false
        let nextOrdinal = (t.ordinal / 5 + 1) * 5
        let nextDate = baseDate.flatMap { Day(year: baseYear + nextOrdinal, month: $0.month, day: $0.day) }
        let next = Milestone(ordinal: nextOrdinal, year: baseYear + nextOrdinal, date: nextDate)

        var end = t.yearsAgo ? range.upperBound : max(phraseEnd, t.triggerEnd)
        while end > t.start + 1, tokens[end - 1].kind == .symbol { end -= 1 }
        let (span, text) = analysis.span(t.start..<end)
        return Anniversary(kind: kind, subject: subject, parties: parties, ordinal: t.ordinal, year: year, baseYear: baseYear,
                           baseDate: baseDate, onPublicationDay: onPublicationDay, next: next, span: span, text: text)
    }

    /// Whether `marks`, `will mark` or `this year marks` follows the date at `at`.
    func marksFollows(_ at: Int) -> Bool {
        var j = at
        while j < at + 3, j < tokens.count, tokens[j].kind != .word || tokens[j].classes.contains(.month) { j += 1 }
        if word(j) == "this" || word(j) == "next", word(j + 1) == "year" { j += 2 }
        if word(j) == "will" { j += 1 }
        return ["marks", "mark", "marked"].contains(word(j) ?? "")
    }

    /// `On Thursday` before the trigger: the latest such weekday on or before publication.
    func weekdayBefore(_ i: Int, in range: Range<Int>) -> Day? {
        for j in range.lowerBound..<i where word(j) == "on" {
            guard let w = word(j + 1), let target = Lexicon.weekdays[w], tokens[j + 1].isCapitalised else { continue }
            var day = published
            for _ in 0..<7 {
                if Self.weekday(of: day) == target { return day }
                day = Self.dayBefore(day)
            }
        }
        return nil
    }

    /// ISO weekday (Monday = 1) of a day (Zeller's congruence).
    static func weekday(of d: Day) -> Int {
        var y = d.year, m = d.month
        if m < 3 { m += 12; y -= 1 }
        let h = (d.day + (13 * (m + 1)) / 5 + y + y / 4 - y / 100 + y / 400) % 7  // 0 = Saturday
        return (h + 5) % 7 + 1
    }

    static func dayBefore(_ d: Day) -> Day {
        if d.day > 1 { return Day(year: d.year, month: d.month, day: d.day - 1)! }
        if d.month > 1 { return Day.last(ofMonth: d.month - 1, year: d.year)! }
        return Day(year: max(1, d.year - 1), month: 12, day: 31)!
    }

    /// A full date in `baseYear` that the article gives for a founding: a sentence with a
    /// founding verb (and, for diplomatic relations, the word relations or ties).
    /// The founding verbs and the nouns of founding: a sentence with none of them gives no founding date.
    static let foundingWords: Set<String> = foundingVerbs.union(["establishment", "establishing", "signing"])

    func foundingDate(in baseYear: Int, kind: AnniversaryKind) -> Day? {
        for sentence in analysis.sentences {
            let words = tokens[sentence.range]
            guard words.contains(where: { $0.classes.contains(.foundingWords) }) else { continue }
            if kind == .diplomaticRelations, !words.contains(where: { $0.lower == "relations" || $0.lower == "ties" }) { continue }
            for d in dates(in: sentence.range) where d.year == baseYear {
                if let day = Day(year: baseYear, month: d.month, day: d.day) { return day }
            }
        }
        return nil
    }

    func yearBefore(_ i: Int, in range: Range<Int>) -> Int? {
        var j = i - 1
        while j >= range.lowerBound {
            let w = tokens[j].lower
            if w == "year", j >= 1 {
                let p = tokens[j - 1].lower
                if p == "this" || p == "current" { return published.year }
                if p == "next" { return published.year + 1 }
                if p == "last" { return published.year - 1 }
            }
            if let y = analysis.periods.year(at: j), ["in", "of"].contains(word(j - 1) ?? ""),
               !has(j - 2, .foundingVerbs) { return y }
            // "In December 2021, during celebrations of …", "planned for March 2023, … marking".
            if let y = analysis.periods.year(at: j), j >= 2, has(j - 1, .month),
               ["in", "of", "for", "since", "until"].contains(word(j - 2) ?? "") { return y }
            j -= 1
        }
        return nil
    }

    func yearAfter(_ i: Int, in range: Range<Int>) -> Int? {
        var j = i
        while j < range.upperBound {
            if let y = analysis.periods.year(at: j), word(j - 1) == "in",
               y >= published.year - 1 || has(j - 2, .celebrationVerbs) || ["celebrated", "held"].contains(word(j - 2) ?? ""),
               !has(j - 2, .foundingVerbs) { return y }
            if let y = analysis.periods.year(at: j), has(j - 1, .month), word(j - 2) == "in",
               y >= published.year - 1 { return y }
            if tokens[j].lower == "year", j >= 1 {
                let p = tokens[j - 1].lower
                if p == "this" || p == "current" { return published.year }
                if p == "next" { return published.year + 1 }
                if p == "last" { return published.year - 1 }
            }
            j += 1
        }
        return nil
    }

    /// A capitalised title around an agreement word: `Enhanced Partnership and Cooperation
    /// Agreement`, `Treaty on Eternal Friendship`.
    func titleRun(_ phrase: [Token]) -> String {
        guard let anchor = phrase.firstIndex(where: { $0.classes.contains(.agreementWords) && $0.isCapitalised }) else { return "" }
        let connectors: Set<String> = ["and", "of", "on", "for", "in"]
        var s = anchor
        while s > 0 {
            let t = phrase[s - 1]
            if t.kind == .word, t.isCapitalised || (connectors.contains(t.lower) && s >= 2 && phrase[s - 2].isCapitalised) { s -= 1 } else { break }
        }
        var e = anchor
        while e + 1 < phrase.count {
            let t = phrase[e + 1]
            if t.kind == .word, t.isCapitalised, Countries.code(for: t.raw) == nil { e += 1; continue }
            if t.kind == .word, connectors.contains(t.lower), e + 2 < phrase.count, phrase[e + 2].isCapitalised,
               Countries.code(for: phrase[e + 2].raw) == nil { e += 2; continue }
            break
        }
        return phrase[s...e].map(\.raw).joined(separator: " ")
    }

    /// The last run of capitalised words that is not a country: `Abai Kunanbayev`.
    func personName(_ phrase: [Token]) -> String {
        // The first run: "the birth of Abai this year, and … the Golden Horde" is Abai's.
        var run: [Token] = []
        for t in phrase {
            if t.kind == .word, t.isCapitalised, Countries.code(for: t.raw) == nil {
                run.append(t)
            } else if !run.isEmpty {
                break
            }
        }
        return run.map(\.raw).joined(separator: " ")
    }

    /// The phrase without leading articles and framing (`the establishment of the`), cut
    /// before time and place words, at most eight words.
    func cleaned(_ phrase: [Token]) -> String {
        var words = phrase.filter { $0.kind == .word || $0.lower == "-" || $0.lower == "'" }.map(\.raw)
        func strip() {
            while let f = words.first, ["the", "a", "an"].contains(f.lowercased()), words.count > 1 { words.removeFirst() }
        }
        strip()
        if words.count > 2, ["signing", "adoption", "establishment", "founding", "foundation", "creation", "opening"].contains(words[0].lowercased()),
           words[1].lowercased() == "of" {
            words.removeFirst(2)
            strip()
        }
        let stops: Set<String> = ["this", "next", "last", "with", "at", "by", "in", "on", "during", "and"]
        if let cut = words.indices.dropFirst().first(where: { stops.contains(words[$0].lowercased()) && words[$0].first?.isLowercase == true }) {
            words = Array(words[..<cut])
        }
        return words.prefix(8).joined(separator: " ")
    }
}

/// The words of a short phrase, looked up by scanning (cheaper than hashing each word into a Set).
struct WordSet {
    let tokens: [Token]
    init(_ tokens: [Token]) { self.tokens = tokens }
    func contains(_ word: String) -> Bool { tokens.contains { $0.lower == word } }
}
