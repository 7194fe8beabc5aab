import AttacheModels

/// Why a date text is not a date, as a sentence.
struct DateError: Error {
    var message: String
}

enum DateValidation {
    private static let monthNames = [
        "January", "February", "March", "April", "May", "June", "July",
        "August", "September", "October", "November", "December",
    ]

    /// The day a `YYYY-MM-DD` text names, or a sentence saying which part is wrong.
    /// `inDateLine` tailors the hint for a date that runs on into other text.
    static func day(_ text: String, inDateLine: Bool = true) -> Result<Day, DateError> {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        let digitsOnly = parts.allSatisfy { $0.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }
        guard parts.count == 3, digitsOnly, parts[0].utf8.count == 4, parts[1].utf8.count == 2,
            parts[2].utf8.count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else {
            var hint = "write it as YYYY-MM-DD, e.g. 2023-06-30"
            if parts.count == 3, digitsOnly {
                if parts[0].utf8.count != 4 {
                    hint = "the year must have four digits (YYYY-MM-DD, e.g. 2023-06-30)"
                } else if parts[1].utf8.count != 2 {
                    hint = "the month must have two digits (YYYY-MM-DD, e.g. 2023-06-30)"
                } else {
                    hint = "the day must have two digits (YYYY-MM-DD, e.g. 2023-06-30)"
                }
            } else if text.utf8.count > 10, let valid = Day(iso: String(text.prefix(10))) {
                hint =
                    inDateLine
                    ? "it continues after \(valid); put a space between the date and the article"
                    : "give only the date \(valid), without a time or anything after it"
            }
            let shown = excerpt(text.unicodeScalars, limit: 30)
            return .failure(DateError(message: "the date \"\(shown)\" is not of the form YYYY-MM-DD: \(hint)."))
        }
        guard year >= 1 else {
            return .failure(DateError(message: "the date \(text) has the year 0000; years run from 0001 to 9999."))
        }
        guard (1...12).contains(month) else {
            return .failure(DateError(message: "the date \(text) has the month \(parts[1]); months run from 01 to 12."))
        }
        let days = Day.daysIn(month: month, year: year)
        guard (1...days).contains(day) else {
            return .failure(
                DateError(
                    message:
                        "the date \(text) does not exist: the day is \(parts[2]) but \(monthNames[month - 1]) \(year) has \(days) days."
                ))
        }
        guard let result = Day(year: year, month: month, day: day) else {
            return .failure(DateError(message: "the date \(text) is not a valid date."))
        }
        return .success(result)
    }
}

/// The ` date YYYY-MM-DD ` line of the seed format.
enum DateLine {
    /// The publication day and the index of the first scalar of the article after the date.
    ///
    /// Accepts leading whitespace and blank lines, `date` in any case, optionally followed by
    /// a colon, then the date, then the article on the same line or the next ones.
    static func parse(_ scalars: [Unicode.Scalar], lineOffset: Int = 0) -> Result<
        (published: Day, bodyStart: Int), Problem
    > {
        var i = 0
        let n = scalars.count
        while i < n, isSpaceOrBreak(scalars[i]) { i += 1 }
        if i == n {
            return .failure(
                Problem(
                    .emptyBody, "the submission is empty; send \" date YYYY-MM-DD \" followed by the article text.",
                    line: 1 + lineOffset, column: 1))
        }
        let lineStart = i
        var matched = hasDateWord(scalars, at: i)
        if matched, i + 4 < n {
            let next = scalars[i + 4]
            if !(next == ":" || isSpaceOrBreak(next)) { matched = false }
        }
        guard matched else {
            let (line, column) = ByteScanner.position(of: lineStart, in: scalars)
            return .failure(
                Problem(
                    .missingDateLine,
                    "the first line must start with \" date YYYY-MM-DD \" (e.g. \" date 2023-06-30 \") followed by the article, but it starts with \"\(excerpt(scalars[lineStart...], limit: 30))\".",
                    line: line + lineOffset, column: column))
        }
        i += 4
        if i < n, scalars[i] == ":" { i += 1 }
        while i < n, isHorizontalSpace(scalars[i]) { i += 1 }
        let tokenStart = i
        while i < n, !isSpaceOrBreak(scalars[i]) { i += 1 }
        let (line, column) = ByteScanner.position(of: tokenStart, in: scalars)
        guard i > tokenStart else {
            return .failure(
                Problem(
                    .invalidDate,
                    "the date line has no date after \"date\"; write it as \" date YYYY-MM-DD \", e.g. \" date 2023-06-30 \".",
                    line: line + lineOffset, column: column))
        }
        switch DateValidation.day(String(scalars: scalars[tokenStart..<i])) {
        case .success(let day):
            return .success((day, i))
        case .failure(let error):
            return .failure(Problem(.invalidDate, error.message, line: line + lineOffset, column: column))
        }
    }

    /// Whether `scalars` start, after blank space, with the word `date` in any case: texts
    /// that do not cannot have a date line.
    static func startsWithDateWord(_ scalars: [Unicode.Scalar]) -> Bool {
        var i = 0
        while i < scalars.count, isSpaceOrBreak(scalars[i]) { i += 1 }
        return hasDateWord(scalars, at: i)
    }

    /// Whether the four scalars from `i` on are `date` in any case.
    private static func hasDateWord(_ scalars: [Unicode.Scalar], at i: Int) -> Bool {
        let word: [Unicode.Scalar] = ["d", "a", "t", "e"]
        guard i + 4 <= scalars.count else { return false }
        return (0..<4).allSatisfy { k in lowercases(scalars[i + k], to: word[k]) }
    }

    /// Whether `s` lowercases to the ASCII letter `letter` (Unicode's lowercase mapping, with
    /// the ASCII letters answered without looking it up).
    private static func lowercases(_ s: Unicode.Scalar, to letter: Unicode.Scalar) -> Bool {
        if s.isASCII { return s == letter || s.value + 0x20 == letter.value }
        return s.properties.lowercaseMapping == String(letter)
    }

    static func isHorizontalSpace(_ s: Unicode.Scalar) -> Bool {
        s == " " || s == "\t" || s == "\u{A0}" || s == "\u{FEFF}" || s == "\u{202F}"
            || (s.value >= 0x2000 && s.value <= 0x200B)
    }

    static func isSpaceOrBreak(_ s: Unicode.Scalar) -> Bool {
        isHorizontalSpace(s) || s == "\n" || s == "\r" || s == "\u{0B}" || s == "\u{0C}" || s == "\u{85}"
            || s == "\u{2028}" || s == "\u{2029}"
    }
}
