import TrackerModel

/// Money and counts in English and German news text: "$6.6bn", "US$2 billion",
/// "8 bis 10 Milliarden US-Dollar", "€1,5 Mrd.", "10 Mrd. €", "up to $4 billion",
/// "350,000 H100 GPUs", "350.000 H100-Grafikprozessoren". Scale words, currencies and
/// units come from `Rules/lexicon`; the number format follows the language
/// ("350.000" is 350000 in German, "6.6" is 6.6 everywhere).
struct AmountReader {
    struct Found<T> {
        var value: T
        /// Byte range in the sentence.
        var start: Int
        var end: Int
        /// Preceded by valuation words ("at a valuation of"): not the sum that changes hands.
        var isValuation = false
        /// A difference or a yardstick ("$640 million less than the $8.5bn agreed"): not the sum either.
        var isComparison = false
        /// A price per share or unit ("at $23.28 per share"): not the sum either.
        var isUnitPrice = false
        /// Told as a profit, loss or charge ("der operative Gewinn stieg auf 9,21 Billionen Won"),
        /// not as revenue: a results event takes it only when the sentence names no revenue.
        var isProfit = false
    }

    /// A sentence cut into numbers, words and symbols, shared by the money and count readers.
    struct Tokenized {
        fileprivate var bytes: [UInt8]
        fileprivate var tokens: [Token]
    }

    func tokenize(_ sentence: String) -> Tokenized { tokenize(Array(sentence.utf8)) }

    func tokenize(_ sentence: [UInt8]) -> Tokenized { Tokenized(bytes: sentence, tokens: tokens(sentence)) }

    fileprivate struct Token {
        enum Kind { case number, word, symbol }
        var kind: Kind
        var start: Int
        var end: Int
        var folded: String
        /// Whitespace directly before the token.
        var spaced: Bool
        /// The folded word without an abbreviation's full stop ("mrd." → "mrd").
        var bare: String { folded.hasSuffix(".") ? String(folded.dropLast()) : folded }
    }

    let scalesByLanguage: [String: [String: Double]]
    let symbols: [(String, String)]            // symbol -> currency code, longest first
    let symbolBytes: [([UInt8], String)]
    /// Currency words as folded word sequences ("us dollar"), longest first, keyed by their
    /// first word: a number is followed by few candidates.
    let currencyWordsByFirst: [String: [CurrencyWord]]
    struct CurrencyWord {
        var words: [String]
        var code: String
        /// "9.1 trillion won" is money, "in 2024 won a contract" is not: such words count only
        /// after a scale word.
        var afterScaleOnly: Bool
    }
    let units: Set<String>
    /// Hashes of every language's scale words ("milliarden", "bn"), for `mayHoldMoney`.
    let scaleWordHashes: Set<UInt64>

    init(lexicon: Lexicon, unitWords: [String]) {
        var s: [String: [String: Double]] = [:]
        for (lang, table) in lexicon.scales {
            for (word, factor) in table {
                let f = String(decoding: FoldedText.fold(word), as: UTF8.self)
                s[lang, default: [:]][f.hasSuffix(".") ? String(f.dropLast()) : f] = factor
            }
        }
        for (lang, table) in s where lang != "de" && lang != "en" {
            s[lang] = table.merging(s["en"] ?? [:]) { own, _ in own }
        }
        scalesByLanguage = s
        var sym: [(String, String)] = []
        var words: [CurrencyWord] = []
        func folded(_ w: String) -> [String] { String(decoding: FoldedText.fold(w), as: UTF8.self).split(separator: " ").map(String.init) }
        for c in lexicon.currencies {
            for x in c.symbols { sym.append((x, c.code)) }
            for w in c.words { words.append(CurrencyWord(words: folded(w), code: c.code, afterScaleOnly: false)) }
            for w in c.scaledWords { words.append(CurrencyWord(words: folded(w), code: c.code, afterScaleOnly: true)) }
            words.append(CurrencyWord(words: [c.code.lowercased()], code: c.code, afterScaleOnly: false))
        }
        symbols = sym.sorted { $0.0.utf8.count > $1.0.utf8.count }
        symbolBytes = symbols.map { (Array($0.0.utf8), $0.1) }
        var byFirst: [String: [CurrencyWord]] = [:]
        for entry in words.sorted(by: { $0.words.count > $1.words.count }) where !entry.words.isEmpty { byFirst[entry.words[0], default: []].append(entry) }
        currencyWordsByFirst = byFirst
        units = Set(unitWords.map { String(decoding: FoldedText.fold($0), as: UTF8.self) })
        scaleWordHashes = Set(s.values.flatMap(\.keys).map { Self.wordHash($0.utf8) })
    }

