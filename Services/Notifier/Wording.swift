import AttacheModels
import Foundation

/// How notifications put numbers, series and anniversaries into words: short, stable
/// forms a person reads at a glance (`202.5 M`, `109.6 %`, `KZ←LU`, `31st`).
public enum Wording {
    /// An amount with a scale suffix and at most two decimals: `202.5 M`, `3.5 B`,
    /// `36.5 K`, `-19.46 M`, `950`.
    public static func amount(_ value: Double) -> String {
        let magnitude = abs(value)
        let (scale, suffix): (Double, String) =
            magnitude >= 1e9 ? (1e9, " B") : magnitude >= 1e6 ? (1e6, " M") : magnitude >= 1e3 ? (1e3, " K") : (1, "")
        return decimal(value / scale, maxDecimals: 2) + suffix
    }

    /// A signed amount: `+222 M`, `-19.46 M`.
    public static func signedAmount(_ value: Double) -> String {
        (value > 0 ? "+" : "") + amount(value)
    }

    /// A percentage with at most one decimal and no sign: `109.6 %`, `38 %`.
    public static func percent(_ value: Double) -> String {
        decimal(abs(value), maxDecimals: 1) + " %"
    }

    /// A number with at most `maxDecimals` decimals, trailing zeros removed (`2.5`, `38`).
    public static func decimal(_ value: Double, maxDecimals: Int) -> String {
        var text = String(format: "%.\(maxDecimals)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }

    /// What a metric is called in a sentence: `FDI inflow`, `Trade turnover`.
    public static func metric(_ metric: Metric) -> String {
        switch metric {
        case .tradeTurnover: "Trade turnover"
        case .exports: "Exports"
        case .imports: "Imports"
        case .tradeBalance: "Trade balance"
        case .fdiInflow: "FDI inflow"
        case .investment: "Investment"
        case .other: "Figure"
        }
    }

    /// The pair of a series with the way money flows: `KZ←LU` for money coming into the
    /// reporter (FDI inflow, imports), `KZ→LU` for exports, `KZ–LU` otherwise.
    public static func pair(_ series: Series) -> String {
        switch series.metric {
        case .fdiInflow, .imports: "\(series.reporter)←\(series.partner)"
        case .exports: "\(series.reporter)→\(series.partner)"
        default: "\(series.reporter)–\(series.partner)"
        }
    }

    /// An English ordinal: `1st`, `2nd`, `3rd`, `11th`, `31st`, `112th`.
    public static func ordinal(_ number: Int) -> String {
        // `magnitude`, not `abs`: abs(Int.min) traps, and numbers come from records.
        let lastTwo = number.magnitude % 100
        let suffix: String
        if (11...13).contains(lastTwo) {
            suffix = "th"
        } else {
            switch number.magnitude % 10 {
            case 1: suffix = "st"
            case 2: suffix = "nd"
            case 3: suffix = "rd"
            default: suffix = "th"
            }
        }
        return "\(number)\(suffix)"
    }

    /// `one figure`, `3 figures`.
    public static func count(_ count: Int, _ singular: String, _ plural: String) -> String {
        count == 1 ? "one \(singular)" : "\(count) \(plural)"
    }
}

/// Attache's notification record (not Foundation's `Notification`).
typealias Notification = AttacheModels.Notification
