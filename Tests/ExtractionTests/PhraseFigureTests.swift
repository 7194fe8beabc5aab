import AttacheModels
import AttacheTesting
import Testing

@testable import Extraction

/// One hand-made sentence that must yield one stated figure with these properties.
struct FigureCase: Sendable, CustomTestStringConvertible {
    var text: String
    var date: String = "2024-05-15"
    var metric: Metric
    var partner: String
    var amount: Double
    var currency: String = "USD"
    var period: String
    var qualifier: Qualifier? = nil
    var direction: Direction? = nil
    var reporter: String = "KZ"
    var testDescription: String { text }
}

func checkFigure(_ c: FigureCase) {
    let article = Fixtures.article(c.text, date: c.date)
    let stated = Fixtures.extractor.extract(article).figures.filter { !$0.derived }
    #expect(
        stated.count == 1,
        "expected one stated figure in: \(c.text) — got \(stated.map { "\($0.metric) \($0.amount) \($0.period.label)" })"
    )
    guard let f = stated.first else { return }
    #expect(f.metric == c.metric)
    #expect(f.reporter == c.reporter)
    #expect(f.partner == c.partner)
    #expect(f.amount == c.amount, "amount \(f.amount) != \(c.amount)")
    #expect(f.currency == c.currency)
    #expect(f.period.label == c.period)
    #expect(f.qualifier == c.qualifier)
    if let d = c.direction { #expect(f.direction == d) }
    #expect(article.text.text(in: f.span) == f.text)
}

enum ScaleCases {
    static let all: [FigureCase] = [
        FigureCase(
            text: "Trade between Kazakhstan and Germany reached $3.2 billion in 2023.", metric: .tradeTurnover,
            partner: "DE", amount: 3_200_000_000, period: "2023"),
        FigureCase(
            text: "In 2023, Kazakhstan's exports to Italy amounted to 12.1 million US dollars.", metric: .exports,
            partner: "IT", amount: 12_100_000, period: "2023"),
        FigureCase(
            text: "Imports from Latvia totaled 850 thousand dollars in 2022, the ministry said.", metric: .imports,
            partner: "LV", amount: 850_000, period: "2022"),
        FigureCase(
            text: "Bilateral trade with China hit 1.2 trillion tenge in 2023.", metric: .tradeTurnover, partner: "CN",
            amount: 1_200_000_000_000, currency: "KZT", period: "2023"),
        FigureCase(
            text: "Trade turnover with Uzbekistan stood at $4.5 bln in 2023.", metric: .tradeTurnover, partner: "UZ",
            amount: 4_500_000_000, period: "2023"),
        FigureCase(
            text: "Trade turnover with Turkmenistan came to $520 mln in 2021.", metric: .tradeTurnover, partner: "TM",
            amount: 520_000_000, period: "2021"),
        FigureCase(
            text: "Kazakh exports to Poland were worth $2bn in 2022.", metric: .exports, partner: "PL",
            amount: 2_000_000_000, period: "2022"),
        FigureCase(
            text: "Exports to Estonia brought in $45m in 2023.", metric: .exports, partner: "EE", amount: 45_000_000,
            period: "2023"),
        FigureCase(
            text: "In 2021 the trade turnover between Kazakhstan and Georgia was 120.75 million US dollars.",
            metric: .tradeTurnover, partner: "GE", amount: 120_750_000, period: "2021"),
        FigureCase(
            text: "Trade with Mongolia amounted to $1,250 million in 2023.", metric: .tradeTurnover, partner: "MN",
            amount: 1_250_000_000, period: "2023"),
        FigureCase(
            text: "Trade with Armenia reached 3,5 billion tenge in 2022.", metric: .tradeTurnover, partner: "AM",
            amount: 3_500_000_000, currency: "KZT", period: "2022"),
        FigureCase(
            text: "Trade with Slovakia reached $640,000 in 2023.", metric: .tradeTurnover, partner: "SK",
            amount: 640_000, period: "2023"),
        FigureCase(
            text: "Trade turnover with Finland made up 96.4 bn tenge in 2023.", metric: .tradeTurnover, partner: "FI",
            amount: 96_400_000_000, currency: "KZT", period: "2023"),
        FigureCase(
            text: "Kazakhstan's trade with Hungary reached 230 million dollars in 2023.", metric: .tradeTurnover,
            partner: "HU", amount: 230_000_000, period: "2023"),
    ]
}

