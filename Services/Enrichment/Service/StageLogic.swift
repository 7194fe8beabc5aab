import AttacheKafka

/// The transformation of one stage (articles, or series), driven by `StageRunner`.
///
/// `StageRunner` calls every method from its own loop, one call at a time, never
/// concurrently, so implementations keep plain mutable state. At least once, the loop
/// transforms the next batch while the output of earlier ones is still being delivered, so
/// several checkpoints may be outstanding: a batch's changes are kept for good only once it
/// is settled, and a rollback goes back to before the earliest batch not delivered (taking
/// every later batch's changes with it).
protocol StageLogic: AnyObject, SendableMetatype {
    /// What `checkpoint` saves and `rollback` restores (the article stage keeps no state
    /// across batches: `Void`; the series stage: a number its undo journals are tagged with).
    associatedtype Checkpoint
    /// Turns a batch of input records into output records, updating the stage's state.
    func transform(_ batch: [KafkaMessage]) async -> StageOutput
    /// The state before a batch, to roll back to when its output is not committed.
    func checkpoint() -> Checkpoint
    /// Forgets what the batches since `checkpoint` did to the state (their transaction was
    /// aborted, or the delivery of the first of them failed, and the input is read again).
    func rollback(to checkpoint: Checkpoint)
    /// The output of the batch that began at `checkpoint`, and of every earlier one, is
    /// delivered (or committed): what they did is kept, and no rollback goes back past them.
    func settle(_ checkpoint: Checkpoint)
    /// The consumer now owns `partitions` (its whole assignment): restore their state.
    func assigned(_ partitions: [TopicPartitionOffset]) async throws
    /// The consumer no longer owns `partitions`: drop their state.
    func revoked(_ partitions: [TopicPartitionOffset])
}
