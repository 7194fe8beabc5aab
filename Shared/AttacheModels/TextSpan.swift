/// A half-open range of character offsets into an article's normalised text.
///
/// Offsets count Unicode scalars (code points), the unit Python, Java's `codePointAt` and
/// most JSON consumers can index with; `start` is inclusive, `end` exclusive.
public struct TextSpan: Hashable, Sendable, Codable {
    public var start: Int
    public var end: Int

    public init(start: Int, end: Int) {
        self.start = start
        self.end = end
    }

    /// The number of scalars covered.
    public var length: Int { end - start }
}

extension String {
    /// The text covered by a span of Unicode-scalar offsets, or nil when the span does not
    /// lie within the string.
    public func text(in span: TextSpan) -> String? {
        let scalars = unicodeScalars
        guard span.start >= 0, span.start <= span.end, span.end <= scalars.count else { return nil }
        let from = scalars.index(scalars.startIndex, offsetBy: span.start)
        let to = scalars.index(from, offsetBy: span.length)
        return String(scalars[from..<to])
    }
}