enum CurrencyCases {
    static let all: [FigureCase] = [
        FigureCase(
            text: "Trade with France amounted to US$5.1 billion in 2023.", metric: .tradeTurnover, partner: "FR",
            amount: 5_100_000_000, period: "2023"),
        FigureCase(
            text: "Trade with Spain reached USD 780 million in 2023.", metric: .tradeTurnover, partner: "ES",
            amount: 780_000_000, period: "2023"),
        FigureCase(
            text: "Trade with Sweden reached 310 million USD in 2023.", metric: .tradeTurnover, partner: "SE",
            amount: 310_000_000, period: "2023"),
        FigureCase(
            text: "Trade with Norway reached 95 million U.S. dollars in 2023.", metric: .tradeTurnover, partner: "NO",
            amount: 95_000_000, period: "2023"),
        FigureCase(
            text: "Trade with the Netherlands reached 9.4 billion euros in 2023.", metric: .tradeTurnover,
            partner: "NL", amount: 9_400_000_000, currency: "EUR", period: "2023"),
        FigureCase(
            text: "Trade with Austria reached €410 million in 2023.", metric: .tradeTurnover, partner: "AT",
            amount: 410_000_000, currency: "EUR", period: "2023"),
        FigureCase(
            text: "Trade with Belgium reached EUR 1.3 billion in 2023.", metric: .tradeTurnover, partner: "BE",
            amount: 1_300_000_000, currency: "EUR", period: "2023"),
        FigureCase(
            text: "Trade with Kyrgyzstan reached 870 billion tenge in 2023.", metric: .tradeTurnover, partner: "KG",
            amount: 870_000_000_000, currency: "KZT", period: "2023"),
        FigureCase(
            text: "Trade with Kyrgyzstan reached KZT 870 billion in 2023.", metric: .tradeTurnover, partner: "KG",
            amount: 870_000_000_000, currency: "KZT", period: "2023"),
        FigureCase(
            text: "Trade with Russia reached 1.1 trillion rubles in 2023.", metric: .tradeTurnover, partner: "RU",
            amount: 1_100_000_000_000, currency: "RUB", period: "2023"),
        FigureCase(
            text: "Trade with China reached 210 billion yuan in 2023.", metric: .tradeTurnover, partner: "CN",
            amount: 210_000_000_000, currency: "CNY", period: "2023"),
        FigureCase(
            text: "Trade with the United Kingdom reached £1.6 billion in 2023.", metric: .tradeTurnover, partner: "GB",
            amount: 1_600_000_000, currency: "GBP", period: "2023"),
        FigureCase(
            text: "Trade with Switzerland reached 2.2 billion Swiss francs in 2023.", metric: .tradeTurnover,
            partner: "CH", amount: 2_200_000_000, currency: "CHF", period: "2023"),
        FigureCase(
            text: "Trade with Japan reached 180 billion yen in 2023.", metric: .tradeTurnover, partner: "JP",
            amount: 180_000_000_000, currency: "JPY", period: "2023"),
        FigureCase(
            text: "Trade with Ireland reached $ 95 million in 2023.", metric: .tradeTurnover, partner: "IE",
            amount: 95_000_000, period: "2023"),
    ]
}

