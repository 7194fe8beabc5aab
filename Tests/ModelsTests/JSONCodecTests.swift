import AttacheModels
import Foundation
import Testing

/// The hand-written codec (`JSONWriter`/`JSONWritable`, `JSONReader`/`JSONReadable`) against
/// Foundation's `JSONEncoder`/`JSONDecoder` with Attache's settings: the same bytes for every
/// record type over many generated values (Unicode, escapes, controls, extreme numbers,
/// missing optionals), and the same values back.
@Suite("JSON codec")
struct JSONCodecTests {
    /// The reference: Foundation's encoder, as `AttacheJSON` configured it before the codec.
    func foundationBytes(_ value: some Encodable) throws -> [UInt8] {
        Array(try AttacheJSON.encoder().encode(value))
    }

    func expectSameBytes<T: Encodable & JSONWritable>(_ value: T, sourceLocation: SourceLocation = #_sourceLocation)
        throws
    {
        let reference = try foundationBytes(value)
        let fast = try value.jsonBytes()
        #expect(
            fast == reference,
            "\(String(decoding: fast, as: UTF8.self))\n!=\n\(String(decoding: reference, as: UTF8.self))",
            sourceLocation: sourceLocation)
        // And AttacheJSON.encode (what the services call) takes the fast path to the same bytes.
        #expect(try AttacheJSON.encode(value) == reference, sourceLocation: sourceLocation)
    }

    /// Reads `value`'s JSON back with the fast reader and with `JSONDecoder`: both equal `value`.
    func expectRoundTrip<T: SchemaRecord & JSONReadable & JSONWritable & Equatable>(
        _ value: T, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let bytes = try foundationBytes(value)
        let fast = bytes.withUnsafeBufferPointer { T.read(json: $0) }
        #expect(fast == value, sourceLocation: sourceLocation)
        let slow = try AttacheJSON.decoder().decode(T.self, from: Data(bytes))
        #expect(slow == value, sourceLocation: sourceLocation)
        #expect(try AttacheJSON.decode(T.self, from: bytes) == value, sourceLocation: sourceLocation)
    }

    @Test func samplesEncodeToTheSameBytes() throws {
        try expectSameBytes(Samples.article)
        try expectSameBytes(Samples.fullArticle)
        try expectSameBytes(Samples.enriched)
        try expectSameBytes(Samples.enrichedEmpty)
        try expectSameBytes(Samples.enrichedWithEveryField)
        try expectSameBytes(Samples.crossDelta)
        try expectSameBytes(Samples.statedDelta)
        try expectSameBytes(Samples.anniversary000)
        try expectSameBytes(Samples.anniversary003)
        try expectSameBytes(Samples.observation)
        try expectSameBytes(Samples.changeObservation)
        try expectSameBytes(LedgerEntry(observation: Samples.observation))
        try expectSameBytes(LedgerEntry(observation: Samples.changeObservation))
        for figure in [Samples.fdi2022, Samples.balance2024, Samples.implied2021, Samples.turnoverJanAug2025] {
            try expectSameBytes(figure)
        }
    }

    @Test(
        "strings with escapes between runs of plain text read as JSONDecoder reads them",
        arguments: [
            #""a\nb""#, #""Line one.\nLine two, \"quoted\" — é\u00e9 🇰🇿.\n\nEnd\t\/""#,
            #""\\start and end\\""#, #""x\ud83c\uddf0y\r\nz""#, #""plain, no escapes""#, #""bad \q escape""#,
            #""unterminated \n run"#,
        ])
    func stringsWithEscapes(_ json: String) throws {
        let bytes = Array(json.utf8)
        let expected = try? JSONDecoder().decode(String.self, from: Data(bytes))
        let read = bytes.withUnsafeBufferPointer { buffer -> String? in
            var reader = JSONReader(buffer)
            let text = reader.string()
            return reader.failed ? nil : text
        }
        #expect(read == expected)
    }

