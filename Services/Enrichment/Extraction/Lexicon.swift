import AttacheModels

/// Word tables shared by the recognisers. Everything is lowercase.
enum Lexicon {
    static let classes: [String: WordClass] = {
        var table: [String: WordClass] = [:]
        func add(_ words: some Sequence<String>, _ c: WordClass) { for w in words { table[w, default: []].insert(c) } }
        add(months.keys, .month)
        add(cardinals.keys, .cardinal)
        add(ordinals.keys, .ordinal)
        add(
            [
                "this", "current", "last", "previous", "preceding", "prior", "past", "same", "year", "since", "so", "q",
                "h",
                "a", "one", "yoy", "y", "corresponding", "the", "over", "to", "years",
            ], .periodWord)
        add(currencyPrefix.keys, .currencyPrefix)
        add(["us", "u"], .currencyPrefix)
        add(upVerbs, .changeStart); add(downVerbs, .changeStart); add(upNouns, .changeStart);
        add(downNouns, .changeStart)
        add(multiplierWords.keys, .changeStart); add(foldWords.keys, .changeStart); add(cardinals.keys, .changeStart)
        add(multiplierAdverbs.keys, .changeStart)
        add(
            [
                "anniversary", "birthday", "jubilee", "centenary", "centennial", "bicentenary", "bicentennial",
                "sesquicentennial",
            ], .anniversaryStart)
        add(
            [
                "celebrate", "celebrates", "celebrated", "celebrating", "mark", "marks", "marked", "marking",
                "commemorate",
                "commemorates", "commemorated", "commemorating", "observe", "observes", "observing", "celebration",
            ], .anniversaryStart)
        add(cardinals.keys, .anniversaryStart)
        add(targetWords, .targetWords); add(factVerbs, .factVerbs); add(changeVerbsPast, .changeVerbsPast)
        add(modalWords, .modalWords); add(upVerbs, .upVerbs); add(downVerbs, .downVerbs); add(upNouns, .upNouns)
        add(downNouns, .downNouns); add(upComparatives, .upComparatives); add(downComparatives, .downComparatives)
        add(dealNouns, .dealNouns); add(targetNouns, .targetNouns); add(levelNouns, .levelNouns)
        add(physicalUnits, .physicalUnits); add(countNouns, .countNouns); add(targetVerbs, .targetVerbs)
        add(deadlineWords, .deadlineWords); add(changeAdjectives, .changeAdjectives); add(shareVerbs, .shareVerbs)
        add(regionPrepositions, .regionPrepositions); add(groupWords, .groupWords);
        add(investmentVerbs, .investmentVerbs)
        add(attachedOnlyScales, .attachedOnlyScales); add(tens, .tens); add(scales.keys, .scales)
        add(currencySuffix.keys, .currencySuffix); add(metricsByFirstWord.keys, .metricStart)
        add(qualifiersByFirstWord.keys, .qualifierFirst); add(qualifiersByLastWord.keys, .qualifierLast)
        add(multiplierWords.keys, .multiplier); add(multiplierAdverbs.keys, .multiplier);
        add(foldWords.keys, .multiplier)
        add(AnniversaryFinder.foundingVerbs, .foundingVerbs); add(AnniversaryFinder.celebrationVerbs, .celebrationVerbs)
        add(AnniversaryFinder.clauseStops, .clauseStops); add(AnniversaryFinder.agreementWords, .agreementWords)
        add(AnniversaryFinder.foundingWords, .foundingWords)
        add(clauseBreaks, .clauseBreaks); add(pronouns, .pronouns); add(Sentences.abbreviations, .abbreviation)
        add(regions.map { $0[0].lowercased() }, .regionStart)
        return table
    }()

    /// `classes` and the `WordID`s for the tokenizer's ASCII words.
    static let classTable = ByteClassTable(classes, ids: WordID.byText)

    static let months: WordTable<Int> = [
        "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
        "september": 9, "october": 10, "november": 11, "december": 12,
        "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
        "oct": 10, "nov": 11, "dec": 12,
    ]

    static let cardinals: WordTable<Int> = [
        "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
        "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
        "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
        "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
    ]

    static let ordinals: WordTable<Int> = [
        "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
        "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
        "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
        "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "sixtieth": 60, "seventieth": 70,
        "eightieth": 80, "ninetieth": 90, "hundredth": 100,
    ]

