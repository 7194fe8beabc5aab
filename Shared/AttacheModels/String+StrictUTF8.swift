import Foundation

extension String {
    /// The text of `utf8` when it is valid UTF-8; nil when it is not.
    ///
    /// `String(validating:as:)` does the same, but through the standard library's generic
    /// path, which was a quarter of `JSONReader`'s time on article texts. Decoding repairs
    /// invalid input (each bad sequence becomes U+FFFD), and the result is always valid, so
    /// the result has exactly the input's bytes if and only if the input was valid.
    init?(strictUTF8 utf8: UnsafeBufferPointer<UInt8>) {
        let text = String(decoding: utf8, as: UTF8.self)
        let same =
            text.utf8.withContiguousStorageIfAvailable { decoded in
                decoded.count == utf8.count
                    && (utf8.isEmpty || memcmp(decoded.baseAddress!, utf8.baseAddress!, utf8.count) == 0)
            } ?? text.utf8.elementsEqual(utf8)
        guard same else { return nil }
        self = text
    }
}
