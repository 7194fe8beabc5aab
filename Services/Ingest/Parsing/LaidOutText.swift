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

    /// Normalises `input` (see `TextNormalisation`) and lays it out, in one pass over it when
    /// the text needs no NFC: each mapped scalar goes straight to the layout, and Cyrillic
    /// look-alikes are fixed in the result (words come out of the layout as they went in).
    static func normalising(_ input: some Collection<Unicode.Scalar>) -> LaidOutText {
        input.withContiguousStorageIfAvailable(normalising) ?? Array(input).withUnsafeBufferPointer(normalising)
    }

    private static func normalising(_ input: UnsafeBufferPointer<Unicode.Scalar>) -> LaidOutText {
        var seen = TextNormalisation.MappingFlags()
        // The mapping makes at most two scalars of one, and the layout never writes more than it reads.
        var text = LaidOutText(capacity: 2 * input.count) { layout in
            let n = input.count
            var i = 0
            while i < n {
                // A word of printable ASCII (no space or control), most of a text, maps to
                // itself: it goes to the layout as a whole, without the per-scalar mapping.
                var end = i
                while end < n, input[end].value > 0x20, input[end].value < 0x80 { end += 1 }
                if end > i {
                    layout.addWord(input, i..<end)
                    i = end
                } else {
                    TextNormalisation.map(input, at: i, seen: &seen) { layout.add($0) }
                    i += 1
                }
            }
        }
        if seen.needsNFC {
            // NFC may compose scalars across what was laid out: map again, NFC, then lay out.
            return LaidOutText(mapped: TextNormalisation.mapCharacters(input))
        }
        if seen.cyrillic { TextNormalisation.fixHomoglyphs(&text.scalars) }
        return text
    }

    /// Applies the layout rules to scalars the character mapping (and NFC) has produced.
    init(mapped: [Unicode.Scalar]) {
        self.init(capacity: mapped.count) { layout in
            for s in mapped { layout.add(s) }
        }
    }

    /// The text `feed` gives to a layout, which writes it into storage of `capacity` scalars.
    @inline(__always)
    private init(capacity: Int, feed: (inout Layout) -> Void) {
        var lines: [Range<Int>] = []
        var paragraphs: [Range<Int>] = []
        scalars = [Unicode.Scalar](unsafeUninitializedCapacity: capacity) { buffer, count in
            var layout = Layout(output: buffer)
            feed(&layout)
            layout.finish()
            count = layout.written
            lines = layout.lines
            paragraphs = layout.paragraphs
        }
        self.lines = lines
        self.paragraphs = paragraphs
    }

    /// The layout rules of `TextNormalisation` as a machine fed one mapped scalar at a time:
    /// spaces at the ends of lines are dropped, runs of spaces become one, a run of blank lines
    /// (lines of only spaces count as blank) becomes one paragraph break, leading and trailing
    /// blank lines are dropped.
    ///
    /// It never writes more scalars than it has been given: a separator written before a line
    /// stands for the LF (one) or the LFs of a blank line (two) given before it, and a space
    /// for a space given before it.
    private struct Layout {
        let output: UnsafeMutableBufferPointer<Unicode.Scalar>
        private(set) var written = 0
        private(set) var lines: [Range<Int>] = []
        private(set) var paragraphs: [Range<Int>] = []
        /// Where the open line starts in `output`; -1 when no line is open.
        private var lineStart = -1
        /// The index in `lines` of the open paragraph's first line; -1 when none is open.
        private var paragraphStart = -1
        private var pendingSpace = false

        init(output: UnsafeMutableBufferPointer<Unicode.Scalar>) {
            self.output = output
        }

        @inline(__always)
        mutating func add(_ s: Unicode.Scalar) {
            if s == "\n" {
                if lineStart >= 0 {
                    lines.append(lineStart..<written)
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
                        output[written] = "\n"
                        written += 1
                    } else {
                        if !lines.isEmpty {
                            output[written] = "\n"
                            output[written + 1] = "\n"
                            written += 2
                        }
                        paragraphStart = lines.count
                    }
                    lineStart = written
                } else if pendingSpace {
                    output[written] = " "
                    written += 1
                    pendingSpace = false
                }
                output[written] = s
                written += 1
            }
        }

        /// Adds `input[range]`, scalars that are neither spaces nor line breaks, as `add` would
        /// one by one: the first opens the line (or writes the pending space), the rest are copied.
        @inline(__always)
        mutating func addWord(_ input: UnsafeBufferPointer<Unicode.Scalar>, _ range: Range<Int>) {
            add(input[range.lowerBound])
            for k in (range.lowerBound + 1)..<range.upperBound {
                output[written] = input[k]
                written += 1
            }
        }

        /// Closes the open line and paragraph.
        mutating func finish() {
            if lineStart >= 0 { lines.append(lineStart..<written) }
            if paragraphStart >= 0 { paragraphs.append(paragraphStart..<lines.count) }
            lineStart = -1
            paragraphStart = -1
        }
    }

    /// The whole text as a string.
    var string: String { string(0..<scalars.count) }

    /// The scalars of line `index`.
    func lineScalars(_ index: Int) -> ArraySlice<Unicode.Scalar> { scalars[lines[index]] }

    /// Line `index` as a string.
    func line(_ index: Int) -> String { string(lines[index]) }

    /// The scalars in `range` as a string.
    func string(_ range: Range<Int>) -> String { String(scalars: scalars[range]) }
}