    /// FNV-1a over a word's ASCII letters, lower-cased; `mayHoldMoney` hashes the text's words
    /// the same way, one letter at a time.
    private static let fnvOffset: UInt64 = 0xcbf2_9ce4_8422_2325
    @inline(__always) private static func fnvStep(_ h: UInt64, _ letter: UInt8) -> UInt64 { (h ^ UInt64(letter | 0x20)) &* 0x100_0000_01b3 }
    private static func wordHash<S: Sequence<UInt8>>(_ word: S) -> UInt64 { word.reduce(fnvOffset, fnvStep) }

    /// Whether a sentence can hold money at all: it has a digit, or a scale word that a spelled
    /// number may precede ("zwei Milliarden Euro"). Most trigger sentences name no figure, and
    /// this is much cheaper than tokenizing them. (A hash collision only costs the full read.)
    func mayHoldMoney(_ b: ArraySlice<UInt8>) -> Bool {
        var h = Self.fnvOffset
        var inWord = false
        for c in b {
            if c >= 0x30 && c <= 0x39 { return true }
            if Self.isLetter(c) {
                h = Self.fnvStep(h, c)
                inWord = true
            } else if inWord {
                if scaleWordHashes.contains(h) { return true }
                h = Self.fnvOffset
                inWord = false
            }
        }
        return inWord && scaleWordHashes.contains(h)
    }

    /// Whether a word is a scale or a currency word ("Milliarden", "Dollar"): never a company's
    /// name ("investieren Cloudanbieter Milliarden in …").
    func isMoneyWord(_ word: String) -> Bool {
        let f = String(decoding: FoldedText.fold(word), as: UTF8.self)
        let bare = f.hasSuffix(".") ? String(f.dropLast()) : f
        return scalesByLanguage.values.contains { $0[bare] != nil } || currencyWordsByFirst[bare] != nil
    }

    private static func isLetter(_ c: UInt8) -> Bool { (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A }

    private func tokens(_ b: [UInt8]) -> [Token] {
        var tokens: [Token] = []
        var i = 0
        var spaced = true
        while i < b.count {
            let c = b[i]
            if c == 0x20 || c == 0x0A || c == 0x09 { spaced = true; i += 1; continue }
            if c == 0xC2 && i + 1 < b.count && b[i + 1] == 0xA0 { spaced = true; i += 2; continue }
            let start = i
            var kind = Token.Kind.symbol
            if c >= 0x30 && c <= 0x39 {
                kind = .number
                while i < b.count {
                    let d = b[i]
                    if d >= 0x30 && d <= 0x39 { i += 1; continue }
                    if (d == 0x2E || d == 0x2C) && i + 1 < b.count && b[i + 1] >= 0x30 && b[i + 1] <= 0x39 { i += 1; continue }
                    break
                }
            } else if Self.isLetter(c) || (c >= 0xC3 && c <= 0xC5) {
                kind = .word
                while i < b.count {
                    let d = b[i]
                    if Self.isLetter(d) || (d >= 0x30 && d <= 0x39) { i += 1; continue }
                    if d >= 0xC3 && d <= 0xC5 && i + 1 < b.count { i += 2; continue }
                    if d >= 0x80 && d < 0xC0 { i += 1; continue }
                    break
                }
                if i < b.count && b[i] == 0x2E { i += 1 }  // "Mrd.", "Mio."
            } else {
                // One symbol: a whole UTF-8 sequence (€, £, –) or one ASCII byte.
                i += c < 0x80 ? 1 : (c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2)
                i = min(i, b.count)
            }
            let folded: String
            if kind == .word && b[start..<i].contains(where: { $0 >= 0x80 }) {
                folded = String(decoding: FoldedText.fold(String(decoding: b[start..<i], as: UTF8.self)), as: UTF8.self)
            } else if kind == .word {
                folded = String(unsafeUninitializedCapacity: i - start) { out in
                    for k in start..<i { out[k - start] = FoldedText.asciiLower(b[k]) }
                    return i - start
                }
            } else {
                folded = String(decoding: b[start..<i], as: UTF8.self)
            }
            tokens.append(Token(kind: kind, start: start, end: i, folded: folded, spaced: spaced))
            spaced = false
        }
        return tokens
    }

    /// The value of a figure token ("350.000", "6,6", "1,234.5"). A separator followed by exactly
    /// three digits groups thousands in the language's style; any other separator is the
    /// decimal point. Works on the token's bytes; only the normalised digits become a String.
    private func number(_ t: Token, _ b: [UInt8], language: String) -> Double? {
        let digits = b[t.start..<t.end]
        let group: UInt8 = language == "de" ? 0x2E : 0x2C
        let decimal: UInt8 = group == 0x2E ? 0x2C : 0x2E
        var separators = 0, firstSeparator: UInt8 = 0, lastSeparator: UInt8 = 0, lastSeparatorAt = -1
        var firstPart = 0, run = 0
        for (k, c) in zip(digits.indices, digits) {
            if c >= 0x30 && c <= 0x39 { run += 1; continue }
            if separators == 0 { firstPart = run; firstSeparator = c }
            separators += 1
            lastSeparator = c
            lastSeparatorAt = k
            run = 0
        }
        let lastPart = run
        /// The digits read with the separator at `point` (if any) as the decimal point.
        func value(point: Int?) -> Double? {
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: digits.count) { buf in
                var n = 0
                for (k, c) in zip(digits.indices, digits) {
                    if c >= 0x30 && c <= 0x39 { buf[n] = c; n += 1 } else if k == point { buf[n] = 0x2E; n += 1 }
                }
                return Double(String(decoding: UnsafeBufferPointer(rebasing: buf[..<n]), as: UTF8.self))
            }
        }
        if separators == 0 { return value(point: nil) }
        if separators > 1 || (firstSeparator == group && lastPart == 3) {
            // "350.000" (de) / "350,000" (en) / "1.234.567": all but a final decimal part are groups.
            return value(point: lastSeparator == decimal ? lastSeparatorAt : nil)
        }
        if lastPart == 3 && firstPart <= 3 && firstSeparator != group && language != "de" && language != "en" {
            return value(point: nil)
        }
        return value(point: lastSeparatorAt)
    }

