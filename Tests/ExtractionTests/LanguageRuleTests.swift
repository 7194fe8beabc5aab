import AttacheModels
import AttacheTesting
import Testing

@testable import Extraction

/// One hand-made case per rule about the language of trade reports (periods, parties,
/// targets, amounts, changes, anniversaries). The sentences are written for these tests.
private func stated(_ text: String, date: String = "2024-05-15") -> [Figure] {
    Fixtures.extract(text, date: date).figures.filter { !$0.derived }
}

private func only(_ text: String, date: String = "2024-05-15") -> Figure? {
    let f = stated(text, date: date)
    #expect(
        f.count == 1,
        "expected one figure in \(text): \(f.map { "\($0.metric) \($0.partner) \($0.amount) \($0.period.label)" })")
    return f.first
}

@Suite struct PeriodRules {
    @Test func pastYearsReadAsSinceThatYear() {
        let f = only(
            "Over the past 10 years, Belgian companies have put more than $3 billion into Kazakhstan.",
            date: "2021-09-14")
        #expect(f?.period.start == Day(iso: "2011-01-01"))
        #expect(f?.period.end == Day(iso: "2021-09-14"))
        // A change over those years runs from the first of them to the last full one.
        let c = Fixtures.extract(
            "Trade between Kazakhstan and Norway has grown threefold over the past 6 years.", date: "2021-09-14"
        ).changes.first
        #expect(c?.from == .year(2015))
        #expect(c?.to == .year(2020))
    }

    @Test func theSamePeriodThisYearIsTheSentencesPartYear() {
        let f = stated(
            "In January-March of last year Kazakh exports to Brazil came to $40 million; in the same period this year they came to $55 million.",
            date: "2024-06-10")
        #expect(f.first { $0.amount == 40e6 }?.period.label == "2023-01..2023-03")
        #expect(f.first { $0.amount == 55e6 }?.period.label == "2024-01..2024-03")
    }

    @Test func theNextSentenceContinuesTheLastFiguresPeriod() {
        let text =
            "In January-March of last year exports to Brazil were $40 million, and in the same period this year exports came to $55 million. Trade between the two countries came to $90 million."
        #expect(stated(text, date: "2024-06-10").first { $0.amount == 90e6 }?.period.label == "2024-01..2024-03")
        // A figure of the period compared with is not the one carried on.
        let text2 =
            "Last year, trade with Egypt totalled $50 million, up 20% on 2022, when it stood at $41.7 million. Exports amounted to $30 million."
        #expect(stated(text2, date: "2024-06-10").first { $0.amount == 30e6 }?.period == .year(2023))
    }

    @Test func lastYearCountsFromPublicationEvenBesideAnotherYear() {
        let f = stated(
            "Last year trade with Latvia reached $200 million, up from $150 million in 2021.", date: "2024-05-15")
        #expect(f.first { $0.amount == 200e6 }?.period == .year(2023))
    }

