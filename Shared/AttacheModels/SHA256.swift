import CSHA256

/// SHA-256 (FIPS 180-4), enough of it for stable ids without a crypto dependency.
///
/// `Hasher` takes the message in pieces, so a stable id hashes its parts where they lie
/// instead of joining them into a new string first. The compression function works over raw
/// bytes and allocates nothing. Where the CPU has the x86 SHA extensions it runs in hardware
/// (`Shared/CSHA256`, about five times the speed of the Swift rounds); elsewhere the portable
/// Swift rounds below compute the same digests.
public enum SHA256 {
    /// Which code runs the compression function.
    package enum Implementation: Sendable {
        /// The Swift rounds: every platform.
        case portable
        /// The x86 SHA extensions, when `hardwareAvailable`.
        case hardware
    }

    /// Whether this CPU has the SHA extensions (x86-64 only), so hashers use them. Asked once.
    package static let hardwareAvailable = csha256_available() != 0

    /// The round constants, from the C table the hardware rounds use (a C array is a tuple
    /// in Swift; its 64 words are read as an array once).
    private static let k: [UInt32] = withUnsafeBytes(of: csha256_round_constants) {
        Array($0.bindMemory(to: UInt32.self))
    }

    /// The 32-byte digest of `bytes`.
    public static func digest(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var hasher = Hasher()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// The digest as lowercase hex.
    public static func hex(_ bytes: some Collection<UInt8>) -> String {
        hexDigits(digest(bytes), count: 32)
    }

    /// The first `count` bytes of `digest` as lowercase hex.
    static func hexDigits(_ digest: [UInt8], count: Int) -> String {
        let digits: StaticString = "0123456789abcdef"
        let n = min(count, digest.count)
        return String(unsafeUninitializedCapacity: 2 * n) { out in
            digits.withUTF8Buffer { digits in
                for i in 0..<n {
                    out[2 * i] = digits[Int(digest[i] >> 4)]
                    out[2 * i + 1] = digits[Int(digest[i] & 0xf)]
                }
            }
            return 2 * n
        }
    }

    /// An incremental SHA-256: `update` with the message in any number of pieces, then
    /// `finalize` once.
    public struct Hasher {
        /// The chaining value H(i).
        private var state: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (
            0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19
        )
        /// The bytes of a block not yet complete, at the start of these 64.
        private var pending = Block()
        private var pendingCount = 0
        /// The message length so far, in bytes.
        private var length: UInt64 = 0
        /// Whether whole blocks go to the hardware compression function.
        private let hardware: Bool

        /// A hasher for a new message, in hardware where the CPU can.
        public init() {
            hardware = SHA256.hardwareAvailable
        }

        /// A hasher that uses `implementation` where the CPU has it and the portable rounds
        /// otherwise, so tests and benchmarks can compare both paths.
        package init(_ implementation: Implementation) {
            hardware = implementation == .hardware && SHA256.hardwareAvailable
        }

        /// The implementation this hasher actually runs.
        package var implementation: Implementation { hardware ? .hardware : .portable }

        /// Appends `bytes` to the message.
        public mutating func update(_ bytes: some Collection<UInt8>) {
            let done = bytes.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) } != nil
            if !done { Array(bytes).withUnsafeBytes { update($0) } }
        }

        /// Appends the bytes at `bytes` to the message.
        public mutating func update(_ bytes: UnsafeRawBufferPointer) {
            length &+= UInt64(bytes.count)
            var rest = bytes[...]
            if pendingCount > 0 {
                let take = min(64 - pendingCount, rest.count)
                pending.store(UnsafeRawBufferPointer(rebasing: rest.prefix(take)), at: pendingCount)
                pendingCount += take
                rest = rest.dropFirst(take)
                guard pendingCount == 64 else { return }
                let block = pending
                block.withBytes { compress($0) }
                pendingCount = 0
            }
            let whole = rest.count & ~63
            if whole > 0 { compress(UnsafeRawBufferPointer(rebasing: rest.prefix(whole))) }
            rest = rest.dropFirst(whole)
            if !rest.isEmpty {
                pending.store(UnsafeRawBufferPointer(rebasing: rest), at: 0)
                pendingCount = rest.count
            }
        }