    /// Scale words of a language ("Milliarden", "bn"); languages other than German also
    /// understand the English ones.
    private func scaleTable(_ language: String) -> [String: Double] {
        scalesByLanguage[language] ?? scalesByLanguage["en"] ?? [:]
    }

    private func scale(_ t: Token?, _ table: [String: Double]) -> Double? {
        guard let t, t.kind == .word else { return nil }
        return table[t.bare]
    }

    private func symbolCurrency(_ tokens: [Token], _ i: Int, _ b: [UInt8]) -> (code: String, first: Int)? {
        // Symbols such as "US$", "NT$", "€": match the text ending at token i.
        guard i >= 0, tokens[i].kind == .symbol || tokens[i].kind == .word else { return nil }
        let end = tokens[i].end
        for (sb, code) in symbolBytes {
            guard end - sb.count >= 0, b[(end - sb.count)..<end].elementsEqual(sb) else { continue }
            var first = i
            while first > 0 && tokens[first].start > end - sb.count { first -= 1 }
            return (code, first)
        }
        return nil
    }

    private func wordCurrency(_ tokens: [Token], at i: Int, scaled: Bool = false) -> (code: String, end: Int)? {
        var best: (String, Int)?
        guard i < tokens.count else { return nil }
        let first = tokens[i].bare
        for entry in currencyWordsByFirst[first] ?? [] where scaled || !entry.afterScaleOnly {
            let words = entry.words, code = entry.code
            var k = i, matched = 0
            while matched < words.count && k < tokens.count {
                if tokens[k].folded == "-" { k += 1; continue }
                let w = tokens[k].bare
                guard w == words[matched] else { break }
                matched += 1
                k += 1
            }
            if matched == words.count { best = (code, k); break }
        }
        if best == nil, i < tokens.count, tokens[i].kind == .symbol {
            for (sym, code) in symbols where tokens[i].folded == sym { return (code, i + 1) }
        }
        return best
    }

    /// Numbers journalists spell out before "billion"/"Milliarden".
    static let numberWords: [String: Double] = [
        "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
        "eleven": 11, "twelve": 12, "twenty": 20, "a": 1, "an": 1,
        "ein": 1, "eine": 1, "einer": 1, "einem": 1, "zwei": 2, "drei": 3, "vier": 4, "funf": 5, "sechs": 6, "sieben": 7,
        "acht": 8, "neun": 9, "zehn": 10, "elf": 11, "zwolf": 12, "zwanzig": 20,
    ]

    /// Words that make a number something other than a count of chips ("6 gigawatts of GPUs").
    static let notChipCounts: Set<String> = [
        "%", "percent", "prozent", "gigawatt", "gigawatts", "gw", "megawatt", "megawatts", "mw", "kilowatt", "exaflops", "petaflops",
        "years", "jahre", "jahren", "months", "monate", "monaten", "quarters", "weeks", "wochen", "nm", "nanometer", "gb", "tb",
    ]

    /// "$640 million less than …", "… than the $8.5bn": differences and yardsticks.
    static let comparatives: Set<String> = ["less", "more", "lower", "higher", "fewer", "weniger", "mehr", "niedriger", "hoher"]
    static let than: Set<String> = ["than", "als"]
    static let articles: Set<String> = ["the", "a", "an", "die", "der", "den", "dem", "das"]
    /// "9,6 Milliarden Dollar, plus oder minus 300 Millionen Dollar": a range around the first.
    /// Lower-cased, without spaces, as `joiningPlusMinus` compares them.
    static let plusMinus: [[UInt8]] = ["plusorminus", "plusoderminus", "plus/minus", "±", "+/-"].map { Array($0.utf8) }

