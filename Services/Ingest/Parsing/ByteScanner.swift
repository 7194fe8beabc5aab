/// Validates UTF-8 and rejects binary data in one pass, decoding the scalars.
///
/// Lines are counted at LF, CRLF and a lone CR; columns are 1-based Unicode scalars within
/// the line, so a person's editor shows the same place.
enum ByteScanner {
    /// Control characters that text may hold: tab, LF, VT, FF, CR and NEL (U+0085).
    @inline(__always)
    static func isAllowedControl(_ v: UInt32) -> Bool {
        v == 0x09 || v == 0x0A || v == 0x0B || v == 0x0C || v == 0x0D || v == 0x85
    }

    @inline(__always)
    static func isForbiddenControl(_ v: UInt32) -> Bool {
        (v < 0x20 || (v >= 0x7F && v <= 0x9F)) && !isAllowedControl(v)
    }

    /// The first control character in `text` that means binary data (see `isForbiddenControl`),
    /// found over its UTF-8: C0 controls and DEL are single bytes, C1 controls 0xC2 0x80–0x9F.
    static func firstForbiddenControl(in text: String) -> UInt32? {
        var text = text
        return text.withUTF8 { utf8 in
            var i = 0
            while i < utf8.count {
                let b = utf8[i]
                if b < 0x20 || b == 0x7F {
                    if isForbiddenControl(UInt32(b)) { return UInt32(b) }
                } else if b == 0xC2, i + 1 < utf8.count, isForbiddenControl(UInt32(utf8[i + 1])) {
                    return UInt32(utf8[i + 1])
                }
                i += 1
            }
            return nil
        }
    }

    /// The decoded scalars, or the first problem (invalid UTF-8 or a control character).
    /// `lineOffset` is added to reported lines (for NDJSON records).
    static func decode(_ bytes: [UInt8], lineOffset: Int = 0) -> Result<[Unicode.Scalar], Problem> {
        var problem: Problem?
        // At most one scalar per byte; written straight into the array's storage.
        let scalars = [Unicode.Scalar](unsafeUninitializedCapacity: bytes.count) { out, count in
            var n = 0
            problem = bytes.withUnsafeBufferPointer { bytes in
                scan(bytes, lineOffset: lineOffset) { scalar in
                    out[n] = scalar
                    n += 1
                }
            }
            count = n
        }
        if let problem { return .failure(problem) }
        return .success(scalars)
    }

    /// The first problem of `bytes` (invalid UTF-8 or a control character), if any, without
    /// keeping the scalars.
    static func validate(_ bytes: [UInt8], lineOffset: Int = 0) -> Problem? {
        bytes.withUnsafeBufferPointer { bytes in scan(bytes, lineOffset: lineOffset) { _ in } }
    }