    @Test func countOfMonthsWithoutFirst() {
        #expect(
            only("In the eight months of 2023, trade with Greece totalled $90 million.")?.period.label
                == "2023-01..2023-08")
        #expect(
            only("Figures for 10 months of this year show trade with Kuwait at $40 million.", date: "2024-12-01")?
                .period.label == "2024-01..2024-10")
    }

    @Test func partOfTheYearWithoutANumber() {
        #expect(
            only("In the first half of the year, trade with Kyrgyzstan amounted to $500 million.", date: "2022-08-17")?
                .period.label == "2022-01..2022-06")
    }

    @Test func monthsGluedToTheYear() {
        #expect(only("Over 9M2023, Kazakh exports to Spain reached $1.1 billion.")?.period.label == "2023-01..2023-09")
    }

    @Test func possessiveYearBeforePartOfYear() {
        #expect(
            only("Trade with Kuwait came to $40 million in this year's first five months.", date: "2024-07-10")?.period
                .label == "2024-01..2024-05")
        #expect(
            only("Trade with Kuwait came to $90 million in last year's first 11 months.", date: "2024-02-01")?.period
                .label == "2023-01..2023-11")
    }

    @Test func quartersCountedFromJanuary() {
        let f = only("In the two quarters of 2021, direct investment from Japan totalled $50 million.")
        #expect(f?.metric == .fdiInflow)
        #expect(f?.period.label == "2021-01..2021-06")
    }

    @Test func yearsOfIndependence() {
        let f = only(
            "Over the years of independence, Korean companies have invested $7 billion in Kazakhstan.",
            date: "2020-05-01")
        #expect(f?.period.start == Day(iso: "1991-01-01"))
        #expect(f?.period.end == Day(iso: "2020-05-01"))
    }

    @Test func correspondingPeriodOfAYear() {
        let f = stated(
            "In January-March 2024, trade with Finland came to $50 million, against $40 million in the corresponding period of 2023."
        )
        #expect(f.first { $0.amount == 40e6 }?.period.label == "2023-01..2023-03")
    }

    @Test func onOrOverAYearIsTheComparison() {
        let e = Fixtures.extract("In 2023, exports to Italy grew by 12 percent on the previous year, to $2 billion.")
        #expect(e.figures.first { !$0.derived }?.period == .year(2023))
        #expect(e.changes.first?.from == .year(2022))
        let e2 = Fixtures.extract(
            "Trade with Brazil exceeded $370 million last year, an almost 70 percent increase over 2022.")
        #expect(e2.figures.first { !$0.derived }?.period == .year(2023))
    }

    @Test func amountInBracketsAfterAComparisonTakesItsPeriod() {
        let f = stated(
            "In 2023, trade with Argentina totalled $36 million, 10 percent less than a year earlier ($40 million).")
        #expect(f.first { $0.amount == 40e6 }?.period == .year(2022))
    }

    @Test func whenClauseTakesThePeriodBeforeIt() {
        let f = stated(
            "Last year, trade with Brazil totalled $90 million, up 20% on 2022, when it stood at $75 million.")
        #expect(f.first { $0.amount == 75e6 }?.period == .year(2022))
    }

    @Test func aClauseAfterTheComparisonIsAboutTheSentencesPeriod() {
        let f = stated(
            "In 2021 the volume of mutual trade with Hungary increased 1.5 times compared to 2020 and amounted to $300 million."
        )
        #expect(f.first?.period == .year(2021))
    }

    @Test func byTheEndOfAPastYearIsNoDeadline() {
        #expect(
            only("By the end of 2022, trade with Croatia had climbed to $60 million.", date: "2023-03-01")?.period
                == .year(2022))
    }

    @Test func statisticPeriodReachesASentenceNamingItsParties() {
        let f = stated("In 2023, trade with China reached $40 billion.\n\nTurnover with Japan was $2 billion.")
        #expect(f.first { $0.partner == "JP" }?.period == .year(2023))
    }

    @Test func noPeriodAnywhere() {
        #expect(
            only("Trade between Kazakhstan and Malaysia stands at $300 million.", date: "2024-05-15")?.period
                == .year(2023))
        let total = only("Malaysian companies have invested $500 million in Kazakhstan.", date: "2024-05-15")
        #expect(total?.period.label == "..2024-05-15")
        #expect(total?.period.isComparable(with: .year(2023)) == false)
    }

    @Test func sinceTheBeginningOfTheYearTakesTheStatedMonths() {
        let f = stated(
            "In January-October 2021, trade with Qatar reached $3 million. Since the beginning of the year, exports to Qatar have grown to $2 million.",
            date: "2021-12-29")
        #expect(f.first { $0.metric == .exports }?.period.label == "2021-01..2021-10")
    }

    @Test func aPeriodDoesNotCrossASemicolon() {
        let f = stated(
            "In 2021 Turkish investment reached $400 million.\n\nThree decades ago mutual trade with Turkey stood at $30 million; it has since risen to $5 billion.",
            date: "2022-05-10")
        #expect(f.first { $0.amount == 30e6 }?.period == .year(1992))
        #expect(f.first { $0.amount == 5e9 }?.period != .year(1992))
    }

    @Test func decadesAgo() {
        #expect(
            only("Two decades ago, trade with Japan stood at $10 million.", date: "2024-05-15")?.period == .year(2004))
    }

    @Test func totalOverNYears() {
        let all = stated(
            "Turkey invested $300 million in Kazakhstan last year, bringing the 30-year total to $4 billion.",
            date: "2022-05-10")
        #expect(all.first { $0.amount == 4e9 }?.period.start == Day(iso: "1992-01-01"))
    }
}

@Suite struct PartyRules {
    @Test func aCountryThatCallsAFlowItsOwnReportsItsStatistics() {
        let f = stated(
            "Canada increased its imports from Kazakhstan by a quarter in 2023. Meanwhile, trade with Mexico reached $80 million."
        )
        #expect(f.isEmpty, "\(f.map { "\($0.reporter)-\($0.partner)" })")
    }

