import Foundation
import Testing

@testable import AttacheModels

/// `String(strictUTF8:)`, which `JSONReader` makes its strings with: it must refuse every
/// invalid sequence, including those whose repair has the input's length (a truncated
/// four-byte sequence becomes one U+FFFD of three bytes).
@Suite("Strict UTF-8")
struct StrictUTF8Tests {
    static let invalid: [[UInt8]] = [
        [0xF0, 0x9F, 0x98, 0x41],  // truncated 4-byte sequence, then "A": same length once repaired
        [0xF0, 0x9F, 0x98],  // truncated at the end
        [0xEF, 0xBF],  // truncated 3-byte sequence
        [0x80],  // lone continuation byte
        [0x41, 0xBF, 0x42],
        [0xC0, 0x80],  // overlong NUL
        [0xE0, 0x80, 0xAF],  // overlong
        [0xED, 0xA0, 0x80],  // UTF-16 surrogate
        [0xF4, 0x90, 0x80, 0x80],  // above U+10FFFF
        [0xF5, 0x80, 0x80, 0x80],
        [0xFF],
    ]

    @Test func acceptsValidTextAsIs() {
        for text in ["", "a", "Қазақстан", "🇰🇿 trade 😀 \u{FFFD} \u{10FFFF}", String(repeating: "é–x", count: 40)] {
            let bytes = Array(text.utf8)
            #expect(bytes.withUnsafeBufferPointer(String.init(strictUTF8:)) == text)
        }
    }

    @Test func refusesEveryInvalidSequenceAnywhere() {
        for sequence in Self.invalid {
            for padding in [0, 1, 15, 16, 40] {
                let bytes = Array(String(repeating: "a", count: padding).utf8) + sequence
                #expect(bytes.withUnsafeBufferPointer(String.init(strictUTF8:)) == nil, "\(sequence) after \(padding)")
                // And in a JSON string, with and without an escape before it.
                for prefix in ["\"", "\"\\n"] {
                    let json = Array(prefix.utf8) + bytes + [0x22]
                    let read: String? = json.withUnsafeBufferPointer { buffer in
                        var reader = JSONReader(buffer)
                        return reader.string()
                    }
                    #expect(read == nil, "\(sequence) after \(prefix) and \(padding)")
                }
            }
        }
    }
}
