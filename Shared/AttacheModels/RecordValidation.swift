import Foundation

/// What is wrong with a decoded record: the field (a path such as `figure.period.start`) and
/// a sentence saying what it holds and what is accepted.
public struct RecordProblem: Error, CustomStringConvertible, Sendable, Hashable {
    public var field: String
    public var problem: String

    public init(field: String, _ problem: String) {
        self.field = field
        self.problem = problem
    }

    public var description: String { "\(field): \(problem)" }
}

/// A record that is checked after decoding: a value read from Kafka is trusted only once
/// `validated()` accepted it. Every service's decoding boundary (`AttacheJSON.decodeValidated`)
/// calls it, so code behind the boundary may do arithmetic on the record's numbers.
public protocol ValidatedRecord: SchemaRecord {
    /// The record with its instants clamped into `RecordLimits.instants`, or the first
    /// problem found.
    func validated() throws(RecordProblem) -> Self
}

/// The ranges a record's values must lie in. Values outside them are not plausible news
/// and, left in, would overflow the arithmetic done on them (anniversary milestones, deltas,
/// instants formatted as text).
public enum RecordLimits {
    /// Calendar years of dates, periods and anniversaries.
    public static let years = 1000...9999
    /// Anniversary ordinals (the 31st anniversary is 31).
    public static let ordinals = 1...1000
    /// The largest magnitude of an amount, a change or a ratio (10^18, far above any trade
    /// figure in any currency).
    public static let maxMagnitude = 1e18
    /// Instants (receivedAt, enrichedAt, record timestamps) are clamped into this range:
    /// 1970-01-01T00:00:00Z ... 9999-12-31T23:59:59.999Z.
    public static let instants = Date(timeIntervalSince1970: 0)...Date(timeIntervalSince1970: 253_402_300_799.999)
    /// The longest identifier, code or label.
    public static let maxIdentifier = 1_024

    /// `date` moved into `instants` (a NaN time becomes the lower bound).
    public static func clamp(_ date: Date) -> Date {
        let seconds = date.timeIntervalSince1970
        guard seconds.isFinite, !seconds.isNaN else { return instants.lowerBound }
        return min(max(date, instants.lowerBound), instants.upperBound)
    }

    /// A Kafka record timestamp (Unix milliseconds, any `Int64`) as an instant in `instants`.
    public static func instant(unixMillis: Int64) -> Date {
        // Double(Int64) never traps; the division keeps it finite.
        clamp(Date(timeIntervalSince1970: Double(unixMillis) / 1000))
    }
}

/// The checks the records share, each throwing a `RecordProblem` that names the field. The
/// field's name is an autoclosure: it is built only for a problem, not for every value that
/// passes (these checks run on every record a service consumes).
public enum RecordCheck {
    public static func year(_ year: Int, _ field: @autoclosure () -> String) throws(RecordProblem) {
        guard RecordLimits.years.contains(year) else {
            throw RecordProblem(
                field: field(),
                "year \(year) is outside \(RecordLimits.years.lowerBound)-\(RecordLimits.years.upperBound)")
        }
    }

    public static func day(_ day: Day, _ field: @autoclosure () -> String) throws(RecordProblem) {
        try year(day.year, field())
    }

    public static func period(_ period: Period, _ field: @autoclosure () -> String) throws(RecordProblem) {
        try day(period.start, field() + ".start")
        try day(period.end, field() + ".end")
        guard period.start <= period.end else {
            throw RecordProblem(field: field(), "starts \(period.start) after it ends \(period.end)")
        }
        try identifier(period.label, field() + ".label")
    }

    /// A finite number of plausible magnitude.
    public static func amount(_ value: Double, _ field: @autoclosure () -> String) throws(RecordProblem) {
        guard value.isFinite else { throw RecordProblem(field: field(), "\(value) is not a finite number") }
        guard abs(value) <= RecordLimits.maxMagnitude else {
            throw RecordProblem(field: field(), "\(value) is larger in magnitude than \(RecordLimits.maxMagnitude)")
        }
    }