enum QualifierCases {
    static let all: [FigureCase] = [
        FigureCase(
            text: "Trade with Italy reached nearly $2 billion in 2023.", metric: .tradeTurnover, partner: "IT",
            amount: 2e9, period: "2023", qualifier: .approximately),
        FigureCase(
            text: "Trade with Italy reached about $2 billion in 2023.", metric: .tradeTurnover, partner: "IT",
            amount: 2e9, period: "2023", qualifier: .approximately),
        FigureCase(
            text: "Trade with Italy reached around $2 billion in 2023.", metric: .tradeTurnover, partner: "IT",
            amount: 2e9, period: "2023", qualifier: .approximately),
        FigureCase(
            text: "Trade with Italy reached almost $2 billion in 2023.", metric: .tradeTurnover, partner: "IT",
            amount: 2e9, period: "2023", qualifier: .approximately),
        FigureCase(
            text: "Trade with Italy reached approximately $2 billion in 2023.", metric: .tradeTurnover, partner: "IT",
            amount: 2e9, period: "2023", qualifier: .approximately),
        FigureCase(
            text: "Trade with Italy reached roughly $2 billion in 2023.", metric: .tradeTurnover, partner: "IT",
            amount: 2e9, period: "2023", qualifier: .approximately),
        FigureCase(
            text: "Trade with Italy reached some $2 billion in 2023.", metric: .tradeTurnover, partner: "IT",
            amount: 2e9, period: "2023", qualifier: .approximately),
        FigureCase(
            text: "Trade with Italy came close to $2 billion in 2023.", metric: .tradeTurnover, partner: "IT",
            amount: 2e9, period: "2023", qualifier: .approximately),
        FigureCase(
            text: "Trade with Italy reached over $2 billion in 2023.", metric: .tradeTurnover, partner: "IT",
            amount: 2e9, period: "2023", qualifier: .atLeast),
        FigureCase(
            text: "Trade with Italy amounted to more than $2 billion in 2023.", metric: .tradeTurnover, partner: "IT",
            amount: 2e9, period: "2023", qualifier: .atLeast),
        FigureCase(
            text: "Trade with Italy in 2023 was exceeding $2 billion.", metric: .tradeTurnover, partner: "IT",
            amount: 2e9, period: "2023", qualifier: .atLeast),
        FigureCase(
            text: "Trade with Italy amounted to at least $2 billion in 2023.", metric: .tradeTurnover, partner: "IT",
            amount: 2e9, period: "2023", qualifier: .atLeast),
        FigureCase(
            text: "Trade with Italy in 2023 was in excess of $2 billion.", metric: .tradeTurnover, partner: "IT",
            amount: 2e9, period: "2023", qualifier: .atLeast),
        FigureCase(
            text: "Trade with Italy amounted to up to $2 billion in 2023.", metric: .tradeTurnover, partner: "IT",
            amount: 2e9, period: "2023", qualifier: .atMost),
        FigureCase(
            text: "Trade with Italy amounted to less than $2 billion in 2023.", metric: .tradeTurnover, partner: "IT",
            amount: 2e9, period: "2023", qualifier: .atMost),
        FigureCase(
            text: "Trade with Italy amounted to $2 billion in 2023.", metric: .tradeTurnover, partner: "IT",
            amount: 2e9, period: "2023", qualifier: nil),
    ]
}

enum PeriodCases {
    static let all: [FigureCase] = [
        FigureCase(
            text: "Trade with Germany amounted to $1.4 billion in 2022.", metric: .tradeTurnover, partner: "DE",
            amount: 1.4e9, period: "2022"),
        FigureCase(
            text: "Trade with Germany amounted to $1.4 billion in January-August 2025.", date: "2025-10-01",
            metric: .tradeTurnover, partner: "DE", amount: 1.4e9, period: "2025-01..2025-08"),
        FigureCase(
            text: "Trade with Germany amounted to $1.4 billion in January–June 2024.", date: "2024-08-01",
            metric: .tradeTurnover, partner: "DE", amount: 1.4e9, period: "2024-01..2024-06"),
        FigureCase(
            text: "From January to September 2023, trade with Germany amounted to $1.4 billion.",
            metric: .tradeTurnover, partner: "DE", amount: 1.4e9, period: "2023-01..2023-09"),
        FigureCase(
            text: "In the first nine months of 2024, trade with Germany amounted to $1.4 billion.", date: "2024-11-10",
            metric: .tradeTurnover, partner: "DE", amount: 1.4e9, period: "2024-01..2024-09"),
        FigureCase(
            text: "Trade with Germany amounted to $1.4 billion in Q1 2022.", date: "2022-05-10", metric: .tradeTurnover,
            partner: "DE", amount: 1.4e9, period: "2022-01..2022-03"),
        FigureCase(
            text: "Trade with Germany amounted to $1.4 billion in the first half of 2022.", metric: .tradeTurnover,
            partner: "DE", amount: 1.4e9, period: "2022-01..2022-06"),
        FigureCase(
            text: "Trade with Germany amounted to $1.4 billion in the second half of 2022.", metric: .tradeTurnover,
            partner: "DE", amount: 1.4e9, period: "2022-07..2022-12"),
        FigureCase(
            text: "Trade with Germany amounted to $1.4 billion in the third quarter of 2023.", metric: .tradeTurnover,
            partner: "DE", amount: 1.4e9, period: "2023-07..2023-09"),
        FigureCase(
            text: "Over the past eight months, trade with Germany amounted to $1.4 billion.", date: "2025-10-20",
            metric: .tradeTurnover, partner: "DE", amount: 1.4e9, period: "2025-01..2025-08"),
        FigureCase(
            text: "From 2005 to the second quarter of 2025, investment from Germany amounted to $3.5 billion.",
            date: "2025-10-20", metric: .investment, partner: "DE", amount: 3.5e9, period: "2005-01..2025-06",
            direction: .inbound),
        FigureCase(
            text: "Between 2010 and 2020, investment from Germany amounted to $3.5 billion.", metric: .investment,
            partner: "DE", amount: 3.5e9, period: "2010-01..2020-12", direction: .inbound),
        FigureCase(
            text: "In 2015-2020 investment from Germany amounted to $3.5 billion.", metric: .investment, partner: "DE",
            amount: 3.5e9, period: "2015-01..2020-12", direction: .inbound),
        FigureCase(
            text: "Since 2005, investment from Germany has amounted to $3.5 billion.", date: "2024-06-30",
            metric: .investment, partner: "DE", amount: 3.5e9, period: "2005-01..2024-06", direction: .inbound),
        FigureCase(
            text: "This year, trade with Germany has amounted to $1.4 billion.", date: "2024-05-31",
            metric: .tradeTurnover, partner: "DE", amount: 1.4e9, period: "2024-01..2024-05"),
        FigureCase(
            text: "Last year, trade with Germany amounted to $1.4 billion.", date: "2024-05-15", metric: .tradeTurnover,
            partner: "DE", amount: 1.4e9, period: "2023"),
        FigureCase(
            text: "Trade with Germany amounted to $1.4 billion in June 2023.", metric: .tradeTurnover, partner: "DE",
            amount: 1.4e9, period: "2023-06..2023-06"),
        FigureCase(
            text: "In the first quarter of this year, trade with Germany amounted to $1.4 billion.", date: "2024-05-15",
            metric: .tradeTurnover, partner: "DE", amount: 1.4e9, period: "2024-01..2024-03"),
        FigureCase(
            text: "At the end of 2022 trade with Germany amounted to $1.4 billion.", metric: .tradeTurnover,
            partner: "DE", amount: 1.4e9, period: "2022"),
        FigureCase(
            text: "Trade with Germany amounted to $1.4 billion in H1 2023.", metric: .tradeTurnover, partner: "DE",
            amount: 1.4e9, period: "2023-01..2023-06"),
        FigureCase(
            text: "For the first three quarters of 2023, trade with Germany amounted to $1.4 billion.",
            metric: .tradeTurnover, partner: "DE", amount: 1.4e9, period: "2023-01..2023-09"),
    ]
}

