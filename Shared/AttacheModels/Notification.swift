import Foundation

/// How urgent a notification is.
public enum Severity: String, Hashable, Sendable, Codable, CaseIterable {
    case info
    case notice
    case warning
}

/// The record a notification is about.
public struct SubjectRef: Hashable, Sendable, Codable {
    /// The topic it was read from.
    public var topic: String
    /// Its key there.
    public var key: String
    public var schema: SchemaName

    public init(topic: String, key: String, schema: SchemaName) {
        self.topic = topic
        self.key = key
        self.schema = schema
    }
}

/// A notification sent to people (`attache.notification.v1`), the audit value of
/// `notifications`, keyed by `id`.
public struct Notification: SchemaRecord, Hashable {
    public static let schemaName = SchemaName.notification

    public var schema: SchemaName = Notification.schemaName
    /// Stable: rule + subject id, the idempotency key of every sink.
    public var id: String
    public var rule: String
    public var kind: String
    public var severity: Severity
    public var title: String
    public var body: String
    public var subject: SubjectRef
    public var createdAt: Date

    public init(
        rule: String, kind: String, severity: Severity, title: String, body: String,
        subject: SubjectRef, createdAt: Date
    ) {
        self.id = StableID.notification(rule: rule, subjectID: subject.key)
        self.rule = rule
        self.kind = kind
        self.severity = severity
        self.title = title
        self.body = body
        self.subject = subject
        self.createdAt = createdAt
    }
}
