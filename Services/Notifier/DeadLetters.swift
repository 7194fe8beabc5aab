import AttacheKafka
import AttacheModels
import Foundation

/// A notification a receiver did not accept (`attache.notification-dead-letter.v1`), a value
/// of `notifications.dead`, keyed by notification id: the notification, the receiver, the
/// last error and the number of attempts, so that `attache notifications redrive` can send
/// it again.
public struct DeadLetter: Codable, Sendable, Hashable {
    /// The schema header and field of dead letters.
    public static let schemaName = "attache.notification-dead-letter.v1"

    public var schema: String = DeadLetter.schemaName
    public var notification: AttacheModels.Notification
    /// The receiver's name (`trade-desk`, `webhook:<host>`, `file`, `console`).
    public var receiver: String
    /// The last error (never a secret nor a webhook path).
    public var error: String
    public var attempts: Int
    /// True when the receiver refused it for good (e.g. HTTP 400) rather than after the retries.
    public var permanent: Bool
    /// When it was dead-lettered.
    public var at: Date

    public init(
        notification: AttacheModels.Notification, receiver: String, error: String, attempts: Int, permanent: Bool,
        at: Date
    ) {
        self.notification = notification
        self.receiver = receiver
        self.error = error
        self.attempts = attempts
        self.permanent = permanent
        self.at = at
    }
}

/// An input record the notifier cannot use (`attache.notifier-invalid-record.v1`), a value
/// of `notifications.dead` keyed by `<topic>/<partition>/<offset>`: why, and where it is.
/// Its offset is committed; the partition moves on.
public struct InvalidRecord: Codable, Sendable, Hashable {
    public static let schemaName = "attache.notifier-invalid-record.v1"
    /// At most this many bytes of the record are kept in `payload`.
    public static let payloadLimit = 64 * 1024

    public var schema: String = InvalidRecord.schemaName
    /// A short code: `invalid_record`, `unknown_schema`, `out_of_range`.
    public var reason: String
    /// A sentence a person can act on: what is wrong and where in the record.
    public var detail: String
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    public var key: String?
    /// The record's value as text (lossy UTF-8), cut to `payloadLimit` bytes.
    public var payload: String
    /// When it was found.
    public var at: Date

    public init(reason: String, detail: String, message: KafkaMessage, at: Date) {
        self.reason = reason
        self.detail = detail
        self.topic = message.topic
        self.partition = message.partition
        self.offset = message.offset
        self.key = message.keyText
        self.payload = String(decoding: (message.value ?? []).prefix(InvalidRecord.payloadLimit), as: UTF8.self)
        self.at = at
    }

    /// The record key: where the input record is.
    public var recordKey: String { "\(topic)/\(partition)/\(offset)" }
}
