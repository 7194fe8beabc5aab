import AttacheKafka

/// What a stage produces for one batch of input records, in phases: each phase is
/// delivered completely before the next is sent. The series stage uses this so that, at
/// least once, a ledger entry is never delivered without the deltas it caused.
struct StageOutput {
    var phases: [[OutgoingRecord]]
    /// For each record of each phase, the index in the batch of the input record that
    /// caused it (so that a record that cannot be delivered rejects its input).
    var sources: [[Int]]

    init(phases: Int) {
        self.phases = Array(repeating: [], count: phases)
        self.sources = Array(repeating: [], count: phases)
    }

    /// Adds `records`, caused by input record `source`, to `phase`.
    mutating func append(_ records: [OutgoingRecord], phase: Int, source: Int) {
        phases[phase] += records
        sources[phase] += Array(repeating: source, count: records.count)
    }

    /// Appends another output whose sources count from `offset`.
    mutating func append(_ other: StageOutput, sourcesFrom offset: Int = 0) {
        for phase in other.phases.indices {
            phases[phase] += other.phases[phase]
            sources[phase] += other.sources[phase].map { $0 + offset }
        }
    }

    var count: Int { phases.reduce(0) { $0 + $1.count } }
}
