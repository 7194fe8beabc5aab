import CRdKafka
import Foundation

/// A change of a consumer's partitions, handed to the rebalance hook.
public enum RebalanceEvent: Sendable, Hashable {
    /// These partitions are about to be consumed (positions from committed offsets).
    case assigned([TopicPartitionOffset])
    /// These partitions are about to be taken away: commit (or a transactional loop:
    /// commit or abort its transaction) now, before another member reads them.
    case revoked([TopicPartitionOffset])
    /// These partitions were lost (session timed out): another member may already own them,
    /// so a transactional loop must abort, not commit.
    case lost([TopicPartitionOffset])
}