    @Test func aClauseAfterASemicolonNamesItsOwnPartner() {
        let f = only(
            "Kazakhstan and Brazil have wide potential; trade with Egypt rose, though slowly, and reached $30 million in 2023."
        )
        #expect(f?.partner == "EG")
    }

    @Test func foreignCompaniesExportingToTheHomeCountryAreItsImports() {
        let f = only("In 2023 Danish companies exported goods worth $60 million to Kazakhstan.")
        #expect(f?.metric == .imports)
        #expect(f?.partner == "DK")
    }

    @Test func importersAndExportersNameTheirFlow() {
        let f = only("In 2023 Kazakh importers bought Italian machinery for $300 million.")
        #expect(f?.metric == .imports)
        #expect(f?.partner == "IT")
        // The number of exporters is a count.
        #expect(Fixtures.extract("In 2023 the number of exporters to Italy increased by 15%.").changes.isEmpty)
    }

    @Test func regionsAroundTheAmountAndGroupsAreNotBilateral() {
        // The region's total; the share of the home country in its own clause is a figure.
        let f = stated(
            "Last year Portugal's imports from the region reached 500 million euros, of which 480 million euros came from Kazakhstan."
        )
        #expect(f.map(\.amount) == [480e6])
        #expect(f.first?.metric == .exports)
        #expect(stated("In 2023 Portuguese firms exported goods worth 90 million euros to Central Asia.").isEmpty)
        // A partner "in the region" elsewhere in the sentence does not make the trade regional.
        #expect(
            only("Trade with Uzbekistan, the largest partner in the region, reached $5 billion in 2023.")?.partner
                == "UZ")
        let e = Fixtures.extract(
            "Speaking of the CIS, trade among its members rose by 9 percent in 2023 to $200 billion.")
        #expect(e.figures.isEmpty)
        #expect(e.changes.isEmpty)
    }

    @Test func twoOtherCountriesAreNotTheHomeCountrysTrade() {
        let e = Fixtures.extract(
            "Kazakhstan and Estonia discussed logistics. Meanwhile, German exports to Poland dropped by 12% in 2023, reaching $90 billion."
        )
        #expect(e.figures.isEmpty)
        #expect(e.changes.isEmpty)
    }

    @Test func partnersOwnExportsAreHomeImports() {
        let f = only("Latvia's exports to Kazakhstan reached $30 million in 2023.")
        #expect(f?.metric == .imports)
        #expect(f?.reporter == "KZ")
        #expect(f?.partner == "LV")
    }

    @Test func importsIntoThePartnerAreHomeExports() {
        let f = only("In 2023, imports to Georgia from Kazakhstan totalled $80 million.")
        #expect(f?.metric == .exports)
        #expect(f?.partner == "GE")
    }

    @Test func itsFlowAfterAPartnersFlow() {
        let f = stated(
            "In 2023, Thailand's exports to Kazakhstan came to $70 million, while its imports from Kazakhstan reached $20 million."
        )
        #expect(f.first { $0.amount == 70e6 }?.metric == .imports)
        #expect(f.first { $0.amount == 20e6 }?.metric == .exports)
    }

    @Test func homeCountrysOwnFlowStays() {
        #expect(only("In 2023, Kazakhstan's exports to Belarus reached $95 million.")?.metric == .exports)
        #expect(only("In 2023, exports of Kazakh products to China rose to $8 billion.")?.metric == .exports)
    }

    @Test func aBareFlowAfterAnOwnedOneHasTheSameOwner() {
        let f = stated(
            "In January 2024, Azerbaijan's exports to Kazakhstan amounted to $12.4 million, while imports reached $130.3 million."
        )
        #expect(f.first { $0.amount == 12.4e6 }?.metric == .imports)
        #expect(f.first { $0.amount == 130.3e6 }?.metric == .exports)
    }

    @Test func exportsToTheHomeCountryAreItsImports() {
        let f = stated(
            "In 2022, Lithuanian imports from Kazakhstan reached 150 million euros, while exports to Kazakhstan amounted to 410 million euros."
        )
        #expect(f.first { $0.amount == 150e6 }?.metric == .exports)
        #expect(f.first { $0.amount == 410e6 }?.metric == .imports)
        #expect(
            only("In 2022, exports to Kazakhstan from Lithuania amounted to 410 million euros.")?.metric == .imports)
    }

    @Test func anotherCountrysStatisticsNamingOnlyAThirdCountry() {
        let text =
            "In January-November 2023, Tajikistan's trade with Central Asia totalled $1.5 billion. Kazakhstan remained its biggest partner, with trade exceeding $1 billion. Between January and November 2023, trade with Turkmenistan reached $40 million."
        let f = stated(text, date: "2024-01-03")
        #expect(f.count == 1)
        #expect(f.first?.partner == "TJ")
        #expect(f.first?.amount == 1e9)
    }

    @Test func theCountryBeforeABracketIsTheOneItSpeaksOf() {
        let e = Fixtures.extract(
            "Over 10M2022, Poland's trade grew fastest with Kyrgyzstan (2.5-fold increase), followed by Kazakhstan (+30 percent).",
            date: "2023-01-27")
        #expect(e.changes.count == 1)
        #expect(e.changes.first?.percent == 30)
        #expect(e.changes.first?.series.partner == "PL")
    }

    @Test func thisIsContinuesTheMetric() {
        let c = Fixtures.extract(
            "Trade between Azerbaijan and Kazakhstan amounted to $142.7 million in January 2024. This is 42.3 percent more compared to the same period of 2023."
        ).changes
        #expect(c.first?.percent == 42.3)
        #expect(c.first?.from.label == "2023-01..2023-01")
    }

    @Test func regionsAreNotPartners() {
        #expect(stated("Kazakhstan's trade with Central Asia reached $8 billion in 2023.").isEmpty)
        #expect(stated("In 2022, trade among the CIS countries grew to $160 billion.").isEmpty)
        #expect(Fixtures.extract("In 2023, Finnish exports to Central Asia and Russia fell by 60%.").changes.isEmpty)
    }

    @Test func oneCountrysOwnTotalIsNotBilateral() {
        let f = stated(
            "In 2023, Kyrgyzstan's overall foreign trade turnover stood at $12 billion. Exports came to $3 billion.")
        #expect(f.isEmpty)
    }

    @Test func itContinuesThePreviousSentencesMetric() {
        let f = only("Trade with Brazil keeps growing. It came to $50 million in 2023.")
        #expect(f?.metric == .tradeTurnover)
        #expect(f?.partner == "BR")
    }

    @Test func theFigureContinuesThePreviousSentencesMetric() {
        let f = stated(
            "In 2019, Kazakh exports to Turkmenistan totalled $95 million. In 2018, the figure was $80 million.",
            date: "2019-09-11")
        #expect(f.first { $0.amount == 80e6 }?.metric == .exports)
        #expect(f.first { $0.amount == 80e6 }?.period == .year(2018))
    }

    @Test func aPlanToDoubleIsNoChange() {
        #expect(
            Fixtures.extract("Trade with China last year amounted to $41 billion, and this figure can be doubled.")
                .changes.isEmpty)
    }

    @Test func aBreakdownInBracketsNamesNoMetricForWhatFollows() {
        let c = Fixtures.extract(
            "In 2017 trade between Kazakhstan and Latvia amounted to $143.4 million (exports - $37.1 million, imports - $106.3 million), having decreased by 5% compared to 2016."
        ).changes
        #expect(c.first?.series.metric == .tradeTurnover)
        #expect(c.first?.percent == -5)
    }

    @Test func comparisonFirstThenTheMetric() {
        let f = stated("Compared to $40 million in 2022, turnover with Argentina increased to $50 million in 2023.")
        #expect(f.first { $0.amount == 40e6 }?.period == .year(2022))
        #expect(f.first { $0.amount == 40e6 }?.metric == .tradeTurnover)
    }

    @Test func putIntoTheEconomyIsInvestment() {
        let f = only("Swiss firms have put more than $3 billion into the Kazakh economy since 2005.")
        #expect(f?.metric == .investment)
        #expect(f?.partner == "CH")
        #expect(f?.period.start == Day(iso: "2005-01-01"))
    }

    @Test func tradedGoodsWorth() {
        #expect(only("In 2023, Kazakhstan and Estonia traded goods worth $100 million.")?.metric == .tradeTurnover)
    }

    @Test func carriedPartiesPreferTheArticlesMainPartner() {
        let text =
            "Italy and Kazakhstan met in Rome. Italy is a key partner. With the EU, Kazakhstan's trade turnover is 55 billion euros, of which 17 billion falls on Italy. Trade turnover came to 16.2 billion euros in 2013."
        let f = stated(text, date: "2015-05-08")
        #expect(f.first { $0.amount == 16.2e9 }?.partner == "IT")
        #expect(f.first { $0.amount == 55e9 }?.partner == "EU")
    }
}