enum MetricCases {
    static let all: [FigureCase] = [
        FigureCase(
            text: "Foreign direct investment from France into Kazakhstan reached $1.1 billion in 2023.",
            metric: .fdiInflow, partner: "FR", amount: 1.1e9, period: "2023", direction: .inbound),
        FigureCase(
            text: "The inflow of FDI from Korea totaled $640 million in 2023.", metric: .fdiInflow, partner: "KR",
            amount: 640e6, period: "2023", direction: .inbound),
        FigureCase(
            text: "Kazakh investments in Georgia amounted to $90 million in 2023.", metric: .investment, partner: "GE",
            amount: 90e6, period: "2023", direction: .outbound),
        FigureCase(
            text: "Investment by Chinese companies in Kazakhstan reached $2.3 billion in 2023.", metric: .investment,
            partner: "CN", amount: 2.3e9, period: "2023", direction: .inbound),
        FigureCase(
            text: "Kazakhstan's trade surplus with Italy stood at $9.8 billion in 2023.", metric: .tradeBalance,
            partner: "IT", amount: 9.8e9, period: "2023"),
        FigureCase(
            text: "The trade deficit with Korea was $300 million in 2023.", metric: .tradeBalance, partner: "KR",
            amount: -300e6, period: "2023"),
        FigureCase(
            text: "Kazakhstan imported goods worth $1.9 billion from Türkiye in 2023.", metric: .imports, partner: "TR",
            amount: 1.9e9, period: "2023"),
    ]
}

@Test(arguments: ScaleCases.all) func scaleWords(_ c: FigureCase) { checkFigure(c) }
@Test(arguments: CurrencyCases.all) func currencies(_ c: FigureCase) { checkFigure(c) }
@Test(arguments: QualifierCases.all) func qualifiers(_ c: FigureCase) { checkFigure(c) }
@Test(arguments: PeriodCases.all) func periodForms(_ c: FigureCase) { checkFigure(c) }
@Test(arguments: MetricCases.all) func metricsAndParties(_ c: FigureCase) { checkFigure(c) }