    static let tens: Set<String> = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]

    static let scales: WordTable<Double> = [
        "thousand": 1e3, "thousands": 1e3, "thsd": 1e3, "k": 1e3,
        "million": 1e6, "millions": 1e6, "mln": 1e6, "mn": 1e6, "m": 1e6, "mil": 1e6,
        "billion": 1e9, "billions": 1e9, "bln": 1e9, "bn": 1e9, "b": 1e9,
        "trillion": 1e12, "trln": 1e12, "tn": 1e12,
    ]
    /// Scale abbreviations only accepted when glued to the number (`$5m`, `$2bn`).
    static let attachedOnlyScales: Set<String> = ["k", "m", "b"]

    /// Currency words after the number (single words).
    static let currencySuffix: WordTable<String> = [
        "dollars": "USD", "dollar": "USD", "usd": "USD", "euros": "EUR", "euro": "EUR", "eur": "EUR",
        "tenge": "KZT", "kzt": "KZT", "rubles": "RUB", "roubles": "RUB", "ruble": "RUB", "rub": "RUB",
        "yuan": "CNY", "renminbi": "CNY", "cny": "CNY", "rmb": "CNY", "pounds": "GBP", "sterling": "GBP", "gbp": "GBP",
        "francs": "CHF", "chf": "CHF", "yen": "JPY", "jpy": "JPY", "lira": "TRY", "liras": "TRY", "try": "TRY",
        "rupees": "INR", "inr": "INR", "dirhams": "AED", "aed": "AED", "riyals": "SAR", "sar": "SAR",
        "som": "KGS", "soms": "KGS", "kgs": "KGS", "uzs": "UZS", "gbp.": "GBP",
    ]
    /// Currency marks before the number.
    static let currencyPrefix: WordTable<String> = [
        "$": "USD", "usd": "USD", "€": "EUR", "eur": "EUR", "£": "GBP", "gbp": "GBP", "₸": "KZT", "kzt": "KZT",
        "¥": "CNY", "cny": "CNY", "₽": "RUB", "rub": "RUB", "chf": "CHF", "₹": "INR",
    ]

    /// Qualifiers before an amount or a change, longest first.
    static let qualifiers: [([String], Qualifier)] = [
        (["in", "excess", "of"], .atLeast), (["no", "more", "than"], .atMost), (["no", "less", "than"], .atLeast),
        (["not", "exceeding"], .atMost), (["more", "than"], .atLeast), (["less", "than"], .atMost),
        (["at", "least"], .atLeast), (["at", "most"], .atMost), (["up", "to"], .atMost),
        (["close", "to"], .approximately),
        (["upwards", "of"], .atLeast), (["an", "estimated"], .approximately), (["just", "over"], .atLeast),
        (["just", "under"], .atMost), (["some"], .approximately),
        (["nearly"], .approximately), (["almost"], .approximately), (["about"], .approximately),
        (["around"], .approximately), (["approximately"], .approximately), (["approx"], .approximately),
        (["roughly"], .approximately), (["circa"], .approximately), (["estimated"], .approximately),
        (["over"], .atLeast), (["exceeding"], .atLeast), (["exceeded"], .atLeast), (["exceeds"], .atLeast),
        (["above"], .atLeast), (["under"], .atMost), (["below"], .atMost), (["nearly", "reaching"], .approximately),
        (["nearing"], .approximately), (["surpassing"], .atLeast), (["surpassed"], .atLeast), (["topping"], .atLeast),
    ]

    /// Qualifiers indexed by their last word.
    static let qualifiersByLastWord = WordTable<[([String], Qualifier)]>(
        Dictionary(grouping: qualifiers, by: { $0.0.last! }))
    /// Qualifiers indexed by their first word.
    static let qualifiersByFirstWord = WordTable<[([String], Qualifier)]>(
        Dictionary(grouping: qualifiers, by: { $0.0.first! }))
    /// Metric keywords indexed by their first word, longest first.
    static let metricsByFirstWord = WordTable<[([String], Metric)]>(
        Dictionary(grouping: metrics, by: { $0.0.first! }))

    /// Metric keywords, longest first.
    static let metrics: [([String], Metric)] = [
        (["foreign", "direct", "investments"], .fdiInflow), (["foreign", "direct", "investment"], .fdiInflow),
        (["direct", "investments"], .fdiInflow), (["direct", "investment"], .fdiInflow), (["fdi"], .fdiInflow),
        (["direct", "investors"], .fdiInflow),
        (["balance", "of", "trade"], .tradeBalance), (["trade", "balance"], .tradeBalance),
        (["trade", "surplus"], .tradeBalance), (["trade", "deficit"], .tradeBalance),
        (["surplus"], .tradeBalance), (["deficit"], .tradeBalance),
        (["trade", "turnover"], .tradeTurnover), (["commodity", "turnover"], .tradeTurnover),
        (["goods", "turnover"], .tradeTurnover), (["trade", "volume"], .tradeTurnover),
        (["volume", "of", "trade"], .tradeTurnover), (["turnover"], .tradeTurnover), (["trade"], .tradeTurnover),
        (["exports"], .exports), (["export"], .exports), (["exporters"], .exports), (["exported"], .exports),
        (["exporting"], .exports),
        (["imports"], .imports), (["import"], .imports), (["importers"], .imports), (["imported"], .imports),
        (["importing"], .imports),
        (["investments"], .investment), (["investment"], .investment), (["invested"], .investment),
        (["investing"], .investment), (["capital", "inflow"], .investment), (["traded"], .tradeTurnover),
    ]

    /// Verbs that make an amount an investment when `into` follows: `put $6 billion into the economy`.
    static let investmentVerbs: Set<String> = ["put", "poured", "pumped", "injected", "channelled", "channeled"]

    /// Regions and blocs: a figure whose metric phrase names one (`trade with the countries of
    /// Central Asia`, `trade among the CIS countries`) is not a bilateral figure. Case-sensitive
    /// on the text as written.
    static let regions: [[String]] = [
        ["Central", "Asia"], ["CA"], ["CIS"], ["EAEU"], ["Eurasian", "Economic", "Union"], ["ASEAN"],
        ["Middle", "East"],
        ["Southeast", "Asia"], ["South", "Caucasus"], ["Latin", "America"],
        ["Commonwealth", "of", "Independent", "States"],
        ["overall", "foreign"], ["total", "foreign"],
    ]
    /// Nouns for a region the text has named before: a metric tied to one (`imports from the
    /// region`, `trade with the region`) is not bilateral.
    static let regionNouns: Set<String> = ["region", "regions"]
    /// Prepositions that tie an amount to a region right after it (`240 million euros to Central Asia`).
    static let regionPrepositions: Set<String> = ["to", "from", "in", "with", "into"]
    /// Words right after a metric that make it the trade of a group (`trade among its members`).
    static let groupWords: Set<String> = ["among", "amongst"]
    /// Words that continue the previous sentence's metric (`it`, `this is`, `the figure`);
    /// growth and fall nouns do too (`the growth was 25%`).
    static let pronouns: Set<String> = ["it", "they", "this", "that", "figure", "indicator"]
    /// Words that open a new clause of a sentence (`…, while trade with France was …`).
    static let clauseBreaks: Set<String> = ["while", "whereas", "compared", "against", "versus"]
    /// Verbs before `up` that make a percentage a share, not a change (`make up around 95%`).
    static let shareVerbs: Set<String> = ["make", "makes", "made", "making"]
    /// Nouns after `the 2017` that make the year a comparison base (`4.8 times the 2017 level`).
    static let levelNouns: Set<String> = ["level", "levels", "figure", "figures", "volume", "mark"]

    /// The year a country became independent, for `over the years of independence`.
    static let independenceYear: [String: Int] = [
        "KZ": 1991, "UZ": 1991, "KG": 1991, "TJ": 1991, "TM": 1991, "AZ": 1991, "AM": 1991, "GE": 1991, "BY": 1991,
        "UA": 1991, "MD": 1991, "RU": 1991, "EE": 1991, "LV": 1991, "LT": 1991,
    ]

    /// Past-tense verbs that state a fact: the nearest of these before an amount outweighs an
    /// earlier target word (`they plan to raise trade, which came to $85 million in 2021`).
    static let factVerbs: Set<String> = [
        "reached", "amounted", "totalled", "totaled", "stood", "came", "obtained", "exceeded", "hit",
        "rose", "grew", "increased", "decreased", "fell", "registered", "recorded", "surpassed", "crossed", "climbed",
        "accounted", "invested", "attracted", "received",
    ]
    /// Past-tense change verbs: `to reach` after one of these is the change's result, not a target.
    static let changeVerbsPast: Set<String> = [
        "increased", "grew", "rose", "jumped", "climbed", "surged", "doubled", "tripled", "expanded", "decreased",
        "fell",
        "declined", "dropped",
    ]
    /// Words before a fact verb that turn it back into a plan: `will have reached`.
    static let modalWords: Set<String> = ["will", "would", "could", "should", "might", "may", "to", "shall"]

    /// Physical units: a stated change in a sentence that counts these and names no money is a
    /// change in volume, not in value (`oil imports rose by 40 percent` of tonnes).
    static let physicalUnits: Set<String> = [
        "tons", "tonnes", "ton", "tonne", "barrels", "containers", "cubic", "teu", "wagons", "passengers", "flights",
        "tourists",
    ]

    /// Adjectives that may stand between `up`/`rose` and the percentage: `up a remarkable 328%`.
    static let changeAdjectives: Set<String> = [
        "remarkable", "impressive", "significant", "solid", "whopping", "staggering", "modest", "notable", "sharp",
        "robust",
        "strong", "healthy", "record", "further", "substantial",
    ]

    /// Words that make an amount a target or forecast when they come before it in its sentence.
    static let targetWords: Set<String> = [
        "target", "targets", "targeted", "aim", "aims", "aimed", "aiming", "goal", "goals", "plan", "plans", "planned",
        "planning", "expect", "expects", "expected", "forecast", "forecasts", "forecasted", "projected", "projection",
        "will", "would", "could", "should", "might", "intend", "intends", "intended", "potential", "envisage",
        "envisages", "envisaged", "seek", "seeks", "hope", "hopes", "ambition", "objective", "estimate", "predicted",
        "predicts", "anticipated", "anticipate", "pledged", "pledge", "promised", "promise", "set",
        "prepared", "ready", "tasked", "raising", "lifting", "boosting", "can", "must",
    ]
    /// Nouns right after an amount that make it a target: `$10bln is the goal`, `the $1bn threshold`.
    static let targetNouns: Set<String> = ["goal", "target", "threshold", "objective", "aim", "ambition"]
    /// Nouns right after an amount that make it the value of a deal, not a statistic:
    /// `a $6.1 billion investment cooperation agreement`, `36 documents worth $6.3 billion`.
    static let dealNouns: Set<String> = [
        "agreement", "agreements", "contract", "contracts", "deal", "deals", "memorandum", "memoranda", "documents",
        "package", "loan", "grant", "credit", "tender", "order", "orders", "project", "projects",
    ]
    /// Words between an ordinal and `anniversary` that say what is commemorated, with the kind
    /// they make it: `the 30th independence anniversary`, `the 175th birth anniversary`.
    static let anniversaryModifiers: WordTable<AnniversaryKind> = [
        "independence": .founding, "birth": .birth, "founding": .founding, "foundation": .founding, "jubilee": .other,
    ]
    /// Weekday names, Monday = 1 (ISO 8601), for `On Thursday we marked …`.
    static let weekdays: WordTable<Int> = [
        "monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5, "saturday": 6, "sunday": 7,
    ]

    /// The largest amount taken as money (100 trillion): anything larger is a parsing accident.
    static let maxAmount = 1e14
    /// `to` + one of these before an amount marks a target ("to reach $1 billion").
    static let targetVerbs: Set<String> = [
        "reach", "bring", "increase", "raise", "boost", "double", "triple", "grow", "expand", "achieve", "hit",
        "exceed",
        "lift", "take", "push",
    ]
    /// Words right after an amount that put it before a deadline in the future (`$35 billion by
    /// 2030`): a target.
    static let deadlineWords: Set<String> = ["by", "until", "till"]

    static let upVerbs: Set<String> = [
        "increased", "increase", "increases", "increasing", "grew", "grow", "grows", "growing", "grown", "rose", "rise",
        "rises", "rising", "risen", "climbed", "climb", "jumped", "surged", "soared", "expanded", "gained", "added",
        "advanced", "went", "up", "boosted", "spiked",
    ]
    static let downVerbs: Set<String> = [
        "decreased", "decrease", "decreases", "decreasing", "fell", "fall", "falls", "falling", "fallen", "declined",
        "decline", "declines", "declining", "dropped", "drop", "drops", "shrank", "shrunk", "shrink", "contracted",
        "slumped", "slid", "plunged", "plummeted", "reduced", "down", "sank", "dipped",
    ]
    static let upComparatives: Set<String> = ["higher", "more", "up", "greater", "larger", "above", "bigger"]
    static let downComparatives: Set<String> = ["lower", "less", "down", "smaller", "below", "fewer"]
    static let upNouns: Set<String> = ["increase", "growth", "rise", "gain", "jump", "surge", "upturn", "expansion"]
    static let downNouns: Set<String> = [
        "decrease", "decline", "drop", "fall", "reduction", "contraction", "slump", "dip",
    ]
    static let multiplierWords: WordTable<Double> = [
        "doubled": 2, "doubling": 2, "tripled": 3, "trebled": 3, "tripling": 3, "quadrupled": 4, "halved": 0.5,
    ]
    /// Multipliers written as adverbs: `increased twice`, `more than twice the 2017 level`.
    static let multiplierAdverbs: WordTable<Double> = ["twice": 2, "thrice": 3]
    static let foldWords: WordTable<Double> = [
        "twofold": 2, "threefold": 3, "fourfold": 4, "fivefold": 5, "sixfold": 6, "sevenfold": 7, "eightfold": 8,
        "ninefold": 9, "tenfold": 10,
    ]

    /// Nouns after a bare number that make it a count, not money.
    static let countNouns: Set<String> = [
        "enterprises", "companies", "people", "tons", "tonnes", "barrels", "passengers", "tourists", "jobs", "flights",
        "units", "projects", "students", "cubic", "hectares", "vehicles", "cars", "visitors", "employees", "firms",
        "square", "kilometers", "kilometres", "km", "litres", "liters", "heads", "pieces", "items", "doses",
    ]
}