@Suite struct TargetRules {
    @Test func theStartingLevelOfAPlanIsAFigure() {
        let f = only("The leaders set a goal of raising trade with Mongolia from $150 million in 2023 to $500 million.")
        #expect(f?.amount == 150e6)
        #expect(f?.period == .year(2023))
    }

    @Test func theNearestCueDecides() {
        #expect(
            only(
                "They plan to raise trade turnover with Norway, which came to $85 million in 2021, in the near future.")?
                .amount == 85e6)
    }

    @Test func toReachAfterAChangeIsItsResult() {
        let e = Fixtures.extract(
            "Trade with Serbia increased 3 times in 2022 to reach $70 million.", date: "2023-05-01")
        #expect(e.figures.first { !$0.derived }?.amount == 70e6)
        #expect(e.changes.first?.ratio == 3)
    }

    @Test func targetNounsAfterTheAmount() {
        #expect(stated("Raising trade to $10 billion is the goal the governments set.").isEmpty)
        #expect(stated("The $1bn threshold in trade is within reach.").isEmpty)
    }

    @Test func dealValuesAreNotStatistics() {
        #expect(stated("In 2023 the sides signed a $6 billion investment cooperation agreement.").isEmpty)
        #expect(stated("In 2024 the business forum produced 36 documents worth $6.3 billion, boosting trade.").isEmpty)
    }

    @Test func theValueOfOneCommodityIsNoTradeFigure() {
        #expect(
            stated("In 2023, Kazakhstan exported 1.2 million tons of wheat worth $400 million to Uzbekistan.").isEmpty)
    }

    @Test func aPastCopulaStatesAFactAfterAnEarlierTargetWord() {
        #expect(
            only(
                "Trade with Japan is expected to double, the minister said, noting that it was $1.9 billion last year.",
                date: "2023-12-01")?.amount == 1.9e9)
        #expect(stated("For trade with Japan, the goal was $5 billion.").isEmpty)
    }

    @Test func anAmountBeforeAFutureDeadlineIsATarget() {
        #expect(stated("Ministers are working to lift trade with Qatar to $2 billion by 2028.").isEmpty)
        #expect(
            stated(
                "Trade with Qatar grew to $700 million in 2023, and the sides want $2 billion until 2030.",
                date: "2024-05-15"
            ).map(\.amount) == [700e6])
    }

    @Test func boundsOfARangeAreNotFigures() {
        #expect(
            stated(
                "Over the past decade, trade with France moved within a range from $2 billion up to $6 billion a year."
            ).isEmpty)
    }
}

