import Foundation

/// The one JSON encoding of Attache records: camelCase keys as declared, sorted keys and
/// ISO 8601 instants with milliseconds, so equal values encode to equal bytes (replays are
/// idempotent by value, not only by key).
public enum AttacheJSON {
    /// A fresh encoder with Attache's settings.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(formatInstant(date))
        }
        return encoder
    }

    /// A fresh decoder that reads what `encoder()` writes (and instants without fractions).
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = parseInstant(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container,
                    debugDescription: "'\(text)' is not an ISO 8601 instant such as 2023-06-30T10:00:00.000Z")
            }
            return date
        }
        return decoder
    }

    /// Encodes a value. The hot records (`JSONWritable`) write themselves, the same bytes
    /// faster; when they cannot (a number that is not finite), `JSONEncoder` runs to throw its
    /// error, with the path to the value.
    public static func encode(_ value: some Encodable) throws -> [UInt8] {
        if let writable = value as? any JSONWritable, let bytes = try? writable.jsonBytes() {
            return bytes
        }
        return Array(try encoder().encode(value))
    }

    /// `encode` for a type the compiler knows writes itself: the same bytes, without the
    /// dynamic cast to `JSONWritable` (a cast and a conformance lookup per record).
    public static func encode(_ value: some Encodable & JSONWritable) throws -> [UInt8] {
        if let bytes = try? value.jsonBytes() { return bytes }
        return Array(try encoder().encode(value))
    }

    /// Encodes a value as one line of text.
    public static func line(_ value: some Encodable) throws -> String {
        String(decoding: try encode(value), as: UTF8.self)
    }

    /// Decodes a record and checks that its `schema` names the expected version.
    /// The hot records (`JSONReadable`) are read straight from the bytes; whatever that
    /// reader does not take goes through `JSONDecoder`, which reads it or says what is wrong.
    public static func decode<T: SchemaRecord>(_ type: T.Type, from bytes: some Collection<UInt8>) throws -> T {
        if let readable = T.self as? any JSONReadable.Type,
            let value = bytes.withContiguousStorageIfAvailable({ fastRead(readable, $0) }) ?? nil,
            let record = value as? T
        {
            return record
        }
        let data = Data(bytes)
        if let probe = try? JSONDecoder().decode(SchemaProbe.self, from: data), let name = probe.schema,
            name != T.schemaName.rawValue
        {
            throw SchemaMismatch(expected: T.schemaName.rawValue, found: name)
        }
        return try decoder().decode(T.self, from: data)
    }

    private static func fastRead<R: JSONReadable>(_ type: R.Type, _ bytes: UnsafeBufferPointer<UInt8>) -> R? {
        R.read(json: bytes)
    }

    /// A decoding error as a sentence a person can act on: what is wrong, and where in the
    /// record (`missing field 'published'`, `wrong type at figures[0].amount, expected Double`).
    public static func explain(_ error: any Error) -> String {
        if let mismatch = error as? SchemaMismatch { return mismatch.description }
        guard let error = error as? DecodingError else { return "\(error)" }
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return keys.isEmpty ? "" : " at \(keys.hasPrefix(".") ? String(keys.dropFirst()) : keys)"
        }
        switch error {
        case .dataCorrupted(let context):
            let underlying = (context.underlyingError as NSError?).map { " (\($0.localizedDescription))" } ?? ""
            return "malformed JSON\(path(context)): \(context.debugDescription)\(underlying)"
        case .keyNotFound(let key, let context):
            return "missing field '\(key.stringValue)'\(path(context))"
        case .typeMismatch(let type, let context):
            return "wrong type\(path(context)), expected \(type): \(context.debugDescription)"
        case .valueNotFound(let type, let context):
            return "null value\(path(context)), expected \(type)"
        @unknown default:
            return "\(error)"
        }
    }

    /// An encoding error as a sentence: which value at which path cannot be written
    /// (`figures[0].amount: inf is not a finite number`).
    public static func explainEncoding(_ error: any Error) -> String {
        guard let error = error as? EncodingError else { return "\(error)" }
        switch error {
        case .invalidValue(let value, let context):
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            let path = keys.hasPrefix(".") ? String(keys.dropFirst()) : keys
            return "\(path.isEmpty ? "" : path + ": ")\(value) cannot be encoded (\(context.debugDescription))"
        @unknown default:
            return "\(error)"
        }
    }

    /// `2023-06-30T10:00:00.000Z`.
    /// Instants outside 0001-01-01 ... 9999-12-31T23:59:59.999Z, e.g. from a record timestamp
    /// near `Int64.max`, are clamped into that range first, so no conversion below can overflow.
    public static func formatInstant(_ date: Date) -> String {
        var interval = date.timeIntervalSince1970
        if interval.isNaN { interval = 0 }
        interval = min(max(interval, -62_135_596_800), 253_402_300_799.999)
        // In range after the clamp; `exactly` turns any surprise into the epoch, not a trap.
        let millis = Int64(exactly: (interval * 1000).rounded()) ?? 0
        let seconds = Int((Double(millis) / 1000).rounded(.down))
        let ms = Int(millis) - seconds * 1000
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
            Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), ms)
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fff]Z`.
    public static func parseInstant(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}

/// Reads only the `schema` field of a record.
private struct SchemaProbe: Decodable {
    var schema: String?
}

/// A record whose `schema` names another type or version than the one expected.
public struct SchemaMismatch: Error, CustomStringConvertible, Sendable {
    public var expected: String
    public var found: String
    public var description: String { "the record's schema is '\(found)', expected '\(expected)'" }
}
