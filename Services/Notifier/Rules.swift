import AttacheModels
import Foundation

/// A record the notifier reads, decoded, with where it came from.
///
/// `recordTime` is the Kafka timestamp of the record (or any fixed instant): rules use it
/// as `createdAt` where the record has no time of its own, so a replay of the same record
/// gives the same notification.
public struct RuleInput: Sendable, Hashable {
    /// The decoded value.
    public enum Record: Sendable, Hashable {
        case enriched(EnrichedArticle)
        case delta(TradeDelta)
        case anniversary(Anniversary)
    }

    public var record: Record
    /// The topic the record was read from.
    public var topic: String
    /// Its key there.
    public var key: String
    public var recordTime: Date

    public init(_ record: Record, topic: String, key: String, recordTime: Date) {
        self.record = record
        self.topic = topic
        self.key = key
        self.recordTime = recordTime
    }
}

/// The settings of the rules.
public struct RuleSettings: Sendable, Hashable {
    /// A delta notifies when its change is at least this many percent either way (default 10).
    public var deltaThresholdPercent: Double
    /// Rules to run, by name (default: all three).
    public var enabled: Set<String>

    public init(
        deltaThresholdPercent: Double = 10,
        enabled: Set<String> = [TradeDeltaRule.name, AnniversaryMilestoneRule.name, NewFiguresRule.name]
    ) {
        self.deltaThresholdPercent = deltaThresholdPercent
        self.enabled = enabled
    }
}

/// The notification rules: pure functions from one input record to zero or more
/// notifications. The same input always gives the same notifications (ids, texts and
/// `createdAt`), so replays are recognised by id.
public struct NotificationRules: Sendable {
    public var settings: RuleSettings

    public init(settings: RuleSettings = RuleSettings()) {
        self.settings = settings
    }

    /// The notifications one record gives.
    public func notifications(for input: RuleInput) -> [AttacheModels.Notification] {
        var result: [Notification] = []
        switch input.record {
        case .enriched(let article):
            if settings.enabled.contains(NewFiguresRule.name),
                let n = NewFiguresRule().evaluate(article, topic: input.topic, key: input.key)
            {
                result.append(n)
            }
        case .delta(let delta):
            if settings.enabled.contains(TradeDeltaRule.name),
                let n = TradeDeltaRule(thresholdPercent: settings.deltaThresholdPercent)
                    .evaluate(delta, topic: input.topic, key: input.key, at: input.recordTime)
            {
                result.append(n)
            }
        case .anniversary(let anniversary):
            if settings.enabled.contains(AnniversaryMilestoneRule.name),
                let n = AnniversaryMilestoneRule().evaluate(
                    anniversary, topic: input.topic, key: input.key, at: input.recordTime)
            {
                result.append(n)
            }
        }
        return result
    }
}

/// `trade-delta`: a trade or investment series moved by at least the threshold (severity
/// notice), or a stated change disagrees with the figures (severity warning).
///
/// The notification id is rule + the delta's id (series + both periods), not the Kafka key
/// (the series id, shared by every delta of the series): each pair of periods notifies once,
/// whichever version of the delta first passes the rule.
public struct TradeDeltaRule: Sendable {
    public static let name = "trade-delta"
    public static let kind = "trade_delta"
    public var thresholdPercent: Double

    public init(thresholdPercent: Double = 10) {
        self.thresholdPercent = thresholdPercent
    }

    /// The change in percent: stated or computed, else from the ratio or the amounts.
    public static func percent(of delta: TradeDelta) -> Double? {
        if let percent = delta.percent { return percent }
        if let ratio = delta.ratio { return (ratio - 1) * 100 }
        if let from = delta.from.amount, let to = delta.to.amount, from != 0 { return (to - from) / abs(from) * 100 }
        return nil
    }