    @Test func generatedRecordsEncodeToTheSameBytesAndRoundTrip() throws {
        var g = Generator(seed: 12)
        for _ in 0..<400 {
            let article = g.article()
            try expectSameBytes(article)
            try expectRoundTrip(article)
            let figure = g.figure()
            try expectSameBytes(figure)
            let observation = g.observation()
            try expectSameBytes(observation)
            try expectRoundTrip(observation)
            let entry = LedgerEntry(observation: g.observation())
            try expectSameBytes(entry)
            try expectRoundTrip(entry)
            try expectSameBytes(g.delta())
            try expectSameBytes(g.anniversary())
            try expectSameBytes(g.enriched())
        }
    }

    @Test func everyControlAndSpecialCharacterIsEscapedAsFoundationDoes() throws {
        var text = ""
        for value in 0..<0x80 { text.unicodeScalars.append(Unicode.Scalar(value)!) }
        text += "\u{80}\u{A0}\u{2028}\u{2029}\u{FEFF}\u{FFFD}é😀👩‍👩‍👧 /\\\"\u{1F}"
        var article = Samples.fullArticle
        article.text = text
        article.title = text
        article.origin = String(text.reversed())
        try expectSameBytes(article)
        try expectRoundTrip(article)
    }

    @Test func extremeNumbersAreWrittenAsFoundationWritesThem() throws {
        let values: [Double] = [
            0, -0.0, 1, -1, 0.1, 0.5, 1.5, 22.6, 109.6, 2.096, 1e-5, 0.0001, 1e-7, 123.456e-10,
            5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, -1.7976931348623157e308,
            999_999_999_999_999, 1e15, 1e15 + 1, 1e16, 9_007_199_254_740_992, 9_007_199_254_740_993,
            123_456_789_012_345_678, 28_913_043_478.26087, -19_463_500, 0.1 + 0.2, 1.0 / 3.0,
            Double(Int64.max), -Double(Int64.max), 4.35, 1e21, 1e22, 3.0e-45,
        ]
        for amount in values {
            var figure = Samples.fdi2022
            figure.amount = amount
            figure.usdAmount = -amount
            try expectSameBytes(figure)
            let observation = TradeObservation(article: "a", published: Samples.article.published, figure: figure)
            try expectRoundTrip(observation)
        }
        var span = TextSpan(start: Int.min, end: Int.max)
        var anniversary = Samples.anniversary003
        anniversary.span = span
        anniversary.ordinal = Int.min
        anniversary.year = Int.max
        try expectSameBytes(anniversary)
        span = TextSpan(start: 0, end: -1)
        anniversary.span = span
        try expectSameBytes(anniversary)
    }

    @Test func nonFiniteNumbersFailAsInFoundation() {
        var figure = Samples.fdi2022
        for bad in [Double.nan, .infinity, -.infinity] {
            figure.amount = bad
            #expect(throws: (any Error).self) { try foundationBytes(figure) }
            #expect(throws: (any Error).self) { try figure.jsonBytes() }
        }
    }