    /// "8-10", "8 to 10", "8 bis 10", "between 8 and 10".
    static let rangeDashes = ["-", "–", "to", "bis"]
    static let rangeAnds = ["and", "und"]
    static let rangeWords = rangeDashes + rangeAnds
    /// "a $500 billion valuation".
    static let valuationAfter = ["valuation", "bewertung", "market"]
    static let upTo: [[String]] = [["up", "to"], ["bis", "zu"], ["as", "much", "as"], ["hochstens"], ["maximal"], ["no", "more", "than"]]
    static let atLeast: [[String]] = [["more", "than"], ["over"], ["mehr", "als"], ["at", "least"], ["mindestens"], ["upwards", "of"],
                                      ["in", "excess", "of"], ["north", "of"], ["exceed"], ["exceeding"]]
    /// Words before a figure that make it what a company is worth. German "im Wert von" and
    /// English "a value of" name what a deal is worth, so "wert" and "value" are not here.
    static let valuationWords: Set<String> = ["valuation", "valued", "valuing", "values", "bewertung", "bewertet", "borsenwert", "marktwert",
                                              "firmenwert", "unternehmenswert"]
    static let marketWorth: Set<String> = ["value", "valuation", "cap", "capitalization", "capitalisation", "worth"]
    static let raiseVerbs: [[String]] = [["raise"], ["raising"], ["raised"], ["raises"], ["einsammeln"], ["einzusammeln"]]
    static let percent: Set<String> = ["%", "percent", "per", "prozent"]
    static let basisPoints: Set<String> = ["basispunkte", "basis", "bp", "bps"]
    /// "at $23.28 per share", "je Aktie", "pro Stück".
    static let perUnit: Set<String> = ["per", "a", "je", "pro"]
    /// "vom Typ GB300", "of the type MI450": the product a generic chip count is.
    static let typeWords: Set<String> = ["typ", "typs", "type", "modell", "model"]
    /// Words that end a partitive's reach: other things counted, or a new phrase ("to", "for").
    static let notInAPartitive: Set<String> = ["shares", "stock", "employees", "staff", "people", "jobs", "workers", "customers",
                                               "to", "for", "and", "in", "from", "with", "at", "by"]
    static let priceUnits: Set<String> = ["share", "aktie", "stammaktie", "vorzugsaktie", "unit", "stuck", "chip", "gpu", "hour", "stunde"]
    /// Words for revenue (false) and for profit (true); German ones also end compounds
    /// ("Quartalsumsatz", "Nettogewinn").
    static let revenueOrProfit: [String: Bool] = [
        "revenue": false, "revenues": false, "sales": false, "turnover": false, "umsatz": false, "umsatze": false, "erlos": false,
        "erlose": false, "einnahmen": false,
        "profit": true, "profits": true, "income": true, "earnings": true, "ebit": true, "ebitda": true, "loss": true, "losses": true,
        "charge": true, "charges": true, "cashflow": true, "margin": true, "gewinn": true, "uberschuss": true, "verlust": true,
        "abschreibung": true, "abschreibungen": true, "belastung": true, "marge": true,
    ]
    static let compoundEnds: [(String, Bool)] = [("umsatz", false), ("erlos", false), ("gewinn", true), ("verlust", true), ("uberschuss", true)]

    static func profitOrRevenue(_ word: String) -> Bool? {
        if let kind = revenueOrProfit[word] { return kind }
        guard word.utf8.count > 7 else { return nil }
        return compoundEnds.first { word.hasSuffix($0.0) }?.1
    }
    /// Analysts and their consensus ("analysts'", "Analystenschätzungen", "LSEG SmartEstimate").
    /// Not "estimated" or "Schätzungen" alone: companies estimate their own figures ("Samsung
    /// estimated its operating profit at …", "nach vorläufigen Schätzungen").
    static func namesAnEstimate(_ word: String) -> Bool {
        word.hasPrefix("analyst") || word.hasPrefix("konsens") || word == "consensus" || word == "estimate" || word.hasSuffix("smartestimate")
    }

    /// "a deal valued at $49 billion": the price of the deal, not a company's valuation.
    static let dealNouns: Set<String> = ["deal", "contract", "agreement", "transaction", "order", "purchase", "acquisition", "takeover",
                                         "vertrag", "auftrag", "transaktion", "vereinbarung", "ubernahme", "kauf"]

    /// Whether one of `phrases` ends right before token `i`, after any of `skipping` ("rund", "gut").
    private func precededBy(_ tokens: [Token], _ i: Int, _ phrases: [[String]], skipping: Set<String> = []) -> Bool {
        var i = i
        while i > 0, skipping.contains(tokens[i - 1].folded) { i -= 1 }
        for p in phrases where i - p.count >= 0 {
            if zip(tokens[(i - p.count)..<i], p).allSatisfy({ $0.folded == $1 }) { return true }
        }
        return false
    }

