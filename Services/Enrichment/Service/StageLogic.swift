import AttacheKafka


/// The transformation of one stage (articles, or series), driven by `StageRunner`.
///
/// `StageRunner` calls every method from its own loop, one call at a time, never
/// concurrently, so implementations keep plain mutable state.
protocol StageLogic: AnyObject {
    /// What `checkpoint` saves and `rollback` restores (the article stage keeps no state
    /// across batches: `Void`; the series stage: its ledgers).
    associatedtype Checkpoint
    /// Turns a batch of input records into output records, updating the stage's state.
    func transform(_ batch: [KafkaMessage]) async -> StageOutput
    /// The state before a batch, to roll back to when its output is not committed.
    func checkpoint() -> Checkpoint
    /// Forgets what the batches since `checkpoint` did to the state (their transaction was
    /// aborted, or their delivery failed, and the input is read again).
    func rollback(to checkpoint: Checkpoint)
    /// The consumer now owns `partitions` (its whole assignment): restore their state.
    func assigned(_ partitions: [TopicPartitionOffset]) async throws
    /// The consumer no longer owns `partitions`: drop their state.
    func revoked(_ partitions: [TopicPartitionOffset])
}
