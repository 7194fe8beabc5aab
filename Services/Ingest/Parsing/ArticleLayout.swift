import AttacheModels

/// Title, image credit, dateline and body of a normalised article.
struct ArticleLayout {
    var title: String?
    var source: String?
    var dateline: Dateline?
    /// The normalised text the body is part of.
    let text: LaidOutText
    /// The body's paragraphs (indices into `text.paragraphs`): those left when the title and
    /// credit lines are taken out.
    private(set) var bodyParagraphs: Range<Int>
    /// The body's first line (an index into `text.lines`), inside its first paragraph: a title
    /// or credit may take the first lines of a paragraph and leave the rest.
    private(set) var bodyFirstLine: Int

    /// Reads the layout of a normalised text. A title or source given by the submitter
    /// (JSON) wins over one found in the text; a first paragraph equal to the given title is
    /// dropped so that the same article as text and as JSON gets the same body and id.
    init(_ text: LaidOutText, givenTitle: String? = nil, givenSource: String? = nil) {
        self.text = text
        title = givenTitle
        source = givenSource
        bodyParagraphs = text.paragraphs.indices
        bodyFirstLine = 0
        var titleDecided = givenTitle != nil
        var givenTitlePending = givenTitle != nil

        // The head of the article: credit lines and a title, in either order. Only short lines
        // can be either, so longer ones are never made into strings.
        for _ in 0..<4 {
            guard !bodyParagraphs.isEmpty else { break }
            let firstLine =
                text.lines[bodyFirstLine].count <= ArticleLayout.maxTitleScalars ? text.line(bodyFirstLine) : nil
            let linesInFirst = text.paragraphs[bodyParagraphs.lowerBound].upperBound - bodyFirstLine
            if let firstLine, let credit = ArticleLayout.credit(in: firstLine),
                bodyParagraphs.count > 1 || linesInFirst > 1
            {
                if source == nil { source = credit }
                dropFirstLine()
                continue
            }
            if givenTitlePending, let givenTitle {
                givenTitlePending = false
                let first = (bodyFirstLine..<(bodyFirstLine + linesInFirst)).map(text.line)
                if first.joined(separator: " ") == givenTitle, bodyParagraphs.count > 1 {
                    dropFirstParagraph()
                    continue
                }
            }
            if !titleDecided {
                titleDecided = true
                if linesInFirst == 1, bodyParagraphs.count > 1, let firstLine, ArticleLayout.isTitleLike(firstLine) {
                    title = firstLine
                    dropFirstParagraph()
                    continue
                }
                if linesInFirst > 1, let firstLine, ArticleLayout.isTitleLike(firstLine),
                    ArticleLayout.dateline(in: text.lineScalars(bodyFirstLine + 1)) != nil
                {
                    title = firstLine
                    dropFirstLine()
                    continue
                }
            }
            break
        }
        // A credit as the last paragraph ("Source: Akorda").
        if bodyParagraphs.count > 1, let last = bodyParagraphs.last.map({ text.paragraphs[$0] }), last.count == 1,
            text.lines[last.lowerBound].count <= ArticleLayout.maxCreditScalars,
            let credit = ArticleLayout.credit(in: text.line(last.lowerBound))
        {
            if source == nil { source = credit }
            bodyParagraphs = bodyParagraphs.dropLast()
        }
        dateline = bodyParagraphs.isEmpty ? nil : ArticleLayout.dateline(in: text.lineScalars(bodyFirstLine))
    }

    /// Takes the first line of the body out (and its paragraph when that was its only line).
    private mutating func dropFirstLine() {
        bodyFirstLine += 1
        if bodyFirstLine == text.paragraphs[bodyParagraphs.lowerBound].upperBound { dropFirstParagraph() }
    }

    /// Takes the first paragraph of the body out.
    private mutating func dropFirstParagraph() {
        bodyParagraphs = bodyParagraphs.dropFirst()
        if let next = bodyParagraphs.first { bodyFirstLine = text.paragraphs[next].lowerBound }
    }

    /// Where the body lies in `text.scalars`: from its first line to the end of its last
    /// paragraph (empty when the body is).
    var bodyRange: Range<Int> {
        guard let last = bodyParagraphs.last else { return 0..<0 }
        return text.lines[bodyFirstLine].lowerBound..<text.lines[text.paragraphs[last].upperBound - 1].upperBound
    }

    /// The body as a string: its paragraphs, lines joined by LF, paragraphs by a blank line.
    var body: String { text.string(bodyRange) }

    /// The spans of the body's paragraphs within `body`, in scalars.
    var paragraphSpans: [TextSpan] {
        let base = bodyRange.lowerBound
        return bodyParagraphs.map { index in
            let paragraph = text.paragraphs[index]
            let first = max(paragraph.lowerBound, bodyFirstLine)
            return TextSpan(
                start: text.lines[first].lowerBound - base, end: text.lines[paragraph.upperBound - 1].upperBound - base)
        }
    }

    /// Whether the body has a letter or a digit.
    var hasWords: Bool {
        text.scalars[bodyRange].contains(where: \.isLetterOrDigit)
    }