    /// Whether one of `phrases` starts at token `j` ("or more" after a figure).
    private func followedBy(_ tokens: [Token], _ j: Int, _ phrases: [[String]]) -> Bool {
        phrases.contains { p in j + p.count <= tokens.count && zip(tokens[j..<(j + p.count)], p).allSatisfy { $0.bare == $1 } }
    }

    /// "$1 billion or more", "eine Milliarde oder mehr": the figure is a lower bound.
    static let orMore: [[String]] = [["or", "more"], ["or", "higher"], ["or", "above"], ["oder", "mehr"], ["und", "mehr"]]
    /// Words that introduce the figure a change starts from (folded).
    static let changeFrom: [[String]] = [["up", "from"], ["down", "from"], ["compared", "with"], ["compared", "to"], ["versus"], ["vs."],
                                         ["gegenuber"], ["verglichen", "mit"], ["nach", "zuvor"],
                                         // "down 21.6% from its previous forecast of 727 billion yen"
                                         ["previous", "forecast", "of"], ["prior", "forecast", "of"], ["earlier", "forecast", "of"],
                                         ["previous", "guidance", "of"], ["prior", "guidance", "of"], ["previous", "outlook", "of"],
                                         ["bisherigen", "prognose", "von"], ["vorherigen", "prognose", "von"], ["bisher", "erwarteten"]]
    /// Words that introduce a figure converted into another currency.
    static let conversionWords: [[String]] = [["umgerechnet"], ["equivalent", "to"], ["equivalent", "of"], ["converted", "to"]]
    /// Words that introduce it when a past period follows the figure ("nach … im Vorjahr").
    static let fromWords: [[String]] = [["nach"], ["from"]]
    /// Hedges between such a word and its figure: "nach gut vier Milliarden", "up from about $1.9 billion".
    static let hedgesBeforeFigures: Set<String> = ["about", "around", "roughly", "nearly", "almost", "some", "rund", "gut", "knapp", "etwa", "fast", "ungefahr", "$", "us$", "€"]
    /// A period before the news: "nach … im Vorjahr", "from $228.9 million a year earlier".
    static let pastPeriods: Set<String> = ["vorjahr", "vorjahres", "vorjahresquartal", "vorjahreszeitraum", "year", "earlier", "ago", "previously", "zuvor"]

    func amounts(in sentence: String, language: String) -> [Found<Money>] {
        amounts(in: tokenize(sentence), language: language)
    }