@Suite struct AmountRules {
    @Test func currencyCodeGluedToTheNumber() {
        #expect(only("Trade with Mongolia reached USD150 million in 2023.")?.amount == 150e6)
    }

    @Test func inUSCurrency() {
        let f = only("In 2023 trade with Uzbekistan reached almost 3 billion in US currency.")
        #expect(f?.currency == "USD")
        #expect(f?.amount == 3e9)
    }

    @Test func otherCurrencyWithItsDollarEquivalent() {
        let f = stated("In 2023 trade with Germany reached 2.3 billion euros ($2.5 billion).")
        let eur = f.first { $0.currency == "EUR" }
        #expect(eur?.amount == 2.3e9)
        #expect(eur?.usdAmount == 2.5e9)
        #expect(f.count == 1, "the dollar equivalent is carried, not a second figure")
    }

    @Test func otherCurrencyWithoutDollarEquivalent() {
        let f = only("In 2023 trade with Russia came to 1.5 trillion roubles.")
        #expect(f?.currency == "RUB")
        #expect(f?.usdAmount == nil)
    }

    @Test func listAfterAnAmountInheritsItsCurrency() {
        let f = stated("Trade with Italy came to 16.4 billion euros in 2012 and to 16.2 billion in 2013.")
        #expect(f.first { $0.amount == 16.2e9 }?.currency == "EUR")
        #expect(f.first { $0.amount == 16.2e9 }?.period == .year(2013))
    }

