import AttacheModels
import Foundation
import Testing

/// JSON round trips and the field names of docs/architecture.md §2, checked literally on the encoded bytes.
@Suite("Records")
struct RecordTests {
    /// Encodes, decodes (checking the schema) and encodes again: equal values, equal bytes.
    func roundTrip<T: SchemaRecord & Equatable>(_ value: T, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let bytes = try AttacheJSON.encode(value)
        let decoded = try AttacheJSON.decode(T.self, from: bytes)
        #expect(decoded == value, sourceLocation: sourceLocation)
        #expect(
            try AttacheJSON.encode(decoded) == bytes, "re-encoding changes the bytes", sourceLocation: sourceLocation)
    }

    /// The top-level keys of an encoded value.
    func keys(_ value: some Encodable) throws -> Set<String> {
        Set(try JSONValue.parse(AttacheJSON.encode(value)).objectValue?.keys ?? [:].keys)
    }

    func json(_ value: some Encodable) throws -> JSONValue { try JSONValue.parse(AttacheJSON.encode(value)) }

    @Test func articleRoundTrips() throws {
        try roundTrip(Samples.article)
        try roundTrip(Samples.fullArticle)
    }

    @Test func enrichedArticleRoundTrips() throws {
        try roundTrip(Samples.enriched)
        try roundTrip(Samples.enrichedEmpty)
        try roundTrip(Samples.enrichedWithEveryField)
    }

    @Test func otherRecordsRoundTrip() throws {
        try roundTrip(Samples.crossDelta)
        try roundTrip(Samples.statedDelta)
        try roundTrip(Samples.anniversary000)
        try roundTrip(Samples.anniversary003)
        try roundTrip(Samples.rejection)
        try roundTrip(Samples.rejectionMinimal)
        try roundTrip(Samples.notification)
        try roundTrip(Samples.observation)
        try roundTrip(Samples.changeObservation)
        try roundTrip(LedgerEntry(observation: Samples.observation))
        try roundTrip(LedgerEntry(observation: Samples.changeObservation))
    }

    @Test("Article fields are exactly those of docs/architecture.md §2")
    func articleFields() throws {
        #expect(
            try keys(Samples.fullArticle) == [
                "schema", "id", "published", "title", "dateline", "source", "text",
                "paragraphs", "countries", "receivedAt", "origin",
            ])
        // nil optionals are left out, not written as null.
        #expect(
            try keys(Samples.article) == [
                "schema", "id", "published", "dateline", "text", "paragraphs", "countries",
                "receivedAt", "origin",
            ])
        let full = try json(Samples.fullArticle)
        #expect(full["dateline"] == .object(["place": .string("ASTANA"), "agency": .string("KAZINFORM")]))
        #expect(full["schema"] == .string("attache.article.v1"))
        #expect(full["published"] == .string("2023-06-29"))
        #expect(full["receivedAt"] == .string("2023-06-29T10:05:00.250Z"))
        #expect(full["paragraphs"] == .array([.object(["start": .number(0), "end": .number(119)])]))
        #expect(try json(Samples.article)["receivedAt"] == .string("2023-06-30T10:00:00.000Z"))
    }

    @Test("Figure fields, with the FDI inflow of seed 000 as a plain number")
    func figureFields() throws {
        let figure = try json(Samples.fdi2022)
        #expect(
            Set(figure.objectValue!.keys) == [
                "metric", "reporter", "partner", "direction", "period", "amount", "currency",
                "derived", "span", "text",
            ])
        #expect(figure["metric"] == .string("fdi_inflow"))
        #expect(figure["reporter"] == .string("KZ"))
        #expect(figure["partner"] == .string("LU"))
        #expect(figure["direction"] == .string("inbound"))
        #expect(figure["amount"] == .number(202_500_000))
        #expect(figure["currency"] == .string("USD"))
        #expect(figure["derived"] == .bool(false))
        #expect(
            figure["period"]
                == .object(["start": .string("2022-01-01"), "end": .string("2022-12-31"), "label": .string("2022")]))
        #expect(figure["span"] == .object(["start": .number(368), "end": .number(382)]))
        // Amounts are plain JSON numbers, not strings or exponents.
        let line = try AttacheJSON.line(Samples.fdi2022)
        #expect(line.contains(#""amount":202500000,"#))
        #expect(try AttacheJSON.line(Samples.balance2024).contains(#""amount":-19463500,"#))
        let implied = try json(Samples.implied2021)
        #expect(implied["qualifier"] == .string("approximately"))
        #expect(implied["derived"] == .bool(true))
        #expect(implied["direction"] == nil)
        #expect(try json(Samples.turnoverJanAug2025)["period"]?["label"] == .string("2025-01..2025-08"))
    }

    @Test("every qualifier, metric and direction encodes as its documented raw value")
    func enumRawValues() throws {
        #expect(
            Metric.allCases.map(\.rawValue) == [
                "trade_turnover", "exports", "imports", "trade_balance", "fdi_inflow", "investment", "other",
            ])
        #expect(Qualifier.allCases.map(\.rawValue) == ["approximately", "atLeast", "atMost"])
        #expect(Direction.allCases.map(\.rawValue) == ["inbound", "outbound"])
        #expect(DeltaBasis.allCases.map(\.rawValue) == ["stated", "computed", "implied"])
        #expect(
            AnniversaryKind.allCases.map(\.rawValue) == [
                "diplomatic_relations", "agreement", "birth", "founding", "other",
            ])
        #expect(Severity.allCases.map(\.rawValue) == ["info", "notice", "warning"])
        var figure = Samples.fdi2022
        figure.qualifier = .atLeast
        #expect(try json(figure)["qualifier"] == .string("atLeast"))
    }

    @Test("TradeDelta fields, with the cross-article FDI delta of seeds 000 and 002")
    func tradeDeltaFields() throws {
        let delta = try json(Samples.crossDelta)
        #expect(
            Set(delta.objectValue!.keys) == [
                "schema", "id", "series", "from", "to", "absolute", "percent", "ratio",
                "basis", "articles", "consistent",
            ])
        #expect(
            delta["series"]
                == .object([
                    "metric": .string("fdi_inflow"), "reporter": .string("KZ"),
                    "partner": .string("LU"), "currency": .string("USD"),
                ]))
        #expect(delta["from"]?["amount"] == .number(202_500_000))
        #expect(delta["to"]?["amount"] == .number(424_500_000))
        #expect(delta["from"]?["period"]?["label"] == .string("2022"))
        #expect(delta["absolute"] == .number(222_000_000))
        #expect(delta["basis"] == .string("computed"))
        #expect(delta["consistent"] == .bool(true))
        #expect(delta["articles"] == .array([.string("642b3c6151f1b901"), .string("f0b26bbd289f157c")]))
        // Only a stated change: no amounts, no absolute.
        let stated = try json(Samples.statedDelta)
        #expect(
            Set(stated.objectValue!.keys) == [
                "schema", "id", "series", "from", "to", "percent", "ratio", "basis",
                "articles", "consistent",
            ])
        #expect(stated["from"]?.objectValue?.keys.sorted() == ["period"])
        #expect(stated["ratio"] == .number(2.5))
    }

    @Test("Anniversary fields, with seed 003's base date on the publication day")
    func anniversaryFields() throws {
        let a = try json(Samples.anniversary003)
        #expect(
            Set(a.objectValue!.keys) == [
                "schema", "id", "kind", "subject", "parties", "ordinal", "year", "baseYear",
                "baseDate", "onPublicationDay", "next", "span", "text",
            ])
        #expect(a["kind"] == .string("diplomatic_relations"))
        #expect(a["baseYear"] == .number(1992))
        #expect(a["baseDate"] == .string("1992-06-29"))
        #expect(a["onPublicationDay"] == .bool(true))
        #expect(a["next"] == .object(["ordinal": .number(35), "year": .number(2027), "date": .string("2027-06-29")]))
        let b = try json(Samples.anniversary000)
        #expect(b["baseDate"] == nil)
        #expect(b["next"] == .object(["ordinal": .number(35), "year": .number(2027)]))
        let span = Samples.anniversary000.span
        #expect(Samples.text000.text(in: span) == Samples.anniversary000.text)
    }

    @Test("EnrichedArticle fields; its article is the Article without text and paragraphs")
    func enrichedFields() throws {
        let e = try json(Samples.enriched)
        #expect(Set(e.objectValue!.keys) == ["schema", "article", "figures", "deltas", "anniversaries", "enrichedAt"])
        #expect(
            Set(try json(Samples.fullArticle.summary).objectValue!.keys)
                == (try keys(Samples.fullArticle)).subtracting(["text", "paragraphs", "schema"]))
        #expect(e["article"]?["id"] == .string(Samples.article.id))
        #expect(e["enrichedAt"] == .string("2023-06-30T10:00:00.000Z"))
        // Nested records keep their own schema names.
        #expect(e["deltas"]?.arrayValue?.first?["schema"] == .string("attache.trade-delta.v1"))
        #expect(e["anniversaries"]?.arrayValue?.first?["schema"] == .string("attache.anniversary.v1"))
        // Figure spans index the article text.
        for figure in Samples.enriched.figures { #expect(Samples.text000.text(in: figure.span) == figure.text) }
    }

    @Test("Notification and Rejection fields")
    func notificationAndRejectionFields() throws {
        let n = try json(Samples.notification)
        #expect(
            Set(n.objectValue!.keys) == [
                "schema", "id", "rule", "kind", "severity", "title", "body", "subject", "createdAt",
            ])
        #expect(
            n["subject"]
                == .object([
                    "topic": .string("trade.deltas"), "key": .string(Samples.crossDelta.id),
                    "schema": .string("attache.trade-delta.v1"),
                ]))
        #expect(n["severity"] == .string("notice"))
        let r = try json(Samples.rejection)
        #expect(
            Set(r.objectValue!.keys) == ["schema", "reason", "detail", "origin", "payload", "at", "line", "column"])
        #expect(try keys(Samples.rejectionMinimal) == ["schema", "reason", "detail", "origin", "payload", "at"])
        #expect(r["at"] == .string("2023-06-30T10:00:00.000Z"))
    }

    @Test("keys are sorted and the encoding is byte-stable")
    func stableBytes() throws {
        let line = try AttacheJSON.line(Samples.rejectionMinimal)
        #expect(
            line
                == #"{"at":"2023-06-30T10:00:00.000Z","detail":"the article has a date line but no text","origin":"kafka:articles.raw/2/17","payload":" date 2023-06-30 ","reason":"empty_body","schema":"attache.rejection.v1"}"#
        )
        #expect(!line.contains("\n"))
        #expect(try AttacheJSON.line(Samples.enriched) == AttacheJSON.line(Samples.enriched))
        // Slashes are not escaped (origins are paths and topics).
        #expect(line.contains("kafka:articles.raw/2/17"))
    }

    @Test("decoding checks the schema name and version")
    func schemaMismatch() throws {
        let article = try AttacheJSON.encode(Samples.article)
        #expect(throws: SchemaMismatch.self) { try AttacheJSON.decode(TradeDelta.self, from: article) }
        do {
            _ = try AttacheJSON.decode(TradeDelta.self, from: article)
        } catch let mismatch as SchemaMismatch {
            #expect(mismatch.expected == "attache.trade-delta.v1")
            #expect(mismatch.found == "attache.article.v1")
            #expect(mismatch.description.contains("attache.article.v1"))
        }
        let v2 = String(decoding: article, as: UTF8.self).replacingOccurrences(
            of: "attache.article.v1", with: "attache.article.v2")
        #expect(throws: SchemaMismatch.self) { try AttacheJSON.decode(Article.self, from: Array(v2.utf8)) }
        // A value without `schema` is not an Article either.
        let bare = try JSONValue.parse(article).setting(["schema"], to: nil).description
        #expect(throws: DecodingError.self) { try AttacheJSON.decode(Article.self, from: Array(bare.utf8)) }
        // Invalid dates inside a record are rejected with a clear message.
        let badDay = String(decoding: article, as: UTF8.self).replacingOccurrences(
            of: "2023-06-30\"", with: "2023-02-30\"")
        #expect(throws: DecodingError.self) { try AttacheJSON.decode(Article.self, from: Array(badDay.utf8)) }
    }

    @Test("instants: milliseconds, UTC, before 1970, and read back without fractions")
    func instants() throws {
        #expect(AttacheJSON.formatInstant(Samples.received) == "2023-06-30T10:00:00.000Z")
        #expect(AttacheJSON.formatInstant(Date(timeIntervalSince1970: 1_688_119_200.123)) == "2023-06-30T10:00:00.123Z")
        #expect(
            AttacheJSON.formatInstant(Date(timeIntervalSince1970: 1_688_119_199.9996)) == "2023-06-30T10:00:00.000Z")
        #expect(AttacheJSON.formatInstant(Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59.500Z")
        #expect(AttacheJSON.formatInstant(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00.000Z")
        #expect(AttacheJSON.parseInstant("2023-06-30T10:00:00Z") == Samples.received)
        #expect(AttacheJSON.parseInstant("2023-06-30T10:00:00.000Z") == Samples.received)
        #expect(AttacheJSON.parseInstant("2023-06-30") == nil)
        #expect(AttacheJSON.parseInstant("yesterday") == nil)
    }

    @Test("rejection payloads are cut to 64 KiB without splitting a character")
    func rejectionPayloadCut() throws {
        let ascii = Rejection(
            reason: "too_large", detail: "d", origin: "http",
            payload: [UInt8](repeating: UInt8(ascii: "a"), count: 70_000), at: Samples.received)
        #expect(ascii.payload.utf8.count == Rejection.maxPayloadBytes)
        // "é" is two bytes; the limit falls between them.
        let bytes =
            [UInt8](repeating: UInt8(ascii: "a"), count: Rejection.maxPayloadBytes - 1) + Array("é and more".utf8)
        let split = Rejection(reason: "too_large", detail: "d", origin: "http", payload: bytes, at: Samples.received)
        #expect(split.payload.utf8.count <= Rejection.maxPayloadBytes)
        #expect(!split.payload.unicodeScalars.contains("\u{FFFD}"))
        #expect(split.payload.unicodeScalars.count == Rejection.maxPayloadBytes - 1)
        // A four-byte scalar (an emoji) cut after its first, second or third byte.
        for keep in 1...3 {
            let emoji = [UInt8](repeating: UInt8(ascii: "a"), count: Rejection.maxPayloadBytes - keep) + Array("🇰🇿".utf8)
            let r = Rejection(reason: "too_large", detail: "d", origin: "http", payload: emoji, at: Samples.received)
            #expect(r.payload == String(repeating: "a", count: Rejection.maxPayloadBytes - keep))
        }
        // Invalid UTF-8 that is not at the cut is still replaced, as documented.
        let binary = Rejection(
            reason: "binary_data", detail: "d", origin: "http", payload: [0x41, 0xFF, 0x42], at: Samples.received)
        #expect(binary.payload == "A\u{FFFD}B")
        // Short payloads are kept whole.
        #expect(Samples.rejection.payload == " date 2023-02-30 ASTANA - text")
        #expect(Samples.rejection.key == StableID.submission(origin: "http", payload: " date 2023-02-30 ASTANA - text"))
    }

    @Test("trade observations: exactly one of figure and change, keyed by series, ledger keys distinct")
    func observations() throws {
        #expect(Samples.observation.key == "fdi_inflow:KZ:LU:USD")
        #expect(Samples.observation.series == Samples.fdiSeries)
        #expect(Samples.changeObservation.key == "trade_turnover:KZ:LU:USD")
        #expect(Samples.observation.ledgerKey == "fdi_inflow:KZ:LU:USD|2022|stated|\(Samples.article.id)")
        #expect(
            Samples.changeObservation.ledgerKey == "trade_turnover:KZ:LU:USD|2021>2022|change|\(Samples.article.id)")
        let o = try json(Samples.observation)
        #expect(Set(o.objectValue!.keys) == ["schema", "article", "published", "figure"])
        #expect(o["schema"] == .string("attache.trade-observation.v1"))
        let entry = LedgerEntry(observation: Samples.observation)
        // The changelog is keyed by slot (issue 12): series and period, no article id.
        #expect(entry.key == Samples.observation.ledgerSlot)
        #expect(entry.key == "fdi_inflow:KZ:LU:USD|2022|figure")
        #expect(LedgerEntry(observation: Samples.changeObservation).key == "trade_turnover:KZ:LU:USD|2021>2022|change")
        #expect(try json(entry)["schema"] == .string("attache.ledger-entry.v1"))
    }

    @Test("record headers: content-type, schema and the causing traceparent")
    func headers() {
        let trace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        let with = RecordHeaders.forRecord(.enrichedArticle, traceparent: trace)
        #expect(with.map(\.0) == ["content-type", "schema", "traceparent"])
        #expect(with.map(\.1) == ["application/json", "attache.enriched-article.v1", trace])
        #expect(RecordHeaders.forRecord(.rejection, traceparent: nil).map(\.0) == ["content-type", "schema"])
    }

    @Test("topics of docs/architecture.md §1 with their cleanup policies, and the prefix")
    func topics() {
        let topics = Topics()
        let policies = Dictionary(uniqueKeysWithValues: topics.all.map { ($0.name, $0.cleanup) })
        #expect(
            policies == [
                "articles.raw": .delete, "articles.parsed": .compact, "articles.rejected": .delete,
                "articles.enriched": .compact, "trade.observations": .delete, "trade.deltas": .delete,
                "anniversaries": .compact, "attache.ledger": .compact, "notifications": .delete,
                "notifications.dead": .delete, "notifications.delivered": .compact,
            ])
        #expect(topics.all.allSatisfy { $0.partitions == 4 })
        #expect(Topics(prefix: "staging.").all.map(\.name).allSatisfy { $0.hasPrefix("staging.") })
        #expect(Topics(prefix: "staging.").enriched == "staging.articles.enriched")
    }

    @Test("a scalar count from UTF-8 agrees with unicodeScalars.count")
    func scalarCount() {
        for text in ["", "ASTANA", "Almaty – Zürich", "e\u{301}t\u{E9}", "🇰🇿 trade 😀", "Қазақстан", "\u{10FFFF}x"] {
            #expect(RecordCheck.scalarCount(text) == text.unicodeScalars.count, "\(text)")
        }
        // Every length across the eight-byte words, multi-byte scalars straddling them.
        let long = Array(String(repeating: "Қазақстан 🇰🇿 é–a\u{7F}\u{80}", count: 4).unicodeScalars)
        for length in 0...long.count {
            var text = ""
            text.unicodeScalars.append(contentsOf: long[..<length])
            #expect(RecordCheck.scalarCount(text) == length)
        }
    }

    @Test("a value out of range is refused with the path of its field")
    func problemsNameTheirField() throws {
        var article = Samples.article
        article.paragraphs.append(TextSpan(start: 0, end: article.text.unicodeScalars.count + 1))
        #expect(throws: RecordProblem.self) { try article.validated() }
        do {
            _ = try article.validated()
        } catch {
            #expect(error.field == "paragraphs[\(article.paragraphs.count - 1)]")
            #expect(error.problem.contains("ends after the text"))
        }
        var enriched = Samples.enriched
        enriched.figures = [Samples.fdi2022, Samples.fdi2022]
        enriched.figures[1].period.start = Day(year: 999, month: 12, day: 31)!
        do {
            _ = try enriched.validated()
            Issue.record("a year of 999 was accepted")
        } catch {
            #expect(error.field == "figures[1].period.start")
        }
    }
}