    func amounts(in t: Tokenized, language: String) -> [Found<Money>] {
        let b = t.bytes
        let tokens = t.tokens
        let scales = scaleTable(language)
        var found: [Found<Money>] = []
        var i = 0
        // Tokens before this one belong to an amount already read: "für 14,3 Milliarden Dollar 49
        // Prozent" has no "Dollar 49".
        var taken = 0
        while i < tokens.count {
            // A figure, or a number word before a scale ("zehn Milliarden Euro", "two billion dollars").
            // Also the first end of a spelled range: "zwischen fünf und sieben Milliarden Yuan".
            func spelledBeforeScale(_ k: Int) -> Bool {
                tokens[k].kind == .word && k + 1 < tokens.count && scale(tokens[k + 1], scales) != nil && Self.numberWords[tokens[k].bare] != nil
            }
            let spelled = tokens[i].kind == .word && i + 1 < tokens.count
                && (scale(tokens[i + 1], scales) != nil || (i + 2 < tokens.count && Self.rangeWords.contains(tokens[i + 1].folded) && spelledBeforeScale(i + 2)))
                ? Self.numberWords[tokens[i].bare] : nil
            guard tokens[i].kind == .number || spelled != nil, let v1 = spelled ?? number(tokens[i], b, language: language) else { i += 1; continue }
            var j = i + 1
            var v2: Double?
            // Range: "8-10", "8 bis 10", "8 to 10", "between 8 and 10", "$8bn-$10bn" is rare and not handled.
            if j + 1 < tokens.count, Self.rangeWords.contains(tokens[j].folded) {
                var k = j + 1
                if tokens[k].kind == .symbol, symbolCurrency(tokens, k, b) != nil { k += 1 }
                if k < tokens.count, let v = tokens[k].kind == .number ? number(tokens[k], b, language: language)
                                                 : spelled != nil && spelledBeforeScale(k) ? Self.numberWords[tokens[k].bare] : nil {
                    v2 = v
                    j = k + 1
                }
            }
            var factor = 1.0
            if let f = scale(j < tokens.count ? tokens[j] : nil, scales) { factor = f; j += 1 }
            var code: String?
            var first = i
            if i > taken, let sc = symbolCurrency(tokens, i - 1, b), sc.first >= taken { code = sc.code; first = sc.first }
            else if i > taken, tokens[i - 1].kind == .word, let wc = wordCurrency(tokens, at: i - 1), wc.end == i { code = wc.code; first = i - 1 }  // "USD 5bn"
            if j < tokens.count, let wc = wordCurrency(tokens, at: j, scaled: factor != 1) { code = code ?? wc.code; j = wc.end }
            // "6.7 billion to 7.3 billion euros": a range may name its currency once, after its second end.
            if code == nil { code = currencyAfterRange(tokens, from: j, first: first, b, language: language, scales: scales) }
            // "6.6 billion" after "$" is common; "10 Mrd. €" puts the symbol last.
            guard let code else { i = max(i + 1, j); continue }
            var lo: Double? = v1 * factor
            var hi: Double? = (v2 ?? v1) * factor
            // "$38 billion to $42 billion", "between $25.0 billion and $25.8 billion",
            // "zwischen 30 Milliarden und 35 Milliarden Euro": the second end has its own scale.
            if v2 == nil, j + 1 < tokens.count {
                let connector = tokens[j].folded
                let between = precededBy(tokens, first, [["between"], ["zwischen"]])
                if Self.rangeDashes.contains(connector) || (between && Self.rangeAnds.contains(connector)) {
                    var k = j + 1
                    // Skip a repeated currency sign ("$", "US$", "€") before the second number.
                    while k < tokens.count, k <= j + 2, tokens[k].kind == .symbol || tokens[k].folded == "us" { k += 1 }
                    if k < tokens.count, tokens[k].kind == .number, let v = number(tokens[k], b, language: language) {
                        var f2 = factor
                        var m = k + 1
                        if let f = scale(m < tokens.count ? tokens[m] : nil, scales) { f2 = f; m += 1 }
                        if m < tokens.count, let wc = wordCurrency(tokens, at: m, scaled: f2 != 1), wc.code == code { m = wc.end }
                        if v * f2 >= v1 * factor {
                            hi = v * f2
                            j = m
                        }
                    }
                }
            }
            // "rund 7,4 Milliarden Dollar an, plus oder minus 300 Millionen": the margin without its
            // currency (with one, `joiningPlusMinus` joins the two amounts).
            if lo == hi, let (delta, end) = marginWithoutCurrency(tokens, from: j, b, language: language, scales: scales), let mid = lo, delta < mid {
                lo = mid - delta
                hi = mid + delta
                j = end
            }
            if lo == hi {
                if precededBy(tokens, first, Self.upTo) { lo = nil }
                else if precededBy(tokens, first, Self.atLeast) || followedBy(tokens, j, Self.orMore) { hi = nil }
            }
            // The words before the figure in its clause, back to a comma or another figure (a
            // percentage is no stop: "Net profit jumped 57% to T$374.68 billion").
            var contextStart = first
            while contextStart > max(0, first - 12), tokens[contextStart - 1].folded != ",", tokens[contextStart - 1].folded != ";",
                  tokens[contextStart - 1].kind != .number || Self.percent.contains(tokens[contextStart].bare) { contextStart -= 1 }
            let context = tokens[contextStart..<first]
            // "at a valuation of $157 billion", "Die Bewertung nach der Finanzierung (post-money) liegt
            // bei 11,7 Milliarden Euro" or "at a $500 billion valuation".
            // "would put xAI's value at about $24 billion": a value *at* a figure is a valuation.
            // "a market value of", "market cap": a market's worth is one; "to list on the STAR Market
            // … to raise about 4 billion yuan" is not.
            let valueAt = zip(context, context.dropFirst()).contains {
                ($0.bare == "value" && $1.bare == "at") || ($0.bare == "market" && Self.marketWorth.contains($1.bare))
            }
            // A figure right after a verb of raising is the sum raised, whatever came before it.
            let raised = precededBy(tokens, first, Self.raiseVerbs, skipping: Self.hedgesBeforeFigures)
            let valuation = ((context.contains { Self.valuationWords.contains($0.folded) } || valueAt) && !raised && !context.contains { Self.dealNouns.contains($0.folded) })
                || (j < tokens.count && Self.valuationAfter.contains(tokens[j].bare))
            // "per share", "per common share", "je Stammaktie", "apiece".
            let unitPrice = (j < tokens.count && tokens[j].bare == "apiece") || (j + 1 < tokens.count && Self.perUnit.contains(tokens[j].bare)
                && (Self.priceUnits.contains(tokens[j + 1].bare)
                    || (tokens[j].bare != "a" && j + 2 < tokens.count && Self.priceUnits.contains(tokens[j + 2].bare))))
            // The nearest of "revenue"/"Umsatz" or "profit"/"Gewinn" before the figure says which it is.
            var profit = false
            for t in context.reversed() where t.kind == .word {
                if let isProfit = Self.profitOrRevenue(t.bare) { profit = isProfit; break }
            }
            // "9.1 trillion won ($6.78 billion)", "35,04 Milliarden Taiwan-Dollar (rund 990 Millionen
            // Euro)": the bracket converts the figure before it.
            let bracket = first > 0 && tokens[first - 1].folded == "(" ? first - 1
                : first > 1 && tokens[first - 2].folded == "(" && Self.hedgesBeforeFigures.contains(tokens[first - 1].bare) ? first - 2 : nil
            // "369,2 Milliarden Yen, umgerechnet rund 2,3 Milliarden Euro", "€1.5bn (the equivalent of
            // $1.6bn)": so does a conversion word right after the figure.
            let converts = bracket.map { b in found.last.map { $0.end + 2 >= tokens[b].start } == true } ?? false
                || (precededBy(tokens, first, Self.conversionWords, skipping: Self.hedgesBeforeFigures)
                    && found.last.map { $0.end >= tokens[max(0, first - 6)].start } == true)
            // "more than the $X …", and the figure a change starts from: "up from $1.9 billion a
            // year ago", "nach gut vier Milliarden im Vorjahr", "compared with $X".
            let comparison = (j + 1 < tokens.count && Self.comparatives.contains(tokens[j].bare) && Self.than.contains(tokens[j + 1].bare))
                || (first >= 2 && Self.than.contains(tokens[first - 2].bare) && Self.articles.contains(tokens[first - 1].bare))
                || precededBy(tokens, first, Self.changeFrom, skipping: Self.hedgesBeforeFigures)
                || (precededBy(tokens, first, Self.fromWords, skipping: Self.hedgesBeforeFigures)
                    && tokens[j..<min(tokens.count, j + 7)].prefix { $0.folded != "," }.contains { Self.pastPeriods.contains($0.bare) })
            // What analysts expected is a yardstick, not the company's figure: "Analysten hatten im
            // Schnitt mit rund 83 Millionen Dollar gerechnet", "short of an LSEG SmartEstimate of
            // 10.3 trillion won", "the $13.66 billion analysts were expecting" (but not "… 3,75
            // Milliarden US-Dollar, Analysten hatten mehr erwartet": a comma ends the figure's phrase).
            let estimate = context.contains { Self.namesAnEstimate($0.bare) }
                || tokens[j..<min(tokens.count, j + 2)].prefix { $0.folded != "," }.contains { $0.bare.hasPrefix("analyst") }
            if !converts {
                found.append(Found(value: Money(min: lo, max: hi, currency: code), start: tokens[first].start, end: tokens[j - 1].end,
                                   isValuation: valuation, isComparison: comparison || estimate, isUnitPrice: unitPrice, isProfit: profit))
            }
            i = j
            taken = j
        }
        return Self.joiningPlusMinus(found, b)
    }