    public static func amount(_ value: Double?, _ field: @autoclosure () -> String) throws(RecordProblem) {
        if let value { try amount(value, field()) }
    }

    /// A span of non-negative, ordered offsets; inside `text` when the text is given
    /// (`scalarCount` is its number of Unicode scalars).
    public static func span(_ span: TextSpan, _ field: @autoclosure () -> String, scalarCount: Int? = nil)
        throws(RecordProblem)
    {
        guard span.start >= 0, span.start <= span.end else {
            throw RecordProblem(field: field(), "\(span.start)..<\(span.end) is not a range of offsets")
        }
        if let scalarCount, span.end > scalarCount {
            throw RecordProblem(
                field: field(), "\(span.start)..<\(span.end) ends after the text (\(scalarCount) characters)")
        }
    }

    /// The number of Unicode scalars of `text`: its UTF-8 bytes that do not continue a scalar
    /// (a Swift string is valid UTF-8). Much faster than counting `unicodeScalars`, which
    /// decodes each one; the bytes are counted eight at a time (`UTF8Word`).
    public static func scalarCount(_ text: String) -> Int {
        var text = text
        return text.withUTF8 { bytes in
            var scalars = 0
            var i = 0
            if let base = bytes.baseAddress {
                let raw = UnsafeRawPointer(base)
                while i + 8 <= bytes.count {
                    scalars += UTF8Word.leadBytes(in: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                    i += 8
                }
            }
            for byte in bytes[i...] where byte & 0xC0 != 0x80 { scalars += 1 }
            return scalars
        }
    }

    /// A non-empty identifier of bounded length.
    public static func identifier(_ text: String, _ field: @autoclosure () -> String) throws(RecordProblem) {
        guard !text.isEmpty else { throw RecordProblem(field: field(), "is empty") }
        guard text.utf8.count <= RecordLimits.maxIdentifier else {
            throw RecordProblem(
                field: field(), "is \(text.utf8.count) bytes long, more than \(RecordLimits.maxIdentifier)")
        }
    }

    public static func ordinal(_ ordinal: Int, _ field: @autoclosure () -> String) throws(RecordProblem) {
        guard RecordLimits.ordinals.contains(ordinal) else {
            throw RecordProblem(
                field: field(),
                "ordinal \(ordinal) is outside \(RecordLimits.ordinals.lowerBound)-\(RecordLimits.ordinals.upperBound)")
        }
    }

    public static func series(_ series: Series, _ field: @autoclosure () -> String) throws(RecordProblem) {
        try identifier(series.reporter, field() + ".reporter")
        try identifier(series.partner, field() + ".partner")
        try identifier(series.currency, field() + ".currency")
    }
}

/// Why a record read from Kafka is refused at the decoding boundary, as a `Rejection`
/// reason code and a sentence.
public struct RecordRefusal: Error, CustomStringConvertible, Sendable {
    /// `invalid_record` (not JSON, wrong types, missing fields), `unknown_schema` (another
    /// record type or version) or `invalid_field` (decoded, but a value is out of range).
    public var reason: String
    public var detail: String
    public var description: String { detail }
}

extension AttacheJSON {
    /// The decoding boundary of every record a service consumes: decodes `bytes` as `T`,
    /// checks its schema name, its required fields and types, and its values
    /// (`ValidatedRecord.validated`). Never traps, whatever the bytes.
    public static func decodeValidated<T: ValidatedRecord>(_ type: T.Type, from bytes: some Collection<UInt8>)
        -> Result<T, RecordRefusal>
    {
        let record: T
        do {
            record = try decode(T.self, from: bytes)
        } catch let mismatch as SchemaMismatch {
            return .failure(RecordRefusal(reason: "unknown_schema", detail: mismatch.description))
        } catch {
            return .failure(
                RecordRefusal(
                    reason: "invalid_record", detail: "not a valid \(T.schemaName.rawValue): \(explain(error))"))
        }
        do {
            return .success(try record.validated())
        } catch {
            return .failure(
                RecordRefusal(
                    reason: "invalid_field", detail: "a \(T.schemaName.rawValue) with an unacceptable value at \(error)"
                ))
        }
    }
}