    @Test func absurdAndNonFiniteNumbersAreNoAmounts() {
        let huge = String(repeating: "9", count: 400)
        let text =
            "In 2023 trade with Germany reached $\(huge) million, and exports to Germany reached $5e400 billion, and imports were $900000000000 trillion."
        let article = Fixtures.article(text)
        let e = Fixtures.extractor.extract(article)
        #expect(e.figures.allSatisfy { $0.amount.isFinite && abs($0.amount) <= 1e14 })
        #expect(e.figures.filter { !$0.derived }.count <= 1)
        checkInvariants(article, e)
    }

    @Test func aRoundedRepeatIsOneFact() {
        let f = stated(
            "Trade with Vietnam rose by 85%, nearing $1 billion.\n\nLast year trade with Vietnam totalled $979.2 million."
        )
        #expect(f.count == 1)
        #expect(f.first?.amount == 979.2e6)
    }

    @Test func aFactRepeatedInAnotherParagraphIsOneFigure() {
        let f = stated(
            "Trade with Kyrgyzstan was $757 million in January-July 2023.\n\nTrade with Kyrgyzstan reached $757 million in January-July 2023, the minister said."
        )
        #expect(f.count == 1)
    }
}

@Suite struct ChangeRules {
    func change(_ text: String, date: String = "2024-05-15") -> StatedChange? {
        let c = Fixtures.extract(text, date: date).changes
        #expect(c.count == 1, "expected one change in \(text): \(c.map(\.text))")
        return c.first
    }

    @Test func fromAYearEarlierIsTheComparison() {
        let c = Fixtures.extract(
            "Direct investment from Norway reached $450 million in 2023, down 10.3% from a year earlier.",
            date: "2024-03-01"
        ).changes.first
        #expect(c?.from == .year(2022))
        #expect(c?.to == .year(2023))
        let c2 = Fixtures.extract(
            "Trade with Norway reached $90 million in 2023, up 5 percent from 2022.", date: "2024-03-01"
        ).changes.first
        #expect(c2?.from == .year(2022))
        #expect(c2?.to == .year(2023))
    }

    @Test func aShareMadeUpIsNoChange() {
        #expect(Fixtures.extract("Crude oil makes up around 90% of Kazakh exports to Italy.").changes.isEmpty)
    }

    @Test func timesTheLevelOfAYear() {
        let e = Fixtures.extract(
            "In 2023, trade with Kuwait came to $50 million. Kazakh investment in Kuwait exceeded $9 million, 3.5 times the 2022 level.",
            date: "2024-05-15")
        #expect(e.figures.first { $0.amount == 9e6 }?.period == .year(2023))
        let c = e.changes.first
        #expect(c?.ratio == 3.5)
        #expect(c?.from == .year(2022))
        #expect(c?.to == .year(2023))
    }

    @Test func percentInWords() {
        #expect(change("In 2019, trade with France increased by more than six percent.")?.percent == 6)
    }

    @Test func increasedTwice() {
        #expect(change("In 2017, exports to Belarus increased twice.")?.ratio == 2)
    }

    @Test func moreThanTwiceTheLevel() {
        let c = change("In 2018 trade with Korea reached $4 billion, more than twice the 2017 level.")
        #expect(c?.ratio == 2)
        #expect(c?.qualifier == .atLeast)
    }

    @Test func timesAsMuchAs() {
        #expect(change("Trade with Latvia came to $216 million in 2022, 3.7 times as much as in 2021.")?.ratio == 3.7)
    }