    /// The currency named after a range's second end when the first has none: "6.7 billion to
    /// 7.3 billion euros", "zwischen 30 Milliarden und 35 Milliarden Euro".
    private func currencyAfterRange(_ tokens: [Token], from j: Int, first: Int, _ b: [UInt8], language: String, scales: [String: Double]) -> String? {
        guard j + 1 < tokens.count else { return nil }
        let between = precededBy(tokens, first, [["between"], ["zwischen"]])
        guard Self.rangeDashes.contains(tokens[j].folded) || (between && Self.rangeAnds.contains(tokens[j].folded)),
              tokens[j + 1].kind == .number, number(tokens[j + 1], b, language: language) != nil else { return nil }
        var m = j + 2
        let scaled = scale(m < tokens.count ? tokens[m] : nil, scales) != nil
        if scaled { m += 1 }
        return m < tokens.count ? wordCurrency(tokens, at: m, scaled: scaled)?.code : nil
    }

    /// A margin after a figure with no currency of its own: "…, plus oder minus 300 Millionen",
    /// "plus/minus 200 Millionen", "± 0.1 billion". Returns the margin and the token after it.
    private func marginWithoutCurrency(_ tokens: [Token], from j: Int, _ b: [UInt8], language: String, scales: [String: Double]) -> (Double, Int)? {
        var k = j
        if k + 1 < tokens.count, tokens[k].bare == "in", tokens[k + 1].bare == "aussicht" { k += 2 }   // "stellt … in Aussicht, plus oder minus"
        else if k < tokens.count, Self.verbParticles.contains(Array(tokens[k].bare.utf8)), tokens[k].kind == .word { k += 1 }
        if k < tokens.count, tokens[k].folded == "," { k += 1 }
        // "plus or minus", "plus oder minus", "plus/minus", "±", "+/-": up to three tokens.
        var joined: [UInt8] = []
        guard let last = (k..<min(tokens.count, k + 3)).first(where: { m in
            joined += tokens[m].folded.utf8
            return Self.plusMinus.contains(joined)
        }) else { return nil }
        k = last + 1
        guard k < tokens.count, tokens[k].kind == .number, let v = number(tokens[k], b, language: language) else { return nil }
        var m = k + 1
        var factor = 1.0
        if let f = scale(m < tokens.count ? tokens[m] : nil, scales) { factor = f; m += 1 }
        // A currency of its own, or a margin in percent or basis points ("plus or minus 2%", "plus
        // oder minus 350 Basispunkte": the corpora's labels keep the point), is not this case.
        if m < tokens.count, wordCurrency(tokens, at: m, scaled: factor != 1) != nil || Self.percent.contains(tokens[m].bare)
            || Self.basisPoints.contains(tokens[m].bare) { return nil }
        return (v * factor, m)
    }

