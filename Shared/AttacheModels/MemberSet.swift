/// The set of members an object read so far, so that a missing or repeated one is noticed.
struct MemberSet {
    private var bits: UInt32 = 0

    /// Marks member `n` read; false when it already was.
    mutating func insert(_ n: Int) -> Bool {
        let bit: UInt32 = 1 << UInt32(n)
        if bits & bit != 0 { return false }
        bits |= bit
        return true
    }

    /// Whether every member in `required` (a bit mask) was read.
    func contains(all required: UInt32) -> Bool { bits & required == required }
}