    /// The one pass behind `decode` and `validate`: gives each scalar to `emit`, in order,
    /// until the end or the first problem, which it returns.
    @inline(__always)
    private static func scan(
        _ bytes: UnsafeBufferPointer<UInt8>, lineOffset: Int, emit: (Unicode.Scalar) -> Void
    ) -> Problem? {
        var count = 0  // scalars so far
        var line = 1
        var lineStart = 0  // scalars before the current line
        var i = 0
        let n = bytes.count
        if n >= 2, (bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF) {
            return Problem(
                .invalidUTF8,
                "the input starts with a UTF-16 byte order mark (0x\(hex(bytes[0])) 0x\(hex(bytes[1]))); send the text encoded as UTF-8.",
                line: 1 + lineOffset, column: 1, byteOffset: 0)
        }
        while i < n {
            // Printable ASCII, most of an article, needs no check beyond its range: eight
            // bytes at a time while they all are, then byte by byte.
            while i + 8 <= n, isPrintableASCII(UnsafeRawPointer(bytes.baseAddress! + i).loadUnaligned(as: UInt64.self))
            {
                for k in 0..<8 { emit(Unicode.Scalar(bytes[i + k])) }
                count += 8
                i += 8
            }
            while i < n, bytes[i] >= 0x20, bytes[i] < 0x7F {
                emit(Unicode.Scalar(bytes[i]))
                count += 1
                i += 1
            }
            guard i < n else { break }
            let b0 = bytes[i]
            if b0 < 0x80 {
                if b0 < 0x20 || b0 == 0x7F {
                    if b0 == 0x0A {
                        if !(i > 0 && bytes[i - 1] == 0x0D) { line += 1 }
                        lineStart = count + 1
                    } else if b0 == 0x0D {
                        line += 1
                        lineStart = count + 1
                    } else if !isAllowedControl(UInt32(b0)) {
                        return controlProblem(
                            UInt32(b0), line: line + lineOffset, column: count - lineStart + 1, offset: i)
                    }
                }
                emit(Unicode.Scalar(b0))
                count += 1
                i += 1
                continue
            }
            // Multi-byte sequence: validate per RFC 3629 (no overlongs, no surrogates, ≤ U+10FFFF).
            var length = 0
            var value: UInt32 = 0
            var lower: UInt8 = 0x80
            var upper: UInt8 = 0xBF
            switch b0 {
            case 0xC2...0xDF: length = 2; value = UInt32(b0 & 0x1F)
            case 0xE0: length = 3; value = UInt32(b0 & 0x0F); lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3; value = UInt32(b0 & 0x0F)
            case 0xED: length = 3; value = UInt32(b0 & 0x0F); upper = 0x9F
            case 0xF0: length = 4; value = UInt32(b0 & 0x07); lower = 0x90
            case 0xF1...0xF3: length = 4; value = UInt32(b0 & 0x07)
            case 0xF4: length = 4; value = UInt32(b0 & 0x07); upper = 0x8F
            default:
                return utf8Problem(
                    bytes, at: i, length: 1, line: line + lineOffset, column: count - lineStart + 1,
                    why: b0 >= 0x80 && b0 <= 0xBF
                        ? "a continuation byte without a lead byte" : "a byte that never occurs in UTF-8")
            }
            var k = 1
            while k < length {
                guard i + k < n else {
                    return utf8Problem(
                        bytes, at: i, length: k, line: line + lineOffset, column: count - lineStart + 1,
                        why: "a sequence cut off by the end of the input")
                }
                let b = bytes[i + k]
                let lo: UInt8 = k == 1 ? lower : 0x80
                let hi: UInt8 = k == 1 ? upper : 0xBF
                guard b >= lo && b <= hi else {
                    return utf8Problem(
                        bytes, at: i, length: k + 1, line: line + lineOffset, column: count - lineStart + 1,
                        why: "an invalid or overlong sequence, as in Latin-1 or Windows-1252 text")
                }
                value = (value << 6) | UInt32(b & 0x3F)
                k += 1
            }
            if isForbiddenControl(value) {
                return controlProblem(value, line: line + lineOffset, column: count - lineStart + 1, offset: i)
            }
            // Valid by construction (ranges above exclude surrogates and values above U+10FFFF).
            emit(Unicode.Scalar(value) ?? "\u{FFFD}")
            count += 1
            if value == 0x85 {
                line += 1
                lineStart = count
            }
            i += length
        }
        return nil
    }

    /// Whether all eight bytes of `word` are printable ASCII (0x20–0x7E), with no branch per
    /// byte: none has its high bit set, none is below 0x20 (the classic "has a byte less
    /// than n" test, exact for bytes below 0x80) and none is DEL (DEL + 1 sets the high bit).
    @inline(__always)
    static func isPrintableASCII(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        guard word & highs == 0 else { return false }
        let below = (word &- ones &* 0x20) & ~word & highs
        let del = (word &+ ones) & highs
        return below | del == 0
    }

    static func hex(_ b: UInt8) -> String {
        let h = String(b, radix: 16, uppercase: true)
        return h.count == 1 ? "0" + h : h
    }

    static func utf8Problem(
        _ bytes: UnsafeBufferPointer<UInt8>, at offset: Int, length: Int, line: Int, column: Int, why: String
    ) -> Problem {
        let shown = bytes[offset..<min(bytes.count, offset + max(1, length))].map { "0x" + hex($0) }.joined(
            separator: " ")
        return Problem(
            .invalidUTF8, "the bytes \(shown) are not valid UTF-8 (\(why)); send the text encoded as UTF-8.",
            line: line, column: column, byteOffset: offset)
    }

    static func controlProblem(_ value: UInt32, line: Int, column: Int, offset: Int) -> Problem {
        let name = value == 0 ? " (NUL)" : value == 0x1B ? " (ESC)" : value == 0x7F ? " (DEL)" : ""
        return Problem(
            .binaryData,
            "the control character \(codePoint(value))\(name) means this is binary data, not article text; send plain UTF-8 text.",
            line: line, column: column, byteOffset: offset)
    }

    /// The 1-based line and column of scalar `index` (lines at LF, CRLF, lone CR and NEL).
    static func position(of index: Int, in scalars: [Unicode.Scalar]) -> (line: Int, column: Int) {
        var line = 1
        var start = 0
        var i = 0
        let end = min(index, scalars.count)
        while i < end {
            let s = scalars[i]
            if s == "\n" {
                if !(i > 0 && scalars[i - 1] == "\r") { line += 1 }
                start = i + 1
            } else if s == "\r" || s == "\u{85}" {
                line += 1
                start = i + 1
            }
            i += 1
        }
        return (line, index - start + 1)
    }
}
