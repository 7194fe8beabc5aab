import AttacheModels
import Foundation

/// What routes match a notification on, taken from the record it came from: the rule, the
/// countries the subject names and, for trade deltas, the change in percent.
public struct RouteFacts: Sendable, Hashable {
    public var rule: String
    /// ISO codes the subject names: a delta's reporter and partner, an anniversary's
    /// parties, an article's countries and the reporters and partners of its figures.
    public var countries: Set<String>
    /// The change in percent (trade deltas), else nil.
    public var percent: Double?

    public init(rule: String, countries: Set<String>, percent: Double? = nil) {
        self.rule = rule
        self.countries = countries
        self.percent = percent
    }

    /// The facts of a rule input for one of its notifications.
    public static func of(_ input: RuleInput, rule: String) -> RouteFacts {
        switch input.record {
        case .delta(let delta):
            return RouteFacts(
                rule: rule, countries: [delta.series.reporter, delta.series.partner],
                percent: TradeDeltaRule.percent(of: delta))
        case .anniversary(let anniversary):
            return RouteFacts(rule: rule, countries: Set(anniversary.parties))
        case .enriched(let article):
            var countries = Set(article.article.countries)
            for figure in article.figures { countries.formUnion([figure.reporter, figure.partner]) }
            return RouteFacts(rule: rule, countries: countries)
        }
    }
}

/// The condition of a route; every condition given must hold, and an empty match matches
/// every notification.
public struct RouteMatch: Sendable, Hashable {
    /// Rule names (`trade-delta`, `anniversary-milestone`, `new-figures`); nil: any.
    public var rules: Set<String>?
    /// At least one of these countries is named by the subject; nil: any.
    public var partners: Set<String>?
    /// The absolute change is at least this many percent (notifications without a
    /// percentage do not match); nil: no condition.
    public var minPercent: Double?

    public init(rules: Set<String>? = nil, partners: Set<String>? = nil, minPercent: Double? = nil) {
        self.rules = rules
        self.partners = partners
        self.minPercent = minPercent
    }

    public func matches(_ facts: RouteFacts) -> Bool {
        if let rules, !rules.contains(facts.rule) { return false }
        if let partners, partners.isDisjoint(with: facts.countries) { return false }
        if let minPercent {
            guard let percent = facts.percent, percent.isFinite, percent.magnitude >= minPercent else { return false }
        }
        return true
    }
}

/// A route: where notifications that match go. Routes are evaluated in order and the first
/// match wins, unless it says `continue`, in which case the next routes are evaluated too
/// (as in Alertmanager).
public struct Route: Sendable, Hashable {
    public var match: RouteMatch
    /// Receiver names.
    public var receivers: [String]
    public var `continue`: Bool

    public init(match: RouteMatch = RouteMatch(), receivers: [String], continue: Bool = false) {
        self.match = match
        self.receivers = receivers
        self.continue = `continue`
    }
}

/// Routes notifications to receivers (a pure function of the routes and the facts).
public struct Router: Sendable, Hashable {
    public var routes: [Route]

    public init(routes: [Route]) { self.routes = routes }

    /// Every notification to each of `receivers`.
    public static func everything(to receivers: [String]) -> Router {
        Router(routes: receivers.isEmpty ? [] : [Route(receivers: receivers)])
    }

    /// The receivers of a notification with these facts, without repeats, in route order.
    public func receivers(for facts: RouteFacts) -> [String] {
        var chosen: [String] = []
        for route in routes where route.match.matches(facts) {
            for name in route.receivers where !chosen.contains(name) { chosen.append(name) }
            if !route.continue { break }
        }
        return chosen
    }
}
