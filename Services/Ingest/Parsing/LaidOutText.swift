/// Normalised text in lines and paragraphs, all in one buffer of scalars: lines joined by LF,
/// paragraphs by a blank line, exactly as `Article.text` holds them. Lines and paragraphs are
/// ranges into that buffer, so laying out a text makes no string per line or paragraph; the
/// few lines the layout reads as strings (title, credit, dateline) are made on demand.
struct LaidOutText {
    /// The text: lines joined by "\n", paragraphs by "\n\n".
    private(set) var scalars: [Unicode.Scalar]
    /// Each line's range in `scalars`; never empty.
    private(set) var lines: [Range<Int>] = []
    /// Each paragraph's range of indices into `lines`; never empty.
    private(set) var paragraphs: [Range<Int>] = []

    /// Applies the layout rules of `TextNormalisation` to scalars the character mapping has
    /// produced: spaces at the ends of lines are dropped, runs of spaces become one, a run of
    /// blank lines (lines of only spaces count as blank) becomes one paragraph break, leading
    /// and trailing blank lines are dropped.
    init(mapped: [Unicode.Scalar]) {
        scalars = mapped
        // In place: the output never gets ahead of the input. A separator written before a
        // line stands for the LF (one) or the LFs of a blank line (two) read before it, and a
        // space for a space read before it, so index `write` never passes index `read`.
        var write = 0
        var lineStart = -1  // where the open line starts in the output; -1 when no line is open
        var paragraphStart = -1  // index in `lines` of the open paragraph's first line
        var pendingSpace = false
        var lines: [Range<Int>] = []
        var paragraphs: [Range<Int>] = []
        scalars.withUnsafeMutableBufferPointer { text in
            for read in 0..<text.count {
                let s = text[read]
                if s == "\n" {
                    if lineStart >= 0 {
                        lines.append(lineStart..<write)
                        lineStart = -1
                    } else if paragraphStart >= 0 {
                        paragraphs.append(paragraphStart..<lines.count)
                        paragraphStart = -1
                    }
                    pendingSpace = false
                } else if s == " " {
                    if lineStart >= 0 { pendingSpace = true }
                } else {
                    if lineStart < 0 {
                        if paragraphStart >= 0 {
                            text[write] = "\n"
                            write += 1
                        } else {
                            if !lines.isEmpty {
                                text[write] = "\n"
                                text[write + 1] = "\n"
                                write += 2
                            }
                            paragraphStart = lines.count
                        }
                        lineStart = write
                    } else if pendingSpace {
                        text[write] = " "
                        write += 1
                        pendingSpace = false
                    }
                    text[write] = s
                    write += 1
                }
            }
        }
        if lineStart >= 0 { lines.append(lineStart..<write) }
        if paragraphStart >= 0 { paragraphs.append(paragraphStart..<lines.count) }
        scalars.removeSubrange(write...)
        self.lines = lines
        self.paragraphs = paragraphs
    }

    /// The whole text as a string.
    var string: String { string(0..<scalars.count) }

    /// The scalars of line `index`.
    func lineScalars(_ index: Int) -> ArraySlice<Unicode.Scalar> { scalars[lines[index]] }

    /// Line `index` as a string.
    func line(_ index: Int) -> String { string(lines[index]) }

    /// The scalars in `range` as a string, encoded straight into the string's storage.
    func string(_ range: Range<Int>) -> String {
        scalars.withUnsafeBufferPointer { all in
            let scalars = UnsafeBufferPointer(rebasing: all[range])
            return String(unsafeUninitializedCapacity: 4 * scalars.count) { out in
                var n = 0
                for s in scalars {
                    let v = s.value
                    if v < 0x80 {
                        out[n] = UInt8(v)
                        n += 1
                    } else if v < 0x800 {
                        out[n] = UInt8(0xC0 | (v >> 6))
                        out[n + 1] = UInt8(0x80 | (v & 0x3F))
                        n += 2
                    } else if v < 0x10000 {
                        out[n] = UInt8(0xE0 | (v >> 12))
                        out[n + 1] = UInt8(0x80 | ((v >> 6) & 0x3F))
                        out[n + 2] = UInt8(0x80 | (v & 0x3F))
                        n += 3
                    } else {
                        out[n] = UInt8(0xF0 | (v >> 18))
                        out[n + 1] = UInt8(0x80 | ((v >> 12) & 0x3F))
                        out[n + 2] = UInt8(0x80 | ((v >> 6) & 0x3F))
                        out[n + 3] = UInt8(0x80 | (v & 0x3F))
                        n += 4
                    }
                }
                return n
            }
        }
    }
}
