import AttacheModels
import Foundation
import Testing

@Suite("SHA-256 and stable ids")
struct HashTests {
    /// Both compression functions. On a machine without the SHA extensions (not x86-64, or an
    /// older CPU) the hardware one is not taken: `.hardware` hashers run the Swift rounds, so
    /// these tests still pass there but compare the Swift rounds with themselves.
    static let implementations: [SHA256.Implementation] = [.portable, .hardware]

    /// The digest of `bytes` by `implementation`, as lowercase hex.
    static func hex(_ bytes: [UInt8], _ implementation: SHA256.Implementation) -> String {
        var hasher = SHA256.Hasher(implementation)
        hasher.update(bytes)
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    @Test(
        "FIPS 180-4 / NIST test vectors",
        arguments: [
            ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            (
                "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
            ),
            (
                "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
                "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
            ),
            // UTF-8 input (checked with Python's hashlib).
            ("Қазақстан – Люксембург 🇰🇿", "3526ff3fbc61ef86c95fe2a3f55f4612aa37a9f29fc39fb0109adf9ab8e05f57"),
        ])
    func vectors(_ input: String, _ expected: String) {
        #expect(SHA256.hex(Array(input.utf8)) == expected)
        for implementation in Self.implementations {
            #expect(Self.hex(Array(input.utf8), implementation) == expected, "\(implementation)")
        }
    }

    @Test("one million times 'a'")
    func million() {
        let message = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        for implementation in Self.implementations {
            #expect(
                Self.hex(message, implementation) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
                "\(implementation)")
        }
    }

    @Test(
        "padding boundaries: 55, 56, 63, 64, 65, 119 and 120 bytes",
        arguments: [
            (55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"),
            (56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"),
            (63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"),
            (64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"),
            (65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"),
            (119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"),
            (120, "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c"),
        ])
    func boundaries(_ count: Int, _ expected: String) {
        for implementation in Self.implementations {
            #expect(
                Self.hex([UInt8](repeating: UInt8(ascii: "a"), count: count), implementation) == expected,
                "\(implementation)")
        }
    }

    @Test("the SHA extensions are used where the kernel reports them (x86-64 Linux)")
    func hardwareDetection() throws {
        #expect(SHA256.Hasher(.portable).implementation == .portable)
        #expect(SHA256.Hasher(.hardware).implementation == (SHA256.hardwareAvailable ? .hardware : .portable))
        #expect(SHA256.Hasher().implementation == SHA256.Hasher(.hardware).implementation)
        #if os(Linux) && arch(x86_64)
            let cpuinfo = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
            let flags = cpuinfo.split(separator: "\n").first { $0.hasPrefix("flags") } ?? ""
            let sha = flags.split(separator: " ").contains("sha_ni")
            let ssse3 = flags.split(separator: " ").contains("ssse3")
            let sse41 = flags.split(separator: " ").contains("sse4_1")
            #expect(SHA256.hardwareAvailable == (sha && ssse3 && sse41), "flags: \(flags)")
        #else
            #expect(!SHA256.hardwareAvailable)
        #endif
    }

    @Test("the hardware and the Swift compression agree on random messages fed in random pieces")
    func hardwareMatchesPortable() {
        var random = XorShift64(state: 0x5EED_5A25)
        // Thousands of short messages (every padding case, one to five blocks) and a few of 1 MB;
        // the pieces start at any offset, so the hardware loads unaligned blocks too.
        let lengths = (0..<3_000).map { _ in Int.random(in: 0...300, using: &random) } + [1 << 20, 1 << 20, 1 << 20]
        for length in lengths {
            let message = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            var hardware = SHA256.Hasher(.hardware)
            var portable = SHA256.Hasher(.portable)
            let largest = length < 1_000 ? 70 : 200_000
            var start = 0
            while start < message.count {
                let end = min(message.count, start + Int.random(in: 1...largest, using: &random))
                hardware.update(message[start..<end])
                portable.update(message[start..<end])
                start = end
            }
            let digest = hardware.finalize()
            #expect(digest == portable.finalize(), "a message of \(length) bytes")
            #expect(digest == SHA256.digest(message), "a message of \(length) bytes, whole")
        }
    }

    @Test("the message given in pieces of any size hashes as the whole")
    func incremental() {
        let message = (0..<1_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let whole = SHA256.hex(message)
        for implementation in Self.implementations {
            for piece in [1, 3, 55, 56, 63, 64, 65, 127, 128, 129, 999] {
                var hasher = SHA256.Hasher(implementation)
                var start = 0
                while start < message.count {
                    let end = min(message.count, start + piece)
                    hasher.update(message[start..<end])
                    start = end
                }
                #expect(hasher.finalize() == SHA256.digest(message), "pieces of \(piece) bytes, \(implementation)")
            }
        }
        // A collection without contiguous storage takes the copying path.
        var lazy = SHA256.Hasher()
        lazy.update(message.lazy.map { $0 })
        #expect(lazy.finalize() == SHA256.digest(message))
        // Checked with sha256sum.
        #expect(whole == "5097e7d587352f5097062ae679f37bda5802d9f875aba14c8cb4d1a188ada179")
    }

    @Test func digestIs32Bytes() {
        #expect(SHA256.digest([]).count == 32)
        #expect(SHA256.digest(Array("abc".utf8)).first == 0xba)
    }

    @Test("stable ids: 16 lowercase hex digits of SHA-256 over the parts joined by U+001F (pinned)")
    func pinnedIDs() {
        // Values computed independently with Python's hashlib.
        #expect(StableID.delta(series: Samples.fdiSeries, from: .year(2022), to: .year(2023)) == "d9ac50ff2ac7d031")
        #expect(Samples.crossDelta.id == "d9ac50ff2ac7d031")
        #expect(
            StableID.anniversary(
                kind: .diplomaticRelations, subject: "diplomatic relations between Kazakhstan and Luxembourg",
                baseYear: 1992) == "ec1d50578d6d7d1c")
        #expect(StableID.notification(rule: "trade-delta", subjectID: "d9ac50ff2ac7d031") == "262770356ac5add7")
        #expect(Samples.notification.id == "262770356ac5add7")
        #expect(
            StableID.article(published: Day(iso: "2023-06-29")!, normalisedText: "Привет, Astana – 2023")
                == "edb59c282f2ec1bb")
        #expect(StableID.submission(origin: "http", payload: " date 2023-02-30 Text.") == "4eccf322ddb139c6")
    }

    @Test("stable ids are stable, and distinct when an identifying field differs")
    func stabilityAndDistinctness() {
        let day = Day(iso: "2023-06-30")!
        let text = Samples.text000
        #expect(
            StableID.article(published: day, normalisedText: text)
                == StableID.article(published: day, normalisedText: text))
        #expect(StableID.article(published: day, normalisedText: text) == Samples.article.id)
        #expect(
            StableID.article(published: day, normalisedText: text)
                != StableID.article(published: Day(iso: "2023-07-01")!, normalisedText: text))
        #expect(
            StableID.article(published: day, normalisedText: text)
                != StableID.article(published: day, normalisedText: text + "."))
        // The separator keeps parts apart: ("ab", "c") is not ("a", "bc").
        #expect(StableID.hash("ab", "c") != StableID.hash("a", "bc"))
        #expect(StableID.hash("abc") != StableID.hash("ab", "c"))

        let series = Samples.fdiSeries
        let d = StableID.delta(series: series, from: .year(2022), to: .year(2023))
        #expect(d != StableID.delta(series: series, from: .year(2023), to: .year(2022)), "direction matters")
        #expect(d != StableID.delta(series: series, from: .year(2022), to: .year(2024)))
        #expect(
            d
                != StableID.delta(
                    series: Series(metric: .fdiInflow, reporter: "KZ", partner: "LU", currency: "EUR"),
                    from: .year(2022), to: .year(2023)))
        #expect(
            d
                != StableID.delta(
                    series: Series(metric: .investment, reporter: "KZ", partner: "LU", currency: "USD"),
                    from: .year(2022), to: .year(2023)))
        // The same delta built twice (e.g. replayed, or with other amounts) keeps its id.
        let again = TradeDelta(
            series: series, from: DeltaPoint(period: .year(2022), amount: 1),
            to: DeltaPoint(period: .year(2023), amount: 2), absolute: 1, percent: 100, ratio: 2,
            basis: .computed, articles: [], consistent: true)
        #expect(again.id == Samples.crossDelta.id)