    public func evaluate(_ delta: TradeDelta, topic: String, key: String, at time: Date) -> AttacheModels.Notification?
    {
        let percent = TradeDeltaRule.percent(of: delta)
        let large = percent.map { abs($0) >= thresholdPercent } ?? false
        guard large || !delta.consistent else { return nil }
        let series = delta.series
        let what = "\(Wording.metric(series.metric)) \(Wording.pair(series))"
        let periods = "from \(delta.from.period.label) to \(delta.to.period.label)"
        var movement: String
        if let percent {
            movement =
                percent > 0
                ? "rose \(Wording.percent(percent))"
                : percent < 0 ? "fell \(Wording.percent(percent))" : "was unchanged"
        } else {
            movement = "changed"
        }
        var title = "\(what) \(movement) \(periods)"
        switch (delta.from.amount, delta.to.amount) {
        case (let from?, let to?): title += " (\(Wording.amount(from)) → \(Wording.amount(to)) \(series.currency))"
        case (nil, let to?): title += " (to \(Wording.amount(to)) \(series.currency))"
        case (let from?, nil): title += " (from \(Wording.amount(from)) \(series.currency))"
        case (nil, nil): break
        }
        if !delta.consistent { title += ": the stated change disagrees with the figures" }

        var body =
            "\(Wording.metric(series.metric)) between \(series.reporter) and \(series.partner) in \(series.currency): "
        body += "\(delta.from.period.label) \(delta.from.amount.map(Wording.amount) ?? "unknown"), "
        body += "\(delta.to.period.label) \(delta.to.amount.map(Wording.amount) ?? "unknown")."
        var change: [String] = []
        if let absolute = delta.absolute { change.append("\(Wording.signedAmount(absolute)) \(series.currency)") }
        if let percent { change.append((percent >= 0 ? "+" : "-") + Wording.percent(percent)) }
        if let ratio = delta.ratio { change.append("×\(Wording.decimal(ratio, maxDecimals: 2))") }
        if !change.isEmpty { body += " Change: \(change.joined(separator: ", "))." }
        switch delta.basis {
        case .stated: body += " The change is stated in the text."
        case .computed: body += " Computed from two stated figures."
        case .implied: body += " One amount is implied by a stated change."
        }
        if !delta.consistent {
            body +=
                " The change stated in the text and the one computed from the figures disagree beyond rounding: check the sources."
        }
        body += " Articles: \(delta.articles.joined(separator: ", ")). Delta \(delta.id)."

        var notification = Notification(
            rule: TradeDeltaRule.name, kind: TradeDeltaRule.kind, severity: delta.consistent ? .notice : .warning,
            title: title, body: body, subject: SubjectRef(topic: topic, key: key, schema: .tradeDelta), createdAt: time)
        notification.id = StableID.notification(rule: TradeDeltaRule.name, subjectID: delta.id)
        return notification
    }
}

/// `anniversary-milestone`: a round anniversary (ordinal divisible by 5, severity notice),
/// one reported on its very day (notice), or one whose next round milestone is at most a
/// year away (info). One notification per anniversary and ordinal (`notificationID`).
public struct AnniversaryMilestoneRule: Sendable {
    public static let name = "anniversary-milestone"
    public static let kind = "anniversary"

    public init() {}