    @Test func adjectiveBeforeThePercentage() {
        #expect(
            change("In 2023, trade with Mexico exceeded $355 million, up a remarkable 328% year-on-year.")?.percent
                == 328)
    }

    @Test func signedPercentageInBrackets() {
        #expect(change("In 2022, trade grew fastest with Kyrgyzstan and Kazakhstan (+30 percent).")?.percent == 30)
    }

    @Test func theGrowthWas() {
        let c = change(
            "In the first half of the year, trade with Kyrgyzstan reached $500 million. As compared with the first half of last year, the growth was 25%.",
            date: "2022-08-17")
        #expect(c?.percent == 25)
        #expect(c?.to.label == "2022-01..2022-06")
    }

    @Test func declinedByHalf() {
        #expect(change("In 2022, imports from Armenia declined by half.")?.ratio == 0.5)
    }

    @Test func aChangeOverSeveralYearsRunsFromTheFirstToTheLast() {
        let c = change("Trade with Belarus has more than doubled over the past three years.", date: "2019-10-25")
        #expect(c?.from == .year(2016))
        #expect(c?.to == .year(2018))
        #expect(c?.ratio == 2)
    }

    @Test func fromOneAmountToAnother() {
        let f = Fixtures.extract(
            "Bilateral trade with Armenia increased from $50 million in 2021 to $102 million in 2022."
        ).figures.filter { !$0.derived }
        #expect(f.first { $0.amount == 50e6 }?.period == .year(2021))
        #expect(f.first { $0.amount == 102e6 }?.period == .year(2022))
    }

    @Test func volumeChangesAreNotTradeChanges() {
        #expect(
            Fixtures.extract(
                "Hungary bought 500,000 tons in 2022, and this year oil imports from Kazakhstan rose by 40 percent."
            ).changes.isEmpty)
    }

    @Test func noPeriodAnywhereIsTheLastFullYear() {
        let c = change(
            "Austria's imports from Kazakhstan went up by 10 percent, reaching around 1.8 billion euros.",
            date: "2024-03-28")
        #expect(c?.to == .year(2023))
        #expect(c?.series.metric == .exports)
    }
}

@Suite struct AnniversaryRules {
    func one(_ text: String, date: String) -> Anniversary? {
        let a = Fixtures.extract(text, date: date).anniversaries
        #expect(a.count == 1, "expected one anniversary in \(text): \(a.map(\.text))")
        return a.first
    }

    @Test func independenceAnniversary() {
        let a = one(
            "The envoy spoke at an event marking the 30th independence anniversary of Kazakhstan.", date: "2021-12-13")
        #expect(a?.baseYear == 1991)
        #expect(a?.kind == .founding)
        #expect(a?.subject == "independence of Kazakhstan")
    }