    @Test func instantsMatchTheFormatterAcrossTheRange() throws {
        var g = Generator(seed: 99)
        var instants: [Date] = [
            Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: -0.0005),
            Date(timeIntervalSince1970: 0.0005), Date(timeIntervalSince1970: 1_688_119_200.9995),
            Date(timeIntervalSince1970: -62_135_596_800), Date(timeIntervalSince1970: 253_402_300_799.999),
            Date(timeIntervalSince1970: 951_782_400), Date(timeIntervalSince1970: 4_107_542_400),
        ]
        for _ in 0..<2_000 { instants.append(g.anyInstant()) }
        for instant in instants {
            var article = Samples.fullArticle
            article.receivedAt = instant
            try expectSameBytes(article)
            // Reading back gives the date `AttacheJSON.decoder()` gives.
            let bytes = try foundationBytes(article)
            let fast = bytes.withUnsafeBufferPointer { Article.read(json: $0) }
            let slow = try AttacheJSON.decoder().decode(Article.self, from: Data(bytes))
            #expect(fast?.receivedAt == slow.receivedAt, "\(AttacheJSON.formatInstant(instant))")
        }
    }

    @Test func whitespaceUnknownFieldsAndNullsAreReadAsJSONDecoderReadsThem() throws {
        let text = #"""
             {  "schema" : "attache.trade-observation.v1" , "unknown": [1, {"a": null}, "x\u00e9", true, -0.5e3],
              "article":"a\"b\\c\u00e9\ud83d\ude00", "published":"2024-02-29", "change": null,
              "figure": {"metric":"exports","reporter":"KZ","partner":"DE","period":{"start":"2024-01-01","end":"2024-12-31","label":"2024"},
                         "amount": 1.5E+3, "currency":"USD", "derived": false, "span": {"start": 0, "end": 3}, "text": "1.5",
                         "qualifier": null, "direction": "inbound", "usdAmount": null}
             }
            """#
        let bytes = Array(text.utf8)
        let fast = try #require(bytes.withUnsafeBufferPointer { TradeObservation.read(json: $0) })
        let slow = try AttacheJSON.decoder().decode(TradeObservation.self, from: Data(bytes))
        #expect(fast == slow)
        #expect(fast.article == "a\"b\\cé😀")
        #expect(fast.figure?.amount == 1_500)
    }

    /// What the fast reader will not take, `AttacheJSON.decode` still decodes or rejects exactly
    /// as before, with the same explanation.
    @Test func invalidOrUnusualInputFallsBackToJSONDecoder() throws {
        let good = String(decoding: try foundationBytes(Samples.observation), as: UTF8.self)
        let variants: [String] = [
            "", "{", "[]", "null", good + "x", good + ",", String(good.dropLast()),
            good.replacingOccurrences(of: "\"schema\"", with: "\"schema\":1,\"schema\""),
            good.replacingOccurrences(of: "attache.trade-observation.v1", with: "attache.trade-observation.v2"),
            good.replacingOccurrences(of: "\"published\":\"2023-06-30\"", with: "\"published\":\"2023-02-30\""),
            good.replacingOccurrences(of: "\"published\":\"2023-06-30\"", with: "\"published\":\"2023-6-300\""),
            good.replacingOccurrences(of: "\"published\":\"2023-06-30\"", with: "\"published\":\"+023-06-30\""),
            good.replacingOccurrences(of: "\"published\":\"2023-06-30\"", with: "\"published\":\"0000-06-30\""),
            good.replacingOccurrences(of: "\"start\":", with: "\"start\":1.0,\"x\":"),
            good.replacingOccurrences(of: "\"amount\":202500000", with: "\"amount\":0202500000"),
            good.replacingOccurrences(of: "\"amount\":202500000", with: "\"amount\":\"202500000\""),
            good.replacingOccurrences(of: "\"amount\":202500000", with: "\"amount\":2.025e8"),
            good.replacingOccurrences(of: "\"metric\":\"fdi_inflow\"", with: "\"metric\":\"gdp\""),
            good.replacingOccurrences(of: "\"derived\":false", with: "\"derived\":null"),
            good.replacingOccurrences(of: "\"derived\":false,", with: ""),
            good.replacingOccurrences(of: "\"figure\"", with: "\"figures\""),
            good.replacingOccurrences(of: ",", with: ",,"),
            good.replacingOccurrences(of: "}", with: ",}"),
            good.replacingOccurrences(of: "USD", with: "U\u{01}SD"),
            good.replacingOccurrences(of: "USD", with: "U\\xSD"),
            good.replacingOccurrences(of: "USD", with: "\\ud800"),
            // After an escape (the reader's second loop): a control character, a bad escape,
            // a lone low surrogate, and a document that ends inside the string.
            good.replacingOccurrences(of: "USD", with: "U\\nS\u{01}D"),
            good.replacingOccurrences(of: "USD", with: "U\\tS\\qD"),
            good.replacingOccurrences(of: "USD", with: "U\\\"\\udc00"),
            String(good.prefix(while: { $0 != "U" })) + "U\\n",
        ]
        for variant in variants {
            let bytes = Array(variant.utf8)
            let fast = bytes.withUnsafeBufferPointer { TradeObservation.read(json: $0) }
            let slow = Result { try AttacheJSON.decoder().decode(TradeObservation.self, from: Data(bytes)) }
            if let fast {
                #expect(try slow.get() == fast, "\(variant)")
            }
            // Through AttacheJSON.decode: the same outcome as the Foundation path alone.
            let viaAttache = Result { try AttacheJSON.decode(TradeObservation.self, from: bytes) }
            switch (viaAttache, slow) {
            case (.success(let a), .success(let b)): #expect(a == b, "\(variant)")
            case (.failure(let a), .failure(let b)):
                if !(a is SchemaMismatch) { #expect(AttacheJSON.explain(a) == AttacheJSON.explain(b), "\(variant)") }
            case (.success, .failure): Issue.record("the codec accepted what JSONDecoder rejects: \(variant)")
            case (.failure(let a), .success): #expect(a is SchemaMismatch, "\(variant)")
            }
        }
        // Invalid UTF-8 is never accepted.
        var bytes = Array(good.utf8)
        let at = bytes.firstIndex(of: UInt8(ascii: "U"))!
        bytes[at] = 0xC3
        #expect(bytes.withUnsafeBufferPointer { TradeObservation.read(json: $0) } == nil)
        #expect(throws: (any Error).self) { try AttacheJSON.decode(TradeObservation.self, from: bytes) }
    }

    @Test func aMismatchedSchemaIsStillReportedAsSuch() {
        let bytes = Array(#"{"schema":"attache.article.v9","id":"x"}"#.utf8)
        #expect(throws: SchemaMismatch.self) { try AttacheJSON.decode(Article.self, from: bytes) }
    }
}

/// Deterministic random records with hostile strings and numbers.
struct Generator {
    var state: UInt64

    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }

    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }

    mutating func bool() -> Bool { next() & 1 == 0 }

    mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }

    mutating func maybe<T>(_ make: (inout Generator) -> T) -> T? { bool() ? make(&self) : nil }

    /// Text with ASCII, controls, quotes, backslashes, slashes, accents, CJK, emoji, U+2028.
    mutating func text(max: Int = 40) -> String {
        let pieces: [String] = [
            "a", "Z", " ", "0", "\"", "\\", "/", "\n", "\t", "\r", "\u{0}", "\u{1F}", "\u{7F}", "é", "ß",
            "Қазақстан", "中", "😀", "\u{2028}", "\u{FEFF}", "–", "’", "$", "%", "{", "}", "[", ":", ",",
            "Luxembourg", "million", "\u{301}",
        ]
        var s = ""
        for _ in 0..<int(0...max) { s += pick(pieces) }
        return s
    }

    mutating func double() -> Double {
        switch int(0...7) {
        case 0: return Double(int(-1_000_000_000...1_000_000_000))
        case 1: return Double(int(0...100_000)) / 10
        case 2: return Double(bitPattern: next() & 0x7FEF_FFFF_FFFF_FFFF)
        case 3: return Double(int(1...999)) * pick([1e3, 1e6, 1e9, 1e12, 1e15, 1e18, 1e21])
        case 4: return pick([0.1, 0.2, 0.3, 1.0 / 3.0, 2.5, 22.6, 109.6, -0.0, 5e-324])
        case 5: return Double(int(-999_999...999_999)) / pick([7.0, 100.0, 3.0, 1e7])
        case 6: return -Double(bitPattern: next() & 0x7FEF_FFFF_FFFF_FFFF)
        default: return Double(int(Int(Int32.min)...Int(Int32.max)))
        }
    }

    mutating func day() -> Day {
        let year = int(1...9999)
        let month = int(1...12)
        return Day(year: year, month: month, day: int(1...Day.daysIn(month: month, year: year)))!
    }

    /// Milliseconds between the years 1600 and 9999 (Foundation's formatter reads earlier
    /// days as Julian, so they do not round-trip through `JSONDecoder` either).
    mutating func instant() -> Date {
        Date(timeIntervalSince1970: Double(int(-11_676_096_000_000...253_402_300_799_999)) / 1000)
    }

    /// Any instant from the year 1 on, not always a whole millisecond, for encoding only.
    mutating func anyInstant() -> Date {
        Date(
            timeIntervalSince1970: Double(int(-62_135_596_800_000...253_402_300_799_999)) / 1000
                + pick([0, 0, 0.0004, -0.0004]))
    }

    mutating func span() -> TextSpan { TextSpan(start: int(-5...100_000), end: int(-5...100_000)) }

    mutating func period() -> Period {
        switch int(0...2) {
        case 0: return .year(int(1...9999))
        case 1: return Period.months(int(1...6), int(7...12), of: int(1900...2100))!
        default: return Period(start: day(), end: day(), label: text(max: 6))
        }
    }

    mutating func code() -> String { pick(["KZ", "LU", "EU", "DE", "", "é", "\"", text(max: 3)]) }

    mutating func series() -> Series {
        Series(
            metric: pick(Metric.allCases), reporter: code(), partner: code(),
            currency: pick(["USD", "EUR", "KZT", text(max: 3)]))
    }

    mutating func figure() -> Figure {
        Figure(
            metric: pick(Metric.allCases), reporter: code(), partner: code(),
            direction: maybe { $0.pick(Direction.allCases) },
            period: period(), amount: double(), currency: pick(["USD", "EUR", text(max: 4)]),
            qualifier: maybe { $0.pick(Qualifier.allCases) }, derived: bool(), span: span(), text: text(),
            usdAmount: maybe { $0.double() })
    }

    mutating func change() -> StatedChange {
        StatedChange(
            series: series(), from: period(), to: period(), percent: maybe { $0.double() },
            ratio: maybe { $0.double() },
            absolute: maybe { $0.double() }, qualifier: maybe { $0.pick(Qualifier.allCases) }, span: span(),
            text: text())
    }

    mutating func observation() -> TradeObservation {
        if bool() {
            return TradeObservation(article: text(max: 16), published: day(), figure: figure())
        }
        return TradeObservation(article: text(max: 16), published: day(), change: change())
    }

    mutating func article() -> Article {
        Article(
            id: text(max: 16), published: day(), title: maybe { $0.text() },
            dateline: maybe { Dateline(place: $0.text(max: 8), agency: $0.maybe { $0.text(max: 8) }) },
            source: maybe { $0.text(max: 8) }, text: text(max: 300), paragraphs: (0..<int(0...4)).map { _ in span() },
            countries: (0..<int(0...4)).map { _ in code() }, receivedAt: instant(), origin: text(max: 12))
    }

    mutating func delta() -> TradeDelta {
        TradeDelta(
            series: series(), from: DeltaPoint(period: period(), amount: maybe { $0.double() }),
            to: DeltaPoint(period: period(), amount: maybe { $0.double() }), absolute: maybe { $0.double() },
            percent: maybe { $0.double() }, ratio: maybe { $0.double() }, basis: pick(DeltaBasis.allCases),
            articles: (0..<int(0...3)).map { _ in text(max: 16) }, consistent: bool())
    }

    mutating func anniversary() -> Anniversary {
        Anniversary(
            kind: pick(AnniversaryKind.allCases), subject: text(), parties: (0..<int(0...3)).map { _ in code() },
            ordinal: int(-10...500), year: int(-10...10_000), baseYear: int(-500...3000), baseDate: maybe { $0.day() },
            onPublicationDay: bool(),
            next: Milestone(ordinal: int(0...505), year: int(0...10_000), date: maybe { $0.day() }), span: span(),
            text: text())
    }

    mutating func enriched() -> EnrichedArticle {
        EnrichedArticle(
            article: article().summary, figures: (0..<int(0...4)).map { _ in figure() },
            deltas: (0..<int(0...3)).map { _ in delta() }, anniversaries: (0..<int(0...2)).map { _ in anniversary() },
            enrichedAt: instant())
    }
}
