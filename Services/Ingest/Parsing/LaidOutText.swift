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
                // Printable ASCII, most of a text, maps to itself: a run of it goes to the
                // layout as a whole, without the per-scalar mapping.
                if Layout.isASCIIWordScalar(input[i]) {
                    i = layout.addRun(input, from: i)
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

        /// Printable ASCII other than space: what the character mapping leaves as it is and
        /// the layout only copies once a line is open.
        @inline(__always)
        static func isASCIIWordScalar(_ s: Unicode.Scalar) -> Bool {
            s.value &- 0x21 < 0x5F
        }

        /// Adds the run of ASCII text at `input[start...]`, which starts with an
        /// `isASCIIWordScalar`, as `add` would one scalar at a time: the first opens the line
        /// (or writes the pending space); the rest, words and the single spaces between them,
        /// are copied in the same pass. The run stops before anything else (a line break, a
        /// second space, a space at the end of a line, a scalar the mapping changes), so it
        /// is usually a whole line, with one mispredicted branch at its end rather than one
        /// per word. Returns where the run ends.
        @inline(__always)
        mutating func addRun(_ input: UnsafeBufferPointer<Unicode.Scalar>, from start: Int) -> Int {
            add(input[start])
            let n = input.count
            var i = start + 1
            var w = written
            while i + 1 < n {
                let s = input[i]
                let joiningSpace = s == " " && Self.isASCIIWordScalar(input[i + 1])
                guard Self.isASCIIWordScalar(s) || joiningSpace else { break }
                output[w] = s
                w += 1
                i += 1
            }
            if i + 1 == n, Self.isASCIIWordScalar(input[i]) {
                output[w] = input[i]
                w += 1
                i += 1
            }
            written = w
            return i
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