    @Test func plannedCelebrationInDecemberFallsInTheNextYear() {
        let planned = one(
            "The ministry plans to mark the 30th anniversary of the national library.", date: "2023-12-18")
        #expect(planned?.year == 2024)
        #expect(planned?.baseYear == 1994)
        // Earlier in the year, or without a future cue, the publication year.
        #expect(
            one("The ministry plans to mark the 30th anniversary of the national library.", date: "2023-06-18")?
                .baseYear == 1993)
        #expect(
            one("The ministry marked the 30th anniversary of the national library.", date: "2023-12-18")?.baseYear
                == 1993)
        // A year in the text wins.
        #expect(
            one("The ministry plans to mark the 30th anniversary of the national library in 2023.", date: "2023-12-18")?
                .baseYear == 1993)
    }

    @Test func birthAnniversary() {
        let a = one("In 2020 the country marked the 175th birth anniversary of Abai Kunanbayev.", date: "2019-12-20")
        #expect(a?.kind == .birth)
        #expect(a?.baseYear == 1845)
        #expect(a?.subject == "Abai Kunanbayev")
    }

    @Test func foundingOfACity() {
        let a = one("Mongolia intends to mark the 800th anniversary of the founding of Karakorum.", date: "2020-02-01")
        #expect(a?.kind == .founding)
        #expect(a?.baseYear == 1220)
    }

    @Test func foundingDateStatedElsewhere() {
        let a = one(
            "This year the two countries mark the 30th anniversary of diplomatic relations between Kazakhstan and Argentina.\n\nDiplomatic relations were established on August 25, 1992.",
            date: "2022-03-01")
        #expect(a?.baseDate == Day(iso: "1992-08-25"))
    }

    @Test func dayInBracketsAfterThePhrase() {
        let a = one(
            "The diplomats met in the year of the 30th anniversary of their diplomatic relations (15 July) between Kazakhstan and Argentina.",
            date: "2022-11-17")
        #expect(a?.baseDate == Day(iso: "1992-07-15"))
    }

    @Test func dateThatMarksTheAnniversary() {
        let a = one(
            "June 5 marks the 30th anniversary of diplomatic relations between Kazakhstan and Bulgaria.",
            date: "2022-06-04")
        #expect(a?.baseDate == Day(iso: "1992-06-05"))
    }

    @Test func onAWeekday() {
        // 2023-03-31 is a Friday: Thursday is the 30th.
        let a = one(
            "On Thursday we marked the 30th anniversary of diplomatic relations between Kazakhstan and Singapore.",
            date: "2023-03-31")
        #expect(a?.baseDate == Day(iso: "1993-03-30"))
    }

    @Test func yearsAgoWithTheVerbFirstAndToday() {
        let a = one(
            "Today is a special day: Kazakhstan and Denmark set up diplomatic relations exactly 30 years ago.",
            date: "2022-05-06")
        #expect(a?.baseYear == 1992)
        #expect(a?.baseDate == Day(iso: "1992-05-06"))
        let b = one("Kazakhstan and Norway established diplomatic relations exactly 30 years ago.", date: "2022-06-06")
        #expect(b?.baseYear == 1992)
        #expect(b?.baseDate == nil)
    }

    @Test func independenceDayWithAnOrdinal() {
        let a = one("The embassy celebrated Indonesia's 78th Independence Day in Astana.", date: "2023-10-09")
        #expect(a?.baseYear == 1945)
        #expect(a?.subject == "independence of Indonesia")
    }

    @Test func possessiveBeforeTheOrdinal() {
        let a = one("Guests also marked the Indonesian National Army's (TNI) 78th anniversary.", date: "2023-10-09")
        #expect(a?.baseYear == 1945)
        #expect(a?.kind == .founding)
    }

    @Test func monthAndYearBeforeThePhrase() {
        let a = one(
            "In December 2021, during celebrations of the 30th anniversary of Kazakhstan's Independence, a street named after the poet Abai was opened.",
            date: "2023-06-24")
        #expect(a?.year == 2021)
        #expect(a?.baseYear == 1991)
        #expect(a?.kind == .founding)
    }

    @Test func monthAndYearOfAPlannedCelebration() {
        let a = one(
            "The opening is planned for March 2023, as part of celebrations marking the 800th anniversary of Sultan Beibars.",
            date: "2022-12-03")
        #expect(a?.baseYear == 1223)
    }

    @Test func aYearOfSigningIsNotTheAnniversaryYear() {
        let a = one(
            "They noted the agreement signed in 2022 and the 30th anniversary of diplomatic relations between Kazakhstan and Qatar, which will be celebrated in 2023.",
            date: "2022-10-12")
        #expect(a?.baseYear == 1993)
    }

    @Test func itsIndependenceIsTheClausesCountry() {
        let a = one("Kazakhstan celebrates the 29th anniversary of its independence today.", date: "2020-12-16")
        #expect(a?.subject == "independence of Kazakhstan")
        #expect(a?.baseDate == Day(iso: "1991-12-16"))
    }

    @Test func theFirstNameAfterBirthOf() {
        let a = Fixtures.extract(
            "The country marks the 175th anniversary of the birth of Abai this year, and in 2019 celebrated the 750th anniversary of the Golden Horde.",
            date: "2020-03-01"
        ).anniversaries
        #expect(a.first { $0.ordinal == 175 }?.subject == "Abai")
        #expect(a.first { $0.ordinal == 750 }?.baseYear == 1269)
    }

    @Test func investmentTotalWithoutItsOwnPeriodIsAsOfPublication() {
        let f = stated(
            "In January-April 2021, trade with Egypt reached $23 million. Egypt's investments in Kazakhstan amounted to $2 million.",
            date: "2021-06-15")
        #expect(f.first { $0.amount == 2e6 }?.period.label == "..2021-06-15")
        #expect(f.first { $0.amount == 23e6 }?.period.label == "2021-01..2021-04")
    }

    @Test func anEarlierYearItWasCelebratedIn() {
        #expect(
            one(
                "The 100th anniversary of the birth of Dinmukhamed Kunayev was celebrated in 2012.", date: "2024-05-20")?
                .baseYear == 1912)
    }

    @Test func lastYearAfterThePhrase() {
        #expect(
            one(
                "She recalled that Kazakhstan and Uzbekistan marked 25 years of diplomatic relations last year.",
                date: "2018-05-02")?.baseYear == 1992)
    }

    @Test func ordinalsThatAreNoAnniversary() {
        for text in [
            "The 6th Consultative Meeting of the heads of state opened in Astana.",
            "They held the 11th meeting of the Intergovernmental Council.",
            "The 7th round of political consultations took place in Bucharest.",
            "He spoke at the 79th session of the UN General Assembly.",
        ] {
            #expect(Fixtures.extract(text, date: "2024-08-08").anniversaries.isEmpty, "\(text)")
        }
    }
}
