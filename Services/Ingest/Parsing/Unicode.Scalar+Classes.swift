/// The character classes the layout asks about, with a fast path for ASCII: looking up a
/// Unicode property costs far more than a range check, and most scalars of an article are ASCII.
extension Unicode.Scalar {
    /// A letter or a digit (the Unicode properties Alphabetic, or a numeric type).
    var isLetterOrDigit: Bool {
        isASCII
            ? (self >= "a" && self <= "z") || (self >= "A" && self <= "Z") || (self >= "0" && self <= "9")
            : properties.isAlphabetic || properties.numericType != nil
    }

    /// The Unicode property Uppercase.
    var isUppercase: Bool { isASCII ? self >= "A" && self <= "Z" : properties.isUppercase }

    /// The Unicode property Lowercase.
    var isLowercase: Bool { isASCII ? self >= "a" && self <= "z" : properties.isLowercase }
}
