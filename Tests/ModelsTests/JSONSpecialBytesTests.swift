import Foundation
import Testing

@testable import AttacheModels

/// The word-at-a-time scan for `"`, `\` and controls: every position inside and across the
/// 8-byte words, next to bytes that are close to special (0x20, 0x21, 0x23, 0x5B, 0x5D, DEL,
/// UTF-8 lead and continuation bytes), and the writer and reader built on it.
@Suite("JSON special bytes")
struct JSONSpecialBytesTests {
    static let specials: [UInt8] = [0x00, 0x01, 0x0A, 0x1F, 0x22, 0x5C]
    static let plain: [UInt8] = [0x20, 0x21, 0x23, 0x5B, 0x5D, 0x7F, 0x80, 0xA0, 0xA2, 0xDC, 0xE2, 0xFF, 0x41]

    @Test func findsTheFirstSpecialByteAtEveryPosition() {
        for length in 0..<26 {
            for position in 0...length {
                for special in Self.specials {
                    var bytes = (0..<length).map { Self.plain[$0 % Self.plain.count] }
                    if position < length { bytes[position] = special }
                    // A later special byte must not hide the first one.
                    if position + 1 < length { bytes[length - 1] = 0x22 }
                    bytes.withUnsafeBufferPointer { buffer in
                        for from in 0...position {
                            #expect(
                                JSONSpecialBytes.first(in: buffer, from: from) == position,
                                "length \(length), special \(special) at \(position), from \(from)")
                        }
                    }
                }
            }
        }
    }

    @Test func writerAndReaderAgreeWithFoundationAtEveryOffset() throws {
        let encoder = AttacheJSON.encoder()
        for before in 0..<18 {
            for after in [0, 1, 7, 8, 9, 17] {
                for special in ["\"", "\\", "\n", "\u{0}", "\u{1F}", "\r", "\t", "\u{8}", "\u{C}"] {
                    let text =
                        String(repeating: "a", count: before) + special + String(repeating: "é", count: after) + "/"
                    var writer = JSONWriter()
                    writer.string(text)
                    let expected = [UInt8](try encoder.encode(text))
                    #expect(writer.bytes == expected, "\(before) + \(special.debugDescription) + \(after)")
                    let read: String? = expected.withUnsafeBufferPointer { buffer in
                        var reader = JSONReader(buffer)
                        let value = reader.string()
                        return reader.finished() ? value : nil
                    }
                    #expect(read == text, "\(before) + \(special.debugDescription) + \(after)")
                }
            }
        }
    }

    @Test func readerRefusesRawControlsAndUnterminatedStringsAtEveryOffset() {
        for before in 0..<18 {
            for escaped in [false, true] {
                let head = Array((escaped ? "\"\\n" : "\"").utf8) + [UInt8](repeating: 0x61, count: before)
                for tail in [[0x0A, 0x22], [0x1F, 0x22], []] as [[UInt8]] {
                    let bytes = head + tail
                    let failed = bytes.withUnsafeBufferPointer { buffer in
                        var reader = JSONReader(buffer)
                        return reader.string() == nil && reader.failed
                    }
                    #expect(failed, "\(before) bytes, escaped \(escaped), tail \(tail)")
                }
            }
        }
    }
}
