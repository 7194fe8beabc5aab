import AttacheModels
import Foundation

/// HMAC-SHA256 (RFC 2104) over the project's own SHA-256: enough for webhook signatures
/// without a cryptography dependency.
public enum HMACSHA256 {
    /// The 32-byte authentication code of `message` under `key`.
    public static func authenticationCode(key: some Collection<UInt8>, message: some Collection<UInt8>) -> [UInt8] {
        let blockSize = 64
        var block = key.count > blockSize ? SHA256.digest(key) : Array(key)
        block += [UInt8](repeating: 0, count: blockSize - block.count)
        let inner = SHA256.digest(block.map { $0 ^ 0x36 } + Array(message))
        return SHA256.digest(block.map { $0 ^ 0x5c } + inner)
    }
}

/// A Standard Webhooks secret: `whsec_` followed by the base64 of the signing key. The key
/// never appears in a description.
public struct WebhookSecret: Sendable, Hashable, CustomStringConvertible {
    /// The prefix of Standard Webhooks secrets.
    public static let prefix = "whsec_"
    /// The decoded signing key.
    public let key: [UInt8]

    /// Reads a `whsec_<base64>` secret (the prefix may be left out). Throws a message that
    /// never quotes the secret.
    public init(_ text: String) throws(WebhookSecretError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        var encoded =
            trimmed.hasPrefix(WebhookSecret.prefix) ? String(trimmed.dropFirst(WebhookSecret.prefix.count)) : trimmed
        // Unpadded base64 is accepted, as the reference libraries accept it.
        if encoded.count % 4 != 0 { encoded += String(repeating: "=", count: 4 - encoded.count % 4) }
        guard encoded.count > 1, let data = Data(base64Encoded: encoded), !data.isEmpty else {
            throw WebhookSecretError()
        }
        key = Array(data)
    }

    /// Creates a secret from raw key bytes.
    public init(key: [UInt8]) { self.key = key }

    /// The `whsec_…` form (for tests and for generating a secret to hand to a receiver).
    public var text: String { WebhookSecret.prefix + Data(key).base64EncodedString() }

    /// Several secrets separated by spaces (two during a rotation).
    public static func list(_ text: String) throws(WebhookSecretError) -> [WebhookSecret] {
        var secrets: [WebhookSecret] = []
        for part in text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }) {
            secrets.append(try WebhookSecret(String(part)))
        }
        return secrets
    }

    public var description: String { "whsec_[redacted]" }
}

/// A secret that is not `whsec_` followed by base64.
public struct WebhookSecretError: Error, CustomStringConvertible, Sendable {
    public var description: String { "a webhook secret must be 'whsec_' followed by the base64 of the signing key" }
}

/// The Standard Webhooks 1.0 headers of one request: `webhook-id`, `webhook-timestamp`
/// (Unix seconds) and `webhook-signature`, a space-separated list of `v1,<base64 of
/// HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`, one per secret.
public struct WebhookSignature: Sendable, Hashable {
    public var id: String
    public var timestamp: Int64
    public var signatures: [String]

    /// Signs `body` for message `id` at `timestamp` with every secret.
    public init(id: String, timestamp: Int64, body: some Collection<UInt8>, secrets: [WebhookSecret]) {
        self.id = id
        self.timestamp = timestamp
        let content = Array("\(id).\(timestamp).".utf8) + Array(body)
        signatures = secrets.map {
            "v1," + Data(HMACSHA256.authenticationCode(key: $0.key, message: content)).base64EncodedString()
        }
    }

    /// The headers, names in lower case (`webhook-signature` only when there are secrets).
    public var headers: [(name: String, value: String)] {
        var headers = [("webhook-id", id), ("webhook-timestamp", String(timestamp))]
        if !signatures.isEmpty { headers.append(("webhook-signature", signatures.joined(separator: " "))) }
        return headers
    }

    /// Whether `header` (a `webhook-signature` value) holds a valid signature of `body` under
    /// one of `secrets`: what a receiver checks (besides the timestamp's age).
    public static func verify(
        header: String, id: String, timestamp: Int64, body: some Collection<UInt8>, secrets: [WebhookSecret]
    ) -> Bool {
        let expected = Set(WebhookSignature(id: id, timestamp: timestamp, body: body, secrets: secrets).signatures)
        return header.split(separator: " ").contains { expected.contains(String($0)) }
    }
}
