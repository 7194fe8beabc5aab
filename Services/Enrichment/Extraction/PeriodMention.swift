import AttacheModels

/// A period as the text names it, before relative forms are resolved against the sentence.
enum PeriodKind: Hashable, Sendable {
    case absolute(Period)
    /// `the previous year`, `last year`, `a year earlier`: the year before the year the
    /// sentence speaks of.
    case previousYear
    /// `the same period of last year`, `year-on-year`: the period compared with, one year
    /// earlier than the one the sentence speaks of.
    case samePeriodEarlier
    /// `the corresponding period of 2016`, `the same months of 2022`: the period the sentence
    /// speaks of, moved to that year.
    case samePeriodIn(Int)
    /// `since the beginning of the year`, `this year`: the publication year to date, or the
    /// part of it the sentence (or an earlier one) gives (`10 months of this year`).
    case yearToDate
    /// `over the years`, `to date`, `in total`: a total with no stated start, as of publication.
    case toDate
}

struct PeriodMention: Sendable {
    var range: Range<Int>
    var kind: PeriodKind
    /// Preceded by `than`, `compared to`, `against`…: the period something is compared with.
    var comparison: Bool
    /// `by 2030`: a deadline, the mark of a target.
    var deadline: Bool
}
