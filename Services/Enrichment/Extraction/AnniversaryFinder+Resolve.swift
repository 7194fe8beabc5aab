import AttacheModels

/// From a trigger to an anniversary: what is commemorated (its kind, subject and parties),
/// the year it falls in and its day where known, the founding year and the next milestone.
extension AnniversaryFinder {
    func resolve(_ t: Trigger, in range: Range<Int>) -> Anniversary? {
        // What is commemorated.
        var phraseEnd = t.phraseStart ?? t.triggerEnd
        var wideEnd = phraseEnd
        if let ps = t.phraseStart {
            var e = ps
            while e < range.upperBound, !Self.endsPhrase(tokens[e], atComma: true) { e += 1 }
            phraseEnd = e
            var we = ps
            while we < range.upperBound, !Self.endsPhrase(tokens[we], atComma: false) { we += 1 }
            wideEnd = we
        }
        let phrase = t.phraseStart.map { Array(tokens[$0..<phraseEnd]) } ?? []
        let widePhrase = t.phraseStart.map { Array(tokens[$0..<wideEnd]) } ?? []
        let wordTokens = t.yearsAgo ? Array(tokens[range]) : phrase
        let none = self.words[range.lowerBound..<range.lowerBound]
        let wideWords = t.phraseStart.map { self.words[$0..<wideEnd] } ?? none
        let words = WordSet(t.yearsAgo ? self.words[range] : t.phraseStart.map { self.words[$0..<phraseEnd] } ?? none)

        var kind: AnniversaryKind
        if let m = t.modifier, let k = Lexicon.anniversaryModifiers[m] {
            kind = k
        } else if words.contains("independence") {
            kind = .founding
        } else if words.contains("diplomatic")
            || (words.contains("relations") && (words.contains("establishment") || words.contains("established")))
        {
            kind = .diplomaticRelations
        } else if wordTokens.contains(where: { $0.classes.contains(.agreementWords) }) {
            kind = .agreement
        } else if tokens[t.triggerEnd - 1].id == .birthday
            || wideWords.contains(where: { Self.personWords.contains($0) })
        {
            kind = .birth
        } else if [
            "founding", "foundation", "establishment", "founded", "creation", "independence", "formation",
            "established",
        ].contains(where: { words.contains($0) }) || t.namedBefore != nil {
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
            subject =
                "diplomatic relations between \(Self.canonicalName(parties[0])) and \(Self.canonicalName(parties[1]))"
        case .agreement:
            parties = relationParties()
            var title = titleRun(phrase)
            if title.isEmpty { title = cleaned(phrase) }
            guard !title.isEmpty else { return nil }
            subject =
                parties.count == 2
                ? "\(title) between \(Self.canonicalName(parties[0])) and \(Self.canonicalName(parties[1]))" : title
        case .birth:
            let birthdayAlone =
                t.triggerEnd - 1 >= 0 && tokens[t.triggerEnd - 1].id == .birthday && t.phraseStart == nil
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
                var codes = orderedParties(
                    countryCodes(in: t.phraseStart.map { $0..<phraseEnd } ?? t.start..<t.triggerEnd))
                // "Kazakhstan celebrates the 29th anniversary of its independence".
                if codes.isEmpty { codes = orderedParties(countryCodes(in: clause(around: t.start, in: range))) }
                guard let code = codes.first ?? (t.modifier == "independence" ? nil : home) else { return nil }
                subject = "independence of \(Self.canonicalName(code))"
                parties = [code]
                break
            }
            if let named = t.namedBefore {
                subject = tokens[named].map(analysis.raw).joined(separator: " ")
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
        let today = tokens[range].contains { $0.id == .today }
        if t.yearsAgo {
            if let d = sentenceDates.first(where: { $0.at >= t.start }) ?? sentenceDates.first {
                date = (d.month, d.day)
            } else if today {
                date = (published.month, published.day)
            }
        } else {
            if let d = sentenceDates.last(where: { $0.at < t.start && $0.year != nil }) {
                year = d.year!
                date = (d.month, d.day)
            } else if let y = yearBefore(t.start, in: range) {
                year = y
            } else if let y = yearAfter(t.triggerEnd, in: range) {
                year = y
            } else if published.month == 12, !today, plannedCelebration(before: t.start, in: range) {
                // "… plans to mark the 175th anniversary of …" in a December article, no year
                // named: a celebration still to come falls in the next year.
                year = published.year + 1
            }
            if date == nil, today { year = published.year; date = (published.month, published.day) }
            if date == nil, let d = sentenceDates.last(where: { $0.at < t.start && $0.year == nil }),
                id(d.at - 1) == .on || marksFollows(d.at)
            {
                // "on June 29 …", "June 5 marks the 30th anniversary".
                date = (d.month, d.day)
            }
            // "… marks its 30th anniversary on March 1", "the 30th anniversary of relations (15 July)".
            if date == nil,
                let d = sentenceDates.first(where: { $0.at >= t.triggerEnd && ($0.year == nil || $0.year == year) }),
                id(d.at - 1) == .on || (id(d.at - 1) == .openBracket && d.year == nil)
            {
                date = (d.month, d.day)
            }
            // "… 30 years since establishing ties on March 2, 1992": the founding day itself.
            if date == nil, let d = sentenceDates.first(where: { $0.at >= t.triggerEnd && $0.year == year - t.ordinal })
            {
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
        let onPublicationDay =
            baseDate.map { $0.month == published.month && $0.day == published.day && year == published.year } ?? false
        let nextOrdinal = (t.ordinal / 5 + 1) * 5
        let nextDate = baseDate.flatMap { Day(year: baseYear + nextOrdinal, month: $0.month, day: $0.day) }
        let next = Milestone(ordinal: nextOrdinal, year: baseYear + nextOrdinal, date: nextDate)

        var end = t.yearsAgo ? range.upperBound : max(phraseEnd, t.triggerEnd)
        while end > t.start + 1, tokens[end - 1].kind == .symbol { end -= 1 }
        let (span, text) = analysis.span(t.start..<end)
        return Anniversary(
            kind: kind, subject: subject, parties: parties, ordinal: t.ordinal, year: year, baseYear: baseYear,
            baseDate: baseDate, onPublicationDay: onPublicationDay, next: next, span: span, text: text)
    }

    /// Whether a token ends the phrase that says what is commemorated: a clause word, a
    /// bracket, a full stop (and, for the narrow phrase, a comma or a quote).
    static func endsPhrase(_ t: Token, atComma: Bool) -> Bool {
        if t.classes.contains(.clauseStops) { return true }
        guard t.kind == .symbol else { return false }
        switch t.id {
        case .semicolon, .fullStop, .openBracket, .closeBracket, .exclamationMark, .questionMark: return true
        case .comma, .quote: return atComma
        default: return false
        }
    }
}
