import Foundation

/// One submission as it arrives, before parsing.
public enum ArticleInput: Sendable, Hashable {
    /// `text/plain` in the seed format: a first line starting with ` date YYYY-MM-DD `, the
    /// article text beginning on that same line.
    case seedText([UInt8])
    /// `application/json`: an object `{published, text, title?, source?}`. `published` is a
    /// `YYYY-MM-DD` string, `text` a non-empty string, `title` and `source` optional strings
    /// (or null); other members are ignored.
    case json([UInt8])

    /// The bytes as submitted.
    public var bytes: [UInt8] {
        switch self {
        case .seedText(let bytes), .json(let bytes): bytes
        }
    }
}
