/// A record that writes its own Attache JSON with `JSONWriter`, byte for byte what its
/// `Codable` conformance gives through `AttacheJSON.encoder()` (members in the byte order
/// of their keys, nil optionals left out). `AttacheJSON.encode` uses it when a type has it.
///
/// Adding a field to one of these types means adding it here too, at its sorted place;
/// `JSONWritableTests` fail until it is.
public protocol JSONWritable {
    func write(to writer: inout JSONWriter) throws
}

extension JSONWritable {
    /// The record's JSON. The writer starts with room for `capacity` bytes (an article of
    /// about 3 KB fits; the result is copied out at its exact size).
    public func jsonBytes(capacity: Int = 8_192) throws -> [UInt8] {
        var writer = JSONWriter(capacity: capacity)
        try write(to: &writer)
        return writer.bytes
    }
}

extension TextSpan: JSONWritable {
    public func write(to w: inout JSONWriter) {
        w.object { w in
            w.member("end", end)
            w.member("start", start)
        }
    }
}

extension Period: JSONWritable {
    public func write(to w: inout JSONWriter) {
        w.object { w in
            w.member("end", end)
            w.member("label", label)
            w.member("start", start)
        }
    }
}

extension Series: JSONWritable {
    public func write(to w: inout JSONWriter) {
        w.object { w in
            w.member("currency", currency)
            w.member("metric", metric)
            w.member("partner", partner)
            w.member("reporter", reporter)
        }
    }
}

extension Dateline: JSONWritable {
    public func write(to w: inout JSONWriter) {
        w.object { w in
            w.member("agency", agency)
            w.member("place", place)
        }
    }
}

extension Article: JSONWritable {
    public func write(to w: inout JSONWriter) throws {
        try w.object { w in
            w.member("countries", countries)
            try w.member("dateline", dateline)
            w.member("id", id)
            w.member("origin", origin)
            try w.member("paragraphs", paragraphs)
            w.member("published", published)
            w.member("receivedAt", receivedAt)
            w.member("schema", schema)
            w.member("source", source)
            w.member("text", text)
            w.member("title", title)
        }
    }
}

extension ArticleSummary: JSONWritable {
    public func write(to w: inout JSONWriter) throws {
        try w.object { w in
            w.member("countries", countries)
            try w.member("dateline", dateline)
            w.member("id", id)
            w.member("origin", origin)
            w.member("published", published)
            w.member("receivedAt", receivedAt)
            w.member("source", source)
            w.member("title", title)
        }
    }
}

extension Figure: JSONWritable {
    public func write(to w: inout JSONWriter) throws {
        try w.object { w in
            try w.member("amount", amount)
            w.member("currency", currency)
            w.member("derived", derived)
            w.member("direction", direction)
            w.member("metric", metric)
            w.member("partner", partner)
            try w.member("period", period)
            w.member("qualifier", qualifier)
            w.member("reporter", reporter)
            try w.member("span", span)
            w.member("text", text)
            try w.member("usdAmount", usdAmount)
        }
    }
}

extension StatedChange: JSONWritable {
    public func write(to w: inout JSONWriter) throws {
        try w.object { w in
            try w.member("absolute", absolute)
            try w.member("from", from)
            try w.member("percent", percent)
            w.member("qualifier", qualifier)
            try w.member("ratio", ratio)
            try w.member("series", series)
            try w.member("span", span)
            w.member("text", text)
            try w.member("to", to)
        }
    }
}

extension DeltaPoint: JSONWritable {
    public func write(to w: inout JSONWriter) throws {
        try w.object { w in
            try w.member("amount", amount)
            try w.member("period", period)
        }
    }
}

extension TradeDelta: JSONWritable {
    public func write(to w: inout JSONWriter) throws {
        try w.object { w in
            try w.member("absolute", absolute)
            w.member("articles", articles)
            w.member("basis", basis)
            w.member("consistent", consistent)
            try w.member("from", from)
            w.member("id", id)
            try w.member("percent", percent)
            try w.member("ratio", ratio)
            w.member("schema", schema)
            try w.member("series", series)
            try w.member("to", to)
        }
    }
}

extension Milestone: JSONWritable {
    public func write(to w: inout JSONWriter) {
        w.object { w in
            w.member("date", date)
            w.member("ordinal", ordinal)
            w.member("year", year)
        }
    }
}

extension Anniversary: JSONWritable {
    public func write(to w: inout JSONWriter) throws {
        try w.object { w in
            w.member("baseDate", baseDate)
            w.member("baseYear", baseYear)
            w.member("id", id)
            w.member("kind", kind)
            try w.member("next", next)
            w.member("onPublicationDay", onPublicationDay)
            w.member("ordinal", ordinal)
            w.member("parties", parties)
            w.member("schema", schema)
            try w.member("span", span)
            w.member("subject", subject)
            w.member("text", text)
            w.member("year", year)
        }
    }
}

extension EnrichedArticle: JSONWritable {
    public func write(to w: inout JSONWriter) throws {
        try w.object { w in
            try w.member("anniversaries", anniversaries)
            try w.member("article", article)
            try w.member("deltas", deltas)
            w.member("enrichedAt", enrichedAt)
            try w.member("figures", figures)
            w.member("schema", schema)
        }
    }
}

extension TradeObservation: JSONWritable {
    public func write(to w: inout JSONWriter) throws {
        try w.object { w in
            w.member("article", article)
            try w.member("change", change)
            try w.member("figure", figure)
            w.member("published", published)
            w.member("schema", schema)
        }
    }
}

extension LedgerEntry: JSONWritable {
    public func write(to w: inout JSONWriter) throws {
        try w.object { w in
            try w.member("observation", observation)
            w.member("schema", schema)
        }
    }
}