        /// The 32-byte digest: pads the message (a 1 bit, zeros, the bit length in 64 bits,
        /// to a multiple of 64 bytes) and returns the final chaining value, big-endian. The
        /// hasher is spent: start a new one for another message.
        public mutating func finalize() -> [UInt8] {
            let bitLength = (length &* 8).bigEndian
            var padding = Block()
            withUnsafeBytes(of: UInt8(0x80)) { padding.store($0, at: 0) }
            let count = pendingCount < 56 ? 56 - pendingCount : 120 - pendingCount
            padding.withBytes { update(UnsafeRawBufferPointer(rebasing: $0.prefix(count))) }
            withUnsafeBytes(of: bitLength) { update($0) }
            let (a, b, c, d, e, f, g, h) = state
            let digest = (
                a.bigEndian, b.bigEndian, c.bigEndian, d.bigEndian, e.bigEndian, f.bigEndian, g.bigEndian, h.bigEndian
            )
            return withUnsafeBytes(of: digest) { Array($0) }
        }

        /// Runs the compression function over whole 64-byte blocks.
        private mutating func compress(_ blocks: UnsafeRawBufferPointer) {
            guard hardware, let start = blocks.baseAddress else { return compressPortably(blocks) }
            withUnsafeMutablePointer(to: &state) { state in
                state.withMemoryRebound(to: UInt32.self, capacity: 8) { csha256_compress($0, start, blocks.count / 64) }
            }
        }

        /// The compression function in Swift, over whole 64-byte blocks.
        private mutating func compressPortably(_ blocks: UnsafeRawBufferPointer) {
            SHA256.k.withUnsafeBufferPointer { k in
                withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
                    var (h0, h1, h2, h3, h4, h5, h6, h7) = state
                    var offset = 0
                    while offset < blocks.count {
                        for i in 0..<16 {
                            w[i] = UInt32(
                                bigEndian: blocks.loadUnaligned(fromByteOffset: offset + 4 * i, as: UInt32.self))
                        }
                        for i in 16..<64 {
                            let x = w[i - 15]
                            let y = w[i - 2]
                            let s0 = rotr(x, 7) ^ rotr(x, 18) ^ (x >> 3)
                            let s1 = rotr(y, 17) ^ rotr(y, 19) ^ (y >> 10)
                            w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
                        }
                        var (a, b, c, d, e, f, g, h) = (h0, h1, h2, h3, h4, h5, h6, h7)
                        // Eight rounds per step with the roles of the variables rotated, so no
                        // round moves all eight values along.
                        var i = 0
                        while i < 64 {
                            round(a, b, c, &d, e, f, g, &h, k[i] &+ w[i])
                            round(h, a, b, &c, d, e, f, &g, k[i + 1] &+ w[i + 1])
                            round(g, h, a, &b, c, d, e, &f, k[i + 2] &+ w[i + 2])
                            round(f, g, h, &a, b, c, d, &e, k[i + 3] &+ w[i + 3])
                            round(e, f, g, &h, a, b, c, &d, k[i + 4] &+ w[i + 4])
                            round(d, e, f, &g, h, a, b, &c, k[i + 5] &+ w[i + 5])
                            round(c, d, e, &f, g, h, a, &b, k[i + 6] &+ w[i + 6])
                            round(b, c, d, &e, f, g, h, &a, k[i + 7] &+ w[i + 7])
                            i += 8
                        }
                        h0 &+= a; h1 &+= b; h2 &+= c; h3 &+= d
                        h4 &+= e; h5 &+= f; h6 &+= g; h7 &+= h
                        offset += 64
                    }
                    state = (h0, h1, h2, h3, h4, h5, h6, h7)
                }
            }
        }
    }

    /// 64 bytes held inline (no heap allocation), for the hasher's incomplete block.
    private struct Block {
        private var words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)

        /// Copies `bytes` into the block from byte `offset` on.
        mutating func store(_ bytes: UnsafeRawBufferPointer, at offset: Int) {
            withUnsafeMutableBytes(of: &words) { block in
                UnsafeMutableRawBufferPointer(rebasing: block[offset..<(offset + bytes.count)]).copyMemory(from: bytes)
            }
        }

        /// The block's 64 bytes.
        func withBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
            withUnsafeBytes(of: words, body)
        }
    }

    /// One round of the compression function: `d` gets T1 added (the new `e`) and `h`
    /// becomes T1 + T2 (the new `a`); the caller renames the others.
    @inline(__always)
    private static func round(
        _ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: inout UInt32, _ e: UInt32, _ f: UInt32, _ g: UInt32,
        _ h: inout UInt32, _ kw: UInt32
    ) {
        let t1 = h &+ (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) &+ (g ^ (e & (f ^ g))) &+ kw
        let t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) &+ ((a & b) | (c & (a | b)))
        d &+= t1
        h = t1 &+ t2
    }

    @inline(__always)
    private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }
}
