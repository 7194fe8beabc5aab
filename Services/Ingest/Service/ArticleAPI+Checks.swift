import AttacheModels
import Foundation

/// The request checks that come before the body: the bearer token and the content type.
extension ArticleAPI {
    /// What a request submits: one article (the seed format or JSON) or an NDJSON batch.
    enum Kind {
        case seed, json, ndjson
    }

    /// The kind of submission a Content-Type names, nil for the unsupported ones.
    static func kind(of contentType: String?) -> Kind? {
        guard let contentType else { return nil }
        let media =
            contentType.split(separator: ";", maxSplits: 1).first.map {
                $0.trimmingCharacters(in: .whitespaces).lowercased()
            } ?? ""
        switch media {
        case "text/plain": return .seed
        case "application/json": return .json
        case "application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines":
            return .ndjson
        default: return nil
        }
    }

    /// Whether an `Authorization` header carries `Bearer <token>`; compares in constant time
    /// (over SHA-256 digests, so neither content nor length leaks through timing).
    static func authorized(_ header: String?, token: String) -> Bool {
        guard let header else { return false }
        let parts = header.trimmingCharacters(in: .whitespaces).split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return false }
        let given = SHA256.digest(Array(parts[1].trimmingCharacters(in: .whitespaces).utf8))
        let expected = SHA256.digest(Array(token.utf8))
        var difference: UInt8 = 0
        for (a, b) in zip(given, expected) { difference |= a ^ b }
        return difference == 0 && given.count == expected.count
    }
}