        // The same anniversary from two articles (seeds 000 and 003) is one key; case does not matter.
        #expect(Samples.anniversary000.id == Samples.anniversary003.id)
        #expect(
            StableID.anniversary(
                kind: .diplomaticRelations, subject: "Diplomatic Relations between Kazakhstan and Luxembourg",
                baseYear: 1992)
                == Samples.anniversary000.id)
        #expect(
            StableID.anniversary(kind: .diplomaticRelations, subject: Samples.anniversary000.subject, baseYear: 1993)
                != Samples.anniversary000.id)
        #expect(
            StableID.anniversary(kind: .agreement, subject: Samples.anniversary000.subject, baseYear: 1992)
                != Samples.anniversary000.id)

        #expect(StableID.notification(rule: "a", subjectID: "x") != StableID.notification(rule: "b", subjectID: "x"))
        #expect(StableID.notification(rule: "a", subjectID: "x") != StableID.notification(rule: "a", subjectID: "y"))
        #expect(StableID.submission(origin: "http", payload: "p") != StableID.submission(origin: "stdin", payload: "p"))

        // Different kinds of record never share an id for the same parts.
        #expect(StableID.notification(rule: "r", subjectID: "s") != StableID.submission(origin: "r", payload: "s"))

        for id in [d, Samples.article.id, Samples.anniversary000.id, Samples.notification.id, Samples.rejection.key] {
            #expect(id.count == 16 && id.allSatisfy { "0123456789abcdef".contains($0) }, "\(id)")
        }
    }

    @Test("series ids are the Kafka keys of trade.deltas")
    func seriesIDs() {
        #expect(Samples.fdiSeries.id == "fdi_inflow:KZ:LU:USD")
        #expect(Samples.fdi2022.series == Samples.fdiSeries)
        #expect(
            Series(metric: .tradeTurnover, reporter: "KZ", partner: "EU", currency: "USD").description
                == "trade_turnover:KZ:EU:USD")
        #expect(Series(metric: .exports, reporter: "KZ", partner: "LU", currency: "USD") < Samples.fdiSeries)
    }
}

/// A small seeded generator (xorshift64), so the random messages are the same on every run.
private struct XorShift64: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
}