    public func evaluate(_ anniversary: Anniversary, topic: String, key: String, at time: Date) -> AttacheModels
        .Notification?
    {
        let round = anniversary.ordinal > 0 && anniversary.ordinal % 5 == 0
        let today = anniversary.onPublicationDay
        let next = anniversary.next
        let (gap, overflow) = next.year.subtractingReportingOverflow(anniversary.year)
        let upcoming = next.ordinal > anniversary.ordinal && !overflow && gap <= 1
        guard round || today || upcoming else { return nil }

        let ordinal = Wording.ordinal(anniversary.ordinal)
        let since = anniversary.baseDate?.description ?? String(anniversary.baseYear)
        var title = "\(ordinal) anniversary of \(anniversary.subject) in \(anniversary.year) (since \(since))"
        if today {
            title = "Today: " + title
        } else if upcoming && !round {
            title += "; the \(Wording.ordinal(next.ordinal)) is " + (next.date.map { "on \($0)" } ?? "in \(next.year)")
        }
        var body = "The \(ordinal) anniversary of \(anniversary.subject) falls in \(anniversary.year)"
        body += anniversary.baseDate.map { ": it dates from \($0)." } ?? ": it dates from \(anniversary.baseYear)."
        if today { body += " The article was published on the anniversary itself." }
        body += " The next round anniversary, the \(Wording.ordinal(next.ordinal)), is "
        body += next.date.map { "on \($0)." } ?? "in \(next.year)."
        if !anniversary.parties.isEmpty { body += " Parties: \(anniversary.parties.joined(separator: ", "))." }
        body += " Source: “\(anniversary.text)”."

        var notification = Notification(
            rule: AnniversaryMilestoneRule.name, kind: AnniversaryMilestoneRule.kind,
            severity: round || today ? .notice : .info, title: title, body: body,
            subject: SubjectRef(topic: topic, key: key, schema: .anniversary), createdAt: time)
        notification.id = AnniversaryMilestoneRule.notificationID(anniversary)
        return notification
    }

    /// Rule + anniversary id + ordinal: the anniversary id names the event (kind, subject,
    /// base year), the same every year, so the 30th and the 31st are two notifications, while
    /// every article about the 31st gives the same one.
    public static func notificationID(_ anniversary: Anniversary) -> String {
        StableID.notification(rule: name, subjectID: "\(anniversary.id)/\(anniversary.ordinal)")
    }
}

/// `new-figures`: an enriched article states at least one trade or investment figure
/// (derived figures alone do not count). Severity info; `createdAt` is the article's
/// `enrichedAt`.
public struct NewFiguresRule: Sendable {
    public static let name = "new-figures"
    public static let kind = "new_figures"
    /// Figures listed in the body; the rest are counted.
    public static let listed = 10

    public init() {}

    public func evaluate(_ enriched: EnrichedArticle, topic: String, key: String) -> AttacheModels.Notification? {
        let stated = enriched.figures.filter { !$0.derived }
        guard !stated.isEmpty else { return nil }
        let article = enriched.article
        let name = article.title.map { "“\($0)”" } ?? "The article \(article.id)"
        let lines = stated.map(NewFiguresRule.describe)
        var title = "New figures: \(lines[0])"
        if stated.count > 1 { title += " and \(stated.count - 1) more" }
        title += " (\(article.title.map { "“\($0)”, " } ?? "")\(article.published))"
        var listed = Array(lines.prefix(NewFiguresRule.listed))
        if stated.count > NewFiguresRule.listed { listed.append("and \(stated.count - NewFiguresRule.listed) more") }
        var body = "\(name), published \(article.published)"
        if let dateline = article.dateline { body += " (\(dateline.place)\(dateline.agency.map { ", \($0)" } ?? ""))" }
        body += ", states " + listed.joined(separator: "; ") + "."
        let derived = enriched.figures.count - stated.count
        if derived > 0 { body += " Derived: \(Wording.count(derived, "figure", "figures"))." }
        body += " Article \(article.id)."
        return Notification(
            rule: NewFiguresRule.name, kind: NewFiguresRule.kind, severity: .info, title: title, body: body,
            subject: SubjectRef(topic: topic, key: key, schema: .enrichedArticle), createdAt: enriched.enrichedAt)
    }

    /// `FDI inflow KZ←LU 2022: 202.5 M USD`, `Trade turnover KZ–LU 2024: about 19.54 M USD`.
    public static func describe(_ figure: Figure) -> String {
        var line = "\(Wording.metric(figure.metric)) \(Wording.pair(figure.series)) \(figure.period.label): "
        switch figure.qualifier {
        case .approximately: line += "about "
        case .atLeast: line += "at least "
        case .atMost: line += "at most "
        case nil: break
        }
        return line + "\(Wording.amount(figure.amount)) \(figure.currency)"
    }
}