    /// Whether a line reads as a headline: short, capitalised, not ending like a sentence,
    /// not a dateline.
    static func isTitleLike(_ line: String) -> Bool {
        let scalars = Array(line.unicodeScalars)
        guard scalars.count >= 3, scalars.count <= maxTitleScalars, let first = scalars.first,
            scalars.contains(where: { $0.properties.isAlphabetic })
        else { return false }
        if first.properties.isLowercase { return false }
        var end = scalars.count - 1
        while end > 0, "\"')]".unicodeScalars.contains(scalars[end]) { end -= 1 }
        if ".,;:".unicodeScalars.contains(scalars[end]) { return false }
        // Splitting takes a while; fewer than 35 spaces cannot make more than 35 words.
        if scalars.count(where: { $0 == " " }) >= 35, line.split(separator: " ").count > 35 { return false }
        return dateline(in: scalars[...]) == nil
    }

    /// The longest line read as a title, in scalars.
    static let maxTitleScalars = 250

    /// The longest line read as a credit, in scalars.
    static let maxCreditScalars = 120

    private static let creditWords = [
        "photo credit", "photo credits", "photos", "photo", "images", "image",
        "pictures", "picture", "illustration", "credit", "credits", "source", "фото",
    ]

    /// The credited source of a line such as `Images | gov.kz`, `Photo: Akorda` or `© gov.kz`.
    static func credit(in line: String) -> String? {
        guard line.unicodeScalars.count <= maxCreditScalars else { return nil }
        let lower = line.lowercased()
        var rest: Substring?
        if lower.hasPrefix("©") {
            rest = line.dropFirst()
        } else {
            for word in creditWords where lower.hasPrefix(word) {
                // Same length in both: lowercasing these ASCII/Cyrillic words keeps their length.
                var tail = line.dropFirst(word.count)
                guard let next = tail.first, next == " " || "|:/©-".contains(next) else { continue }
                tail = tail.drop { $0 == " " }
                if tail.lowercased().hasPrefix("by ") {
                    tail = tail.dropFirst(3)
                } else if let sep = tail.first, "|:/©-".contains(sep) {
                    tail = tail.dropFirst()
                } else {
                    continue
                }
                rest = tail
                break
            }
        }
        guard var value = rest else { return nil }
        value = value.drop { $0 == " " || $0 == "©" }
        while let last = value.last, last == " " || last == "." { value = value.dropLast() }
        guard !value.isEmpty, value.split(separator: " ").count <= 10,
            value.unicodeScalars.contains(where: { $0.properties.isAlphabetic })
        else { return nil }
        return String(value)
    }

    /// The dateline at the start of a line: `ASTANA -`, `ASTANA. KAZINFORM -`,
    /// `NUR-SULTAN. KAZINFORM -`, `ALMATY (Reuters) -`, or a known capital written
    /// `Astana -`. The place is kept as written.
    static func dateline(in line: ArraySlice<Unicode.Scalar>) -> Dateline? {
        let s = Array(line)
        let n = s.count
        var i = 0
        func isUpper(_ k: Int) -> Bool { k < n && s[k].isUppercase }
        func isLower(_ k: Int) -> Bool { k < n && s[k].isLowercase }
        // Place: words of capitals joined by `-` or `'`, separated by single spaces.
        var allUpper = true
        var letters = 0
        func word() -> Bool {
            guard isUpper(i) else { return false }
            let start = i
            while true {
                while isUpper(i) || isLower(i) {
                    if isLower(i) { allUpper = false }
                    letters += 1
                    i += 1
                }
                if i + 1 < n, s[i] == "-" || s[i] == "'", isUpper(i + 1) { i += 1; continue }
                break
            }
            return i > start
        }
        guard word() else { return nil }
        while i + 1 < n, s[i] == " ", isUpper(i + 1) {
            let save = i
            i += 1
            let wasUpper = allUpper
            if !word() || (wasUpper && !allUpper) { i = save; allUpper = wasUpper; break }
        }
        let place = String(scalars: s[0..<i])
        // Agency: `. KAZINFORM`, `, KAZINFORM` or ` (Reuters)`.
        var agency: String?
        if i + 2 < n, s[i] == "." || s[i] == ",", s[i + 1] == " ", isUpper(i + 2) {
            let start = i + 2
            var k = start
            while k < n, s[k].isLetterOrDigit || s[k] == "." || s[k] == "-" {
                k += 1
            }
            while k > start, s[k - 1] == "." || s[k - 1] == "-" { k -= 1 }
            agency = String(scalars: s[start..<k])
            i = k
        } else if i + 2 < n, s[i] == " ", s[i + 1] == "(" {
            guard let close = s[(i + 2)...].firstIndex(of: ")"), close - (i + 2) <= 30, close > i + 2 else {
                return nil
            }
            agency = String(scalars: s[(i + 2)..<close])
            i = close + 1
        }
        // The dash: ` - `, ` -- `, `-` after the agency.
        while i < n, s[i] == " " { i += 1 }
        let dashStart = i
        while i < n, s[i] == "-" { i += 1 }
        guard i > dashStart, i - dashStart <= 3, i == n || s[i] == " " else { return nil }
        if allUpper {
            guard letters >= 3 else { return nil }
        } else {
            guard Countries.names.contains(where: { $0.text == place && $0.role == .capital }) else { return nil }
        }
        return Dateline(place: place, agency: agency)
    }

    /// The country of a dateline's place (`NUR-SULTAN` → `KZ`), when the gazetteer knows it.
    static func countryCode(ofPlace place: String) -> String? {
        var out = ""
        var startOfWord = true
        for c in place {
            out += startOfWord ? c.uppercased() : c.lowercased()
            startOfWord = c == "-" || c == " " || c == "'"
        }
        return Countries.code(for: out) ?? Countries.code(for: place)
    }
}
