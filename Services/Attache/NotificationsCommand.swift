import ArgumentParser
import AttacheModels
import AttacheRuntime
import Foundation
import Logging
import Notifier

/// `attache notifications redrive|list`: operator commands for the notifier's dead letters
/// and delivery state (docs/notifier.md).
struct NotificationsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notifications",
        abstract: "Redrive dead-lettered notifications, list recent notifications with their delivery state.",
        subcommands: [NotificationsRedriveCommand.self, NotificationsListCommand.self]
    )
}

/// `attache notifications redrive [--receiver NAME] [--since TIME]`.
struct NotificationsRedriveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redrive",
        abstract: "Send the dead letters of notifications.dead again, skipping what a receiver already accepted.",
        discussion: """
            Receivers come from --config (ATTACHE_NOTIFY_CONFIG) or the ATTACHE_NOTIFY_* variables, as for \
            `attache serve notifier`. Exits 1 when a letter failed again (it is dead-lettered again), 2 for a bad configuration.
            """
    )

    @Option(help: "Only the dead letters of this receiver.")
    var receiver: String?

    @Option(
        help:
            "Only dead letters from this time on: ISO 8601 (2025-10-20T10:00:00Z), a day (2025-10-20) or an age (90m, 24h, 7d)."
    )
    var since: String?

    @Option(help: "The notifier's YAML configuration of receivers and routes (ATTACHE_NOTIFY_CONFIG).")
    var config: String?

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        LogSetup.bootstrap()
        let options = try connection.resolve(service: "notifier")
        let configuration = try NotifierConfigurationLoader.load(config)
        let settings = try settingsOrValidationError { try NotifierSettings.fromEnvironment() }
        let cutoff = try since.map(TimeArgument.parse)
        let report = try await Redrive(options: options, configuration: configuration, settings: settings).run(
            receiver: receiver, since: cutoff)
        Console.out("redrive: \(report)")
        if report.failed > 0 { throw ExitCode(1) }
    }
}

/// `attache notifications list [--since TIME]`.
struct NotificationsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract:
            "Print recent notifications with their delivery state per receiver (delivered, or dead with the last error)."
    )

    @Option(help: "Only notifications with an event from this time on: ISO 8601, a day, or an age (90m, 24h, 7d).")
    var since: String?

    @Option(help: "At most this many (the most recent).")
    var limit = 100

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        LogSetup.bootstrap()
        let options = try connection.resolve(service: "notifier")
        let settings = try settingsOrValidationError { try NotifierSettings.fromEnvironment() }
        let entries = try await NotificationHistory.read(
            options: options, deadLetterTopic: settings.deadLetterTopic,
            since: try since.map(TimeArgument.parse), limit: limit)
        for entry in entries { Console.out(entry.line) }
        if entries.isEmpty { Console.out("no notifications\(since.map { " since \($0)" } ?? "")") }
    }
}

/// Loads the notifier's receivers for a command; a bad configuration file is printed with
/// its line and exits with code 2.
enum NotifierConfigurationLoader {
    static func load(_ path: String?) throws -> NotifierConfiguration {
        do {
            return try NotifierConfiguration.load(configPath: path)
        } catch let error as ConfigFileError {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(2)
        } catch let error as OptionsError {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}

/// `--since` values: an instant, a day, or an age back from now.
enum TimeArgument {
    static func parse(_ text: String) throws -> Date {
        if let date = AttacheJSON.parseInstant(text) { return date }
        if let day = Day(iso: text), let date = AttacheJSON.parseInstant("\(day)T00:00:00Z") { return date }
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        if let unit = text.last.flatMap({ units[$0] }), let count = Double(text.dropLast()), count >= 0, count.isFinite
        {
            return Date().addingTimeInterval(-count * unit)
        }
        throw ValidationError(
            "--since \(text): expected an ISO 8601 time (2025-10-20T10:00:00Z), a day (2025-10-20) or an age (90m, 24h, 7d)"
        )
    }
}