    /// Particles that may end a German clause before "plus oder minus" ("peilt … an, plus oder
    /// minus", "stellt … in Aussicht, plus oder minus").
    static let verbParticles: Set<[UInt8]> = Set(["", "an", "aus", "vor", "voraus", "zu", "inaussicht"].map { Array($0.utf8) })

    /// "$9.6 billion, plus or minus $300 million" is one amount, $9.3–9.9 billion.
    static func joiningPlusMinus(_ found: [Found<Money>], _ b: [UInt8]) -> [Found<Money>] {
        var out: [Found<Money>] = []
        for f in found {
            if let last = out.last, last.end <= f.start, last.value.currency == f.value.currency, let mid = last.value.max, last.value.min == mid,
               let delta = f.value.max, f.value.min == delta, delta < mid {
                let between = b[last.end..<f.start].filter { $0 != 0x20 && $0 != 0x2C }.map { FoldedText.asciiLower($0) }
                // A German verb's particle may close the clause first: "peilt … 3,3 Milliarden Dollar an,
                // plus oder minus 100 Millionen".
                if plusMinus.contains(where: { pm in
                    between.count >= pm.count && between.suffix(pm.count).elementsEqual(pm) && verbParticles.contains(Array(between.dropLast(pm.count)))
                }) {
                    out[out.count - 1].value = Money(min: mid - delta, max: mid + delta, currency: f.value.currency)
                    out[out.count - 1].end = f.end
                    continue
                }
            }
            out.append(f)
        }
        return out
    }

    /// Counts of GPUs or accelerators: a number (with scale) followed within a few words by a
    /// product (`productAt` tells which product starts at a byte offset) or a unit word.
    func quantities(in sentence: String, language: String, productAt: (Int) -> String?) -> [Found<Quantity>] {
        quantities(in: tokenize(sentence), language: language, productAt: productAt)
    }

    func quantities(in t: Tokenized, language: String, productAt: (Int) -> String?) -> [Found<Quantity>] {
        let b = t.bytes
        let tokens = t.tokens
        let scales = scaleTable(language)
        var found: [Found<Quantity>] = []
        for (i, t) in tokens.enumerated() where t.kind == .number {
            guard var value = number(t, b, language: language) else { continue }
            if i > 0, symbolCurrency(tokens, i - 1, b) != nil { continue }
            var j = i + 1
            if let f = scale(j < tokens.count ? tokens[j] : nil, scales), f < 1e9 { value *= f; j += 1 }
            // Skip a few words ("Nvidia", "of", "its", "von") looking for the product or unit.
            var unit: String?
            var k = j
            // A partitive reaches further ("10,000 of its own AI chips", "485,000 of Nvidia's Hopper
            // chips"), but not past what else it may count ("3,000 of its shares to fund chips").
            let partitive = j < tokens.count && tokens[j].bare == "of"
            while k < min(tokens.count, j + (partitive ? 6 : 4)) {
                if let p = productAt(tokens[k].start) { unit = p; k += 1; break }
                if tokens[k].kind == .word && units.contains(tokens[k].folded) { unit = "GPU"; k += 1; break }
                if tokens[k].kind == .number || Self.notChipCounts.contains(tokens[k].bare) { break }
                if partitive && k > j && Self.notInAPartitive.contains(tokens[k].bare) { break }
                k += 1
            }
            guard var unit, value >= 1, value == value.rounded() else { continue }
            // "200.000 Nvidia-Grafikprozessoren vom Typ GB300", "50,000 accelerators of the type MI450".
            if unit == "GPU", let typ = (k..<min(tokens.count, k + 3)).first(where: { Self.typeWords.contains(tokens[$0].bare) }),
               let p = (typ + 1..<min(tokens.count, typ + 3)).first(where: { productAt(tokens[$0].start) != nil }), let product = productAt(tokens[p].start) {
                unit = product
            }
            found.append(Found(value: Quantity(value: value, unit: unit), start: t.start, end: tokens[k - 1].end))
        }
        return found
    }
}

extension AmountReader.Found where T == Money {
    /// Whether the figure may be an event's sum: no valuation, difference or price per unit, and
    /// not below 100,000 (a price target of "$150" is what a share costs, not what a round,
    /// deal, plant or quarter is worth).
    var isTheSum: Bool { !isValuation && !isComparison && !isUnitPrice && (value.max ?? value.min ?? 0) >= 1e5 }
}
