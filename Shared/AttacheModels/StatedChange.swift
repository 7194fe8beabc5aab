/// A change the text states between two periods of a series, with or without the amounts:
/// "increased by 23%", "grew nearly 2.5 times", "38% higher than in the previous year".
public struct StatedChange: Hashable, Sendable, Codable {
    public var series: Series
    public var from: Period
    public var to: Period
    /// The stated change in percent (`-12` for "fell by 12%").
    public var percent: Double?
    /// The stated ratio `to / from` (2.5 for "2.5 times", 4 for "four-fold").
    public var ratio: Double?
    /// The stated absolute change, in the series' currency.
    public var absolute: Double?
    public var qualifier: Qualifier?
    public var span: TextSpan
    public var text: String

    public init(
        series: Series, from: Period, to: Period, percent: Double? = nil, ratio: Double? = nil,
        absolute: Double? = nil, qualifier: Qualifier? = nil, span: TextSpan, text: String
    ) {
        self.series = series
        self.from = from
        self.to = to
        self.percent = percent
        self.ratio = ratio
        self.absolute = absolute
        self.qualifier = qualifier
        self.span = span
        self.text = text
    }
}
