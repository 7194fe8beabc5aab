/// The stable ids of docs/architecture.md §2: each is the first 16 hex digits of a SHA-256 over the
/// fields that identify the record, so replays and duplicates produce the same keys.
public enum StableID {
    /// 16 hex digits (64 bits) of SHA-256 over `parts` joined by U+001F.
    public static func hash(_ parts: String...) -> String {
        hash(parts)
    }

    /// `hash(_:)` over an array of parts. The parts are hashed where they lie, one after the
    /// other with the separator between them, without joining them into a new string.
    static func hash(_ parts: [String]) -> String {
        var hasher = SHA256.Hasher()
        let separator: UInt8 = 0x1F
        for (index, part) in parts.enumerated() {
            if index > 0 { withUnsafeBytes(of: separator) { hasher.update($0) } }
            var part = part
            part.withUTF8 { hasher.update(UnsafeRawBufferPointer($0)) }
        }
        return SHA256.hexDigits(hasher.finalize(), count: 8)
    }

    /// An article's id: a hash of its normalised text (the publication date is part of it,
    /// so the same text published twice on different days stays two articles).
    public static func article(published: Day, normalisedText: String) -> String {
        hash("article", published.description, normalisedText)
    }

    /// A delta's id: series + both periods.
    public static func delta(series: Series, from: Period, to: Period) -> String {
        hash("delta", series.id, from.label, to.label)
    }

    /// An anniversary's id: kind + subject + base year.
    public static func anniversary(kind: AnniversaryKind, subject: String, baseYear: Int) -> String {
        hash("anniversary", kind.rawValue, subject.lowercased(), String(baseYear))
    }

    /// A notification's id: rule + subject id.
    public static func notification(rule: String, subjectID: String) -> String {
        hash("notification", rule, subjectID)
    }

    /// A rejected submission's id: origin + payload.
    public static func submission(origin: String, payload: String) -> String {
        hash("submission", origin, payload)
    }
}
