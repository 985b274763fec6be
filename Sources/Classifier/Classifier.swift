import Foundation
import TrackerModel

/// Turns article text into market events, driven entirely by a `RuleSet`.
///
/// One pass folds the text and runs every pattern (entity aliases, products, triggers,
/// vetoes, status cues) through one Aho–Corasick automaton; only sentences in which a
/// trigger fired get the costlier work (amounts, quantities, actors, status).
public struct Classifier: Sendable {
    public let rules: RuleSet
    /// The learned second opinion (`Rules/model/`): events it rates below its threshold are
    /// dropped. Nil classifies by the rules alone, as `rules test` and `tracker train` do.
    public var evidenceModel: EvidenceModel?

    /// What a pattern stands for.
    enum PhraseKind: Sendable {
        case entity(Int)
        case product(Int)
        case trigger(Int)   // rule index
        case veto(Int)      // rule index
        /// Tells the sum of an event of the rule's type told elsewhere ("the purchase price").
        case price(Int)     // rule index
        case cue(EventStatus)
        /// Marks a sentence as history ("since 2019", "hatte … erhalten"): its figures are not the news.
        case background
        /// Right before a company that is no actor of the sentence's event: someone's past employer
        /// ("former Intel executive") or a customer that describes another ("whose customers include Apple").
        case notAnActor
        /// "the company", "der Konzern": the sentence continues the story of the article's company.
        case reference
        /// "startup", "Start-up": a capitalised name right after it is a company ("AI startup Parloa").
        case descriptor
        /// At the start of a line: the line is boilerplate ("Related reading: …").
        case boilerplate
        /// At the start of a line: this line and all after it are boilerplate ("Disclaimer: …").
        case cut
        /// At the start of a short heading line: the section under it and all after it are
        /// boilerplate ("About Ampere", "Forward-Looking Statements" in a press release).
        case cutHeading
    }

    /// A rule phrase; its parts (pattern ids, in order) are in `partList`.
    struct Phrase: Sendable {
        var kind: PhraseKind
        var language: String?   // nil: any language
        var text: String
    }

    struct Pattern: Sendable {
        var bytes: [UInt8]
        var openLeft: Bool
        var openRight: Bool
        /// For case-sensitive aliases: the exact UTF-8 bytes the original text must have.
        var exact: [UInt8]?
        /// How many umlauts the pattern is written with: the text must have as many, since
        /// folding alone would make "dürfte" (may well) of "durfte" (was allowed to) and
        /// "könnte" (could) of "konnte" (was able to).
        var umlauts: Int
        var uses: [(phrase: Int, part: Int)]
    }

    let phrases: [Phrase]
    let patterns: [Pattern]
    let automaton: Automaton
    let amounts: AmountReader
    /// Flat copies of what the scan needs per pattern, so the hot loop touches no structs of arrays.
    let patternLength: [Int32]
    let patternFlags: [UInt8]          // 1: open left, 2: open right, 4: case-sensitive, 8: written with umlauts
    let useStart: [Int32]              // uses of pattern i are useList[useStart[i]..<useStart[i+1]]
    let useList: [(phrase: Int32, part: Int32)]
    /// The phrases that pattern i begins: `leadPhrases[leadStart[i]..<leadStart[i+1]]`.
    let leadStart: [Int32]
    let leadPhrases: [Int32]
    /// Each phrase's kind (a flat copy: copying a `Phrase` per hit costs more than the search)
    /// and parts: the parts of phrase p are `partList[partStart[p]..<partStart[p+1]]`;
    /// `partAdjoins[j]` says part j must be in the word right after part j-1's (a `*` inside a
    /// pattern: "neuen *vorstand", "chip* for"), otherwise it may come anywhere later (" ... ").
    let phraseKind: [PhraseKind]
    let partStart: [Int32]
    let partList: [Int32]
    let partAdjoins: [Bool]
    let phraseLanguage: [String?]
    /// For each language the rules know: which phrases apply to it (computed once).
    let languageMasks: [String: [Bool]]
    /// Patterns that are part of some trigger: an article without one yields nothing.
    let isTriggerPart: [Bool]
    /// Patterns that are part of a price phrase.
    let isPricePart: [Bool]
    /// Patterns that are part of a trigger of a `topic_only` rule.
    let isTopicTriggerPart: [Bool]
    /// Per pattern: the boilerplate or cut phrase it starts, or -1.
    let boilerplatePhrase: [Int32]
    /// Entity index by canonical name, and the names of regulators.
    let entityIndex: [String: Int]
    /// `lexicon.opinionHeadlines`, lower-cased, and the longest one's length (only that much of
    /// a headline is lower-cased to compare).
    let opinionHeadlines: [String]
    let opinionHeadlineLength: Int
    let regulatorNames: Set<String>
    let countryNames: Set<String>
    /// Whether pattern i is an AI chip's alias: what an `{ai_chip}` part matches.
    let isAIChipPattern: [Bool]
    /// The part id that stands for `{ai_chip}` in `partList`.
    static let anyAIChipPart = -1

    public init(rules: RuleSet) {
        self.rules = rules
        evidenceModel = rules.evidenceModel
        opinionHeadlines = rules.lexicon.opinionHeadlines.map { $0.lowercased() }
        opinionHeadlineLength = opinionHeadlines.map(\.count).max() ?? 0
        var phrases: [Phrase] = []
        var partStart: [Int32] = [0], partList: [Int32] = [], partAdjoins: [Bool] = []
        var patterns: [Pattern] = []
        var index: [String: Int] = [:]

        func pattern(_ text: String, exact: Bool) -> Int? {
            var t = text.trimmingCharacters(in: .whitespaces)
            let openLeft = t.hasPrefix("*"), openRight = t.hasSuffix("*")
            t = t.trimmingCharacters(in: CharacterSet(charactersIn: "*"))
            let folded = FoldedText.fold(t)
            guard !folded.isEmpty else { return nil }
            let umlauts = t.unicodeScalars.filter { "äöüÄÖÜ".unicodeScalars.contains($0) }.count
            let key = "\(openLeft)\(openRight)\(exact ? t : "")\(umlauts)|" + String(decoding: folded, as: UTF8.self)
            if let id = index[key] { return id }
            patterns.append(Pattern(bytes: folded, openLeft: openLeft, openRight: openRight, exact: exact ? Array(t.utf8) : nil, umlauts: umlauts, uses: []))
            index[key] = patterns.count - 1
            return patterns.count - 1
        }
        func add(_ text: String, _ kind: PhraseKind, _ language: String?, exact: Bool = false) {
            // " ... " separates parts that may be apart; a `*` next to a space inside a part
            // separates words that must be neighbours ("neuen *vorstand" = "neuen Finanzvorstand").
            var parts: [Int] = [], adjacent: [Bool] = []
            for loose in text.components(separatedBy: " ... ") {
                // `{ai_chip}` is any AI chip of entities/ (a later part only; RuleSet checks it).
                if loose == RuleSet.anyAIChip {
                    adjacent.append(false)
                    parts.append(Self.anyAIChipPart)
                    continue
                }
                let words = Self.splitAtInnerWildcards(loose)
                for (k, w) in words.enumerated() {
                    guard let id = pattern(w, exact: exact) else { continue }
                    if !parts.isEmpty { adjacent.append(k > 0) }
                    parts.append(id)
                }
            }
            guard !parts.isEmpty else { return }
            phrases.append(Phrase(kind: kind, language: language == "any" ? nil : language, text: text))
            partList += parts.map(Int32.init)
            partAdjoins += [false] + adjacent
            partStart.append(Int32(partList.count))
            for (k, p) in parts.enumerated() where p != Self.anyAIChipPart { patterns[p].uses.append((phrases.count - 1, k)) }
        }

        for (i, e) in rules.entities.enumerated() {
            for (lang, list) in e.aliases { for a in list { add(a, .entity(i), lang) } }
            for a in e.exact { add(a, .entity(i), nil, exact: true) }
        }
        for (i, p) in rules.products.enumerated() {
            for a in p.aliases { add(a, .product(i), nil) }
            for a in p.exact { add(a, .product(i), nil, exact: true) }
        }
        for (i, r) in rules.rules.enumerated() {
            for (lang, list) in r.triggers { for t in list { add(t, .trigger(i), lang) } }
            for (lang, list) in r.vetoes { for t in list { add(t, .veto(i), lang) } }
            for (lang, list) in r.prices { for t in list { add(t, .price(i), lang) } }
        }
        for (status, perLanguage) in rules.lexicon.status {
            for (lang, list) in perLanguage { for t in list { add(t, .cue(status), lang) } }
        }
        for (lang, list) in rules.lexicon.background { for t in list { add(t, .background, lang) } }
        for (lang, list) in rules.lexicon.former { for t in list { add(t, .notAnActor, lang) } }
        for (lang, list) in rules.lexicon.customers { for t in list { add(t, .notAnActor, lang) } }
        for (lang, list) in rules.lexicon.references { for t in list { add(t, .reference, lang) } }
        for (lang, list) in rules.lexicon.descriptors { for t in list { add(t, .descriptor, lang) } }
        for p in rules.lexicon.boilerplatePrefixes { add(p.hasSuffix("*") ? p : p + "*", .boilerplate, nil) }
        for p in rules.lexicon.cutAfter { add(p.hasSuffix("*") ? p : p + "*", .cut, nil) }
        for p in rules.lexicon.cutHeadings { add(p, .cutHeading, nil) }
        self.phrases = phrases
        self.patterns = patterns
        automaton = Automaton(patterns: patterns.map(\.bytes), openEnds: patterns.map { ($0.openLeft ? 1 : 0) | ($0.openRight ? 2 : 0) })
        amounts = AmountReader(lexicon: rules.lexicon, unitWords: rules.lexicon.units)
        patternLength = patterns.map { Int32($0.bytes.count) }
        patternFlags = patterns.map { ($0.openLeft ? 1 : 0) | ($0.openRight ? 2 : 0) | ($0.exact != nil ? 4 : 0) | ($0.umlauts > 0 ? 8 : 0) }
        var starts: [Int32] = [], uses: [(phrase: Int32, part: Int32)] = []
        for p in patterns {
            starts.append(Int32(uses.count))
            uses += p.uses.map { (Int32($0.phrase), Int32($0.part)) }
        }
        starts.append(Int32(uses.count))
        useStart = starts
        useList = uses
        var leadStart: [Int32] = [], leadPhrases: [Int32] = []
        for p in patterns {
            leadStart.append(Int32(leadPhrases.count))
            leadPhrases += p.uses.filter { $0.part == 0 }.map { Int32($0.phrase) }
        }
        leadStart.append(Int32(leadPhrases.count))
        self.leadStart = leadStart
        self.leadPhrases = leadPhrases
        phraseKind = phrases.map(\.kind)
        self.partStart = partStart
        self.partList = partList
        self.partAdjoins = partAdjoins
        phraseLanguage = phrases.map(\.language)
        var masks: [String: [Bool]] = [:]
        for lang in Set(phrases.compactMap(\.language)) { masks[lang] = phrases.map { $0.language == nil || $0.language == lang } }
        languageMasks = masks
        isTriggerPart = patterns.map { p in p.uses.contains { if case .trigger = phrases[$0.phrase].kind { return true } else { return false } } }
        isPricePart = patterns.map { p in p.uses.contains { if case .price = phrases[$0.phrase].kind { return true } else { return false } } }
        isTopicTriggerPart = patterns.map { p in
            p.uses.contains { if case .trigger(let r) = phrases[$0.phrase].kind { return rules.rules[r].topicOnly } else { return false } }
        }
        var boiler = [Int32](repeating: -1, count: patterns.count)
        for (i, p) in patterns.enumerated() {
            for u in p.uses {
                switch phrases[u.phrase].kind {
                case .boilerplate, .cut, .cutHeading: boiler[i] = Int32(u.phrase)
                default: break
                }
            }
        }
        boilerplatePhrase = boiler
        isAIChipPattern = patterns.map { p in
            p.uses.contains { if case .product(let i) = phrases[$0.phrase].kind { return rules.products[i].isAIChip } else { return false } }
        }
        entityIndex = Dictionary(rules.entities.enumerated().map { ($1.name, $0) }) { a, _ in a }
        regulatorNames = Set(rules.entities.filter { $0.kind == .regulator }.map(\.name))
        countryNames = Set(rules.entities.filter { $0.kind == .country }.map(\.name))
    }

    /// A government, agency or country acting as one: no company.
    func isGovernment(_ a: Actor) -> Bool { a.role == "regulator" || regulatorNames.contains(a.name) || countryNames.contains(a.name) }

    // MARK: Classification

    /// One occurrence of a pattern (not of a phrase: a pattern shared by many phrases,
    /// such as "gpu*", is recorded once and expanded per sentence).
    struct Hit {
        var pattern: Int
        var start: Int   // folded offsets
        var end: Int
    }

    /// Events of one article. `language` is the feed's or the article's; nil detects it.
    /// With `explain`, each event carries the reasons for its status and confidence.
    /// `published` dates the article: a sentence that names a year two or more before it
    /// ("co-founded OpenAI in 2015") tells history.
    public func classify(title: String, text: String, language: String? = nil, published: Date? = nil, explain: Bool = false) -> [Event] {
        analyse(title: title, text: text, language: language, published: published, explain: explain).events
    }

    /// A trigger that fired in a sentence but told no event, and why (`classify --explain`).
    public struct Miss: Sendable, Codable, Equatable {
        public var sentence: String
        public var rule: String
        public var trigger: String
        public var reason: String
    }

    /// `classify --explain`: the events with their reasons, and the triggers that told none.
    public func explain(title: String, text: String, language: String? = nil, published: Date? = nil) -> (events: [Event], misses: [Miss]) {
        analyse(title: title, text: text, language: language, published: published, explain: true)
    }

    func analyse(title: String, text: String, language: String?, published: Date?, explain: Bool) -> (events: [Event], misses: [Miss]) {
        // An opinion piece argues about the news; what it mentions is not news of its own.
        let head = title.prefix(opinionHeadlineLength).lowercased()
        if let mark = opinionHeadlines.first(where: { head.hasPrefix($0) }) {
            return ([], explain ? [Miss(sentence: title, rule: "any", trigger: mark, reason: "the headline marks an opinion piece, which reports no event")] : [])
        }
        let body = title.isEmpty ? text : title + "\n" + text
        let lang = language.map { String($0.prefix(2)).lowercased() } ?? Self.detectLanguage(body)
        let folded = FoldedText(body)
        let bodyBytes = Array(body.utf8)
        let languageOK = self.languageOK(lang)
        var hits = scan(folded, bodyBytes, languageOK: languageOK)
        guard hits.contains(where: { isTriggerPart[$0.pattern] }) else { return ([], []) }
        let boilerplate: [Range<Int>]
        (hits, boilerplate) = withoutBoilerplate(hits, folded, bodyBytes)

        let sentences = TextSegmenter.sentences(bodyBytes)
        // Sentence index of each hit, via the folded → original offset map.
        var perSentence = [[Hit]](repeating: [], count: sentences.count)
        for h in hits {
            let o = Int(folded.origin[h.start])
            var lo = 0, hi = sentences.count - 1
            while lo < hi {
                let mid = (lo + hi + 1) / 2
                if sentences[mid].lowerBound <= o { lo = mid } else { hi = mid - 1 }
            }
            if !sentences.isEmpty, sentences[lo].contains(o) { perSentence[lo].append(h) }
        }
        let context = ArticleContext(classifier: self, sentences: sentences, perSentence: perSentence, folded: folded, body: bodyBytes,
                                     languageOK: languageOK, historyBefore: published.map { Self.year(of: $0) - 1 }, boilerplate: boilerplate, explain: explain)
        var events: [(event: Event, sentence: Int)] = []
        for (i, range) in sentences.enumerated() where perSentence[i].contains(where: { isTriggerPart[$0.pattern] }) {
            events += context.events(in: i, range: range, language: lang).map { ($0, i) }
        }
        for (i, range) in sentences.enumerated() where perSentence[i].contains(where: { isPricePart[$0.pattern] }) {
            // The latest event of a priced type up to here (this sentence's own, if it has one)
            // takes the figure, unless it has a figure of its own or was told too far back.
            guard let price = context.price(in: i, range: range, language: lang, nextTellsEvent: events.contains { $0.sentence == i + 1 }),
                  let k = events.lastIndex(where: { $0.sentence <= i && price.types.contains($0.event.type) }),
                  events[k].event.amount == nil, i - events[k].sentence <= Self.priceReach else { continue }
            events[k].event.amount = price.amount
            if explain { events[k].event.reasons.append("amount \(Self.describe(price.amount)) from the sentence that tells the price: \(price.why)") }
        }
        var misses = context.misses
        var merged = Self.merge(events)
        if let model = evidenceModel {
            let headline = EvidenceModel.Headline(title)
            merged = merged.compactMap { e in
                let p = model.probability(of: e, headline: headline)
                guard p >= model.threshold else {
                    if explain {
                        let bytes = Array(e.evidence.utf8)
                        let trigger = e.spans.first { $0.label == "trigger" }.map { String(decoding: bytes[max(0, $0.start)..<min(bytes.count, max(0, $0.end))], as: UTF8.self) }
                        misses.append(Miss(sentence: e.evidence, rule: e.type.rawValue, trigger: trigger ?? "", reason: model.explanation(of: e, headline: headline)))
                    }
                    return nil
                }
                // The rating is the event's confidence: unlike the rules' own (which wrong events
                // share with right ones), it tells them apart, so an alert threshold can use it.
                var kept = e
                kept.confidence = (p * 100).rounded() / 100
                if explain { kept.reasons.append(model.explanation(of: e, headline: headline) + String(format: "; it is the confidence (the rules said %.2f)", e.confidence)) }
                return kept
            }
        }
        return (merged, misses)
    }

    /// How many sentences after its event a price may be told ("Nvidia übernimmt Run:ai" … "Den
    /// Kaufpreis nannte Nvidia nicht").
    static let priceReach = 6

    /// The Gregorian calendar in UTC: article dates and corpus `DATE:` headers.
    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    static func year(of date: Date) -> Int { utc.component(.year, from: date) }

    /// "zum neuen *vorstand" → ["zum neuen", "*vorstand"]; "chip* for" → ["chip*", "for"]: a
    /// part ends or starts at a space next to a `*` (the automaton's `*` is only at pattern ends).
    static func splitAtInnerWildcards(_ part: String) -> [String] {
        var out: [String] = []
        var current = ""
        let words = part.split(separator: " ", omittingEmptySubsequences: true)
        for (k, w) in words.enumerated() {
            if !current.isEmpty && (w.hasPrefix("*") || words[k - 1].hasSuffix("*")) {
                out.append(current)
                current = ""
            }
            current += current.isEmpty ? String(w) : " " + w
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    public var automatonStates: Int { automaton.stateCount }
    public var automatonClasses: Int { automaton.byteClasses }

    /// How many pattern occurrences an article has: the matching stage alone, for benchmarks.
    public func matchCount(title: String, text: String, language: String?) -> Int {
        let body = title.isEmpty ? text : title + "\n" + text
        return scan(FoldedText(body), Array(body.utf8), languageOK: languageOK(language ?? "en")).count
    }

    /// Which phrases apply to text in `language` (phrases of any language apply to all).
    func languageOK(_ language: String) -> [Bool] {
        languageMasks[language] ?? phraseLanguage.map { $0 == nil }
    }

    /// Every pattern occurrence that respects its word boundaries, case and language.
    func scan(_ folded: FoldedText, _ body: [UInt8], languageOK: [Bool]) -> [Hit] {
        var hits: [Hit] = []
        hits.reserveCapacity(64)
        folded.bytes.withUnsafeBufferPointer { buf in
        patternLength.withUnsafeBufferPointer { length in
        patternFlags.withUnsafeBufferPointer { flags in
        useStart.withUnsafeBufferPointer { useStart in
        useList.withUnsafeBufferPointer { useList in
            automaton.scan(buf) { id, end in
                let start = end - Int(length[id])
                if flags[id] & 4 != 0 {
                    // Case-sensitive alias: the original text must read exactly so ("Meta", not "meta").
                    let exact = patterns[id].exact!
                    let o = Int(folded.origin[start])
                    guard o + exact.count <= body.count, body[o..<(o + exact.count)].elementsEqual(exact) else { return }
                }
                if flags[id] & 8 != 0 {
                    // Written with umlauts: the text has them too (ä ö ü Ä Ö Ü are C3 xx in UTF-8).
                    var found = 0
                    var o = Int(folded.origin[start])
                    let last = Int(folded.origin[end - 1])
                    while o <= last {
                        if body[o] == 0xC3, [0xA4, 0xB6, 0xBC, 0x84, 0x96, 0x9C].contains(body[o + 1]) { found += 1 }
                        o += 1
                    }
                    guard found >= patterns[id].umlauts else { return }
                }
                for k in Int(useStart[id])..<Int(useStart[id + 1]) where languageOK[Int(useList[k].phrase)] {
                    hits.append(Hit(pattern: id, start: start, end: end))
                    break
                }
            }
        }}}}}
        return hits
    }

    /// A heading line: short, and after the heading word only a name ("About Ampere Computing",
    /// "Über Infineon", "About SoftBank Group Corp."), so "About 40% of the chips …" and
    /// "Über 100 Milliarden für Chips" are not.
    static func isHeading(_ line: ArraySlice<UInt8>, after: Int) -> Bool {
        guard line.count <= 60, !line.contains(where: { $0 >= 0x30 && $0 <= 0x39 }) else { return false }
        let rest = line[min(max(after, line.startIndex), line.endIndex)...]
        let words = rest.split(whereSeparator: { $0 == 0x20 || $0 == 0x0D || $0 == 0x09 })
        guard words.count <= 5 else { return false }
        // Each word of the name starts with a capital (ASCII, or a UTF-8 lead byte: Ä, Ö, Ü …) or is "&".
        return words.allSatisfy { w in (w.first! >= 0x41 && w.first! <= 0x5A) || w.first! >= 0xC3 || w.elementsEqual([0x26]) }
            && !(rest.last.map { [UInt8(ascii: "!"), UInt8(ascii: "?"), UInt8(ascii: ","), UInt8(ascii: ":")].contains($0) } ?? false)
    }

    /// Ends with . ! ? : ; … or a closing quote or bracket.
    static func endsLikeASentence(_ line: ArraySlice<UInt8>) -> Bool {
        guard let c = line.last else { return false }
        if [UInt8(ascii: "."), UInt8(ascii: "!"), UInt8(ascii: "?"), UInt8(ascii: ":"), UInt8(ascii: ";"), UInt8(ascii: "\""), UInt8(ascii: ")")].contains(c) { return true }
        // “ ” … (E2 80 9C/9D/A6) and » (C2 BB)
        let tail = line.suffix(3)
        return (tail.count == 3 && tail.first == 0xE2 && tail.dropFirst().first == 0x80 && (c == 0x9C || c == 0x9D || c == 0xA6))
            || (line.count >= 2 && line[line.endIndex - 2] == 0xC2 && c == 0xBB)
    }

    /// A key figure of a results table ("- Revenue: $335.1 million vs. $333.6 million expected",
    /// "Umsatz: 1,2 Mrd. Euro"): a short label, a colon, then the figure. Content, not a link.
    static func isKeyFigure(_ line: ArraySlice<UInt8>) -> Bool {
        guard let colon = line.prefix(40).firstIndex(of: UInt8(ascii: ":")) else { return false }
        guard let k = line[(colon + 1)...].firstIndex(where: { $0 != 0x20 }) else { return false }
        let rest = line[k...]
        // A digit, or a currency sign: "$", "€" (E2 82 AC), "£" (C2 A3), "¥" (C2 A5). Not any
        // other character of those lead bytes: a teaser's „quote“ or a dash is no figure.
        return (rest.first! >= 0x30 && rest.first! <= 0x39) || rest.first == UInt8(ascii: "$")
            || [[0xE2, 0x82, 0xAC], [0xC2, 0xA3], [0xC2, 0xA5]].contains { rest.starts(with: $0) }
    }

    /// A line that starts with "- ", "• ", "* " or "– ".
    static func isBullet(_ body: [UInt8], at i: Int) -> Bool {
        var k = i
        while k < body.count && body[k] == 0x20 { k += 1 }
        guard k + 1 < body.count else { return false }
        if (body[k] == 0x2D || body[k] == 0x2A) && body[k + 1] == 0x20 { return true }
        // "•" E2 80 A2, "–" E2 80 93
        return k + 3 < body.count && body[k] == 0xE2 && body[k + 1] == 0x80 && (body[k + 2] == 0xA2 || body[k + 2] == 0x93) && body[k + 3] == 0x20
    }

    /// Drops the hits on boilerplate lines: a line that starts with a boilerplate prefix
    /// ("Related reading: …"), and every line from a cut marker on ("Disclaimer: …").
    /// Also returns the byte ranges dropped.
    func withoutBoilerplate(_ hits: [Hit], _ folded: FoldedText, _ body: [UInt8]) -> (hits: [Hit], dropped: [Range<Int>]) {
        var dropped: [Range<Int>] = []
        for h in hits {
            let phrase = Int(boilerplatePhrase[h.pattern])
            guard phrase >= 0 else { continue }
            let kind = phrases[phrase].kind
            var lineStart = Int(folded.origin[h.start])
            while lineStart > 0 && (body[lineStart - 1] == 0x20 || body[lineStart - 1] == 0x09) { lineStart -= 1 }
            guard lineStart == 0 || body[lineStart - 1] == 0x0A else { continue }
            if case .cut = kind {
                dropped.append(lineStart..<body.count)
                continue
            }
            var end = lineStart
            while end < body.count && body[end] != 0x0A { end += 1 }
            if case .cutHeading = kind {
                if Self.isHeading(body[lineStart..<end], after: Int(folded.origin[h.end - 1]) + 1) { dropped.append(lineStart..<body.count) }
                continue
            }
            // A "Read more:" header owns the bulleted headlines under it ("- Intel verkauft …").
            while end + 2 < body.count, Self.isBullet(body, at: end + 1) {
                end += 1
                while end < body.count && body[end] != 0x0A { end += 1 }
            }
            dropped.append(lineStart..<end)
        }
        // Bulleted headlines ("- Intel verkauft Mehrheit an Altera"): a list of related links,
        // whatever header introduced it. A bullet that ends like a sentence is content.
        // Past the headline and the line under it (a standfirst), a short line that does not end
        // like a sentence is a crosshead, a teaser ("Mistral: Französisches KI-Start-up strebt
        // Milliardenfinanzierung an") or a caption: the article's sentences tell the news in full.
        var lineStart = 0
        var nonEmptyLines = 0
        while lineStart < body.count {
            var end = lineStart
            while end < body.count && body[end] != 0x0A { end += 1 }
            var last = end
            while last > lineStart && (body[last - 1] == 0x20 || body[last - 1] == 0x0D) { last -= 1 }
            let terminal = last > lineStart && (Self.endsLikeASentence(body[lineStart..<last]) || Self.isKeyFigure(body[lineStart..<last]))
            if !terminal && (Self.isBullet(body, at: lineStart) || (nonEmptyLines >= 2 && last - lineStart <= 160)) { dropped.append(lineStart..<end) }
            if last > lineStart { nonEmptyLines += 1 }
            lineStart = end + 1
        }
        guard !dropped.isEmpty else { return (hits, dropped) }
        return (hits.filter { h in
            let o = Int(folded.origin[h.start])
            return !dropped.contains { $0.contains(o) }
        }, dropped)
    }

    static let germanWords: Set<String> = [
        "der", "die", "das", "und", "ist", "nicht", "mit", "von", "zu", "den", "für", "auf", "im", "dem", "sich", "des", "ein",
        "eine", "einer", "einen", "wird", "auch", "nach", "bei", "hat", "haben", "wurde", "sind", "über", "aus", "als", "zum",
        "zur", "vom", "beim", "dass", "noch", "wie", "soll", "seine", "ihre", "nun", "rund", "mehr",
    ]
    static let englishWords: Set<String> = [
        "the", "and", "of", "to", "is", "for", "on", "with", "that", "by", "its", "from", "as", "said", "has", "at", "it",
        "was", "are", "be", "have", "which", "this", "an", "more", "after", "would", "their",
    ]

    /// English or German, by counting the commonest function words of each ("in" and "will"
    /// are left to the others: both languages have them); umlauts and ß count for German.
    public static func detectLanguage(_ text: String) -> String {
        var de = 0, en = 0
        for word in text.prefix(4000).split(whereSeparator: { !$0.isLetter }) {
            let w = word.lowercased()
            if germanWords.contains(w) { de += 1 }
            if englishWords.contains(w) { en += 1 }
            if w.contains(where: { "äöüß".contains($0) }) { de += 1 }
        }
        return de > en ? "de" : "en"
    }

    /// One event per happening in an article: sentences that repeat or elaborate an event
    /// (headline, lead, "the round was led by …") are merged into the best-evidenced one.
    /// Same type and a shared actor, or same type within two sentences, is the same event,
    /// unless the two carry different sums or products, or each names a party the other lacks.
    static func merge(_ events: [(event: Event, sentence: Int)]) -> [Event] {
        var out: [(event: Event, sentence: Int, headline: Bool)] = []
        for (e, sentence) in events {
            // Two different products are two launches or orders, however close together.
            func differentProducts(_ other: Event) -> Bool { e.product != nil && other.product != nil && e.product != other.product }
            func sharesActor(_ other: Event) -> Bool { e.actors.contains { a in other.actors.contains { $0.name == a.name } } }
            // Two different sums are two deals, or a quarter's revenue and the next one's guidance
            // ("revenue rose to $14.9 billion", "expects $18 billion"). Results are told as points,
            // guidance often as a range: "revenue of $13.28 billion" and "expects revenue of $13.3
            // billion to $14.3 billion" are two statements, however close, and so are a quarter's
            // $2.89 billion and the next one's $2.875–3.125 billion. So are a point and a
            // range in two currencies: TSMC reports in NT dollars and guides in US dollars.
            func differentAmounts(_ other: Event) -> Bool {
                guard let a = e.amount, let b = other.amount else { return false }
                return !a.roughlyOverlaps(b) || (e.type == .earningsGuidance && (a.pointOffCentre(b) || b.pointOffCentre(a)
                    || (a.currency != b.currency && a.isClosedRange != b.isClosedRange)))
            }
            // "Samsung agreed to work with OpenAI …", "SK Telecom signed a memorandum with OpenAI …":
            // each names a party the other lacks, so they are two deals of one hub. Not so in a
            // round, whose later sentences name more of its investors ("The round was led by …").
            let mine = Set(e.actors.map(\.name))
            func differentParties(_ other: Event) -> Bool {
                let theirs = Set(other.actors.map(\.name))
                return e.type != .fundingRound && mine.count >= 2 && theirs.count >= 2 && !mine.isSubset(of: theirs) && !theirs.isSubset(of: mine)
            }
            // "Angeführt wurde die Runde vom Investor Greenoaks, der allein 500 Millionen Dollar
            // beisteuerte": a round told only by its investors is the article's latest round, and
            // the figure is one investor's share, not the round's.
            if e.type == .fundingRound, !e.actors.isEmpty, e.actors.allSatisfy({ $0.role == "investor" }), namesTheRound(e.evidence),
               let k = out.lastIndex(where: { $0.event.type == .fundingRound && $0.sentence < sentence && sentence - $0.sentence <= priceReach }) {
                for a in e.actors where !out[k].event.actors.contains(where: { $0.name == a.name }) { out[k].event.actors.append(a) }
                continue
            }
            // "Technikchefin Mira Murati hat ihren Abschied angekündigt", "Auch Forschungschef Bob
            // McGrew und Barret Zoph verlassen das Unternehmen": two people, two changes.
            let myPeople = e.type == .leadershipChange ? Self.people(in: e) : []
            func differentPeople(_ other: Event) -> Bool {
                guard !myPeople.isEmpty else { return false }
                let theirs = Self.people(in: other)
                return !theirs.isEmpty && theirs.isDisjoint(with: myPeople)
            }
            // Events of one sentence are distinct: the sentence was split into clauses for them.
            guard let k = out.firstIndex(where: {
                $0.event.type == e.type && $0.sentence != sentence && !differentProducts($0.event) && !differentAmounts($0.event)
                    && !differentParties($0.event) && !differentPeople($0.event) && (sentence - $0.sentence <= 2 || sharesActor($0.event))
            }) else {
                out.append((e, sentence, sentence == 0))
                continue
            }
            let (winner, loser) = score(e) > score(out[k].event) ? (e, out[k].event) : (out[k].event, e)
            var merged = winner
            for a in loser.actors where !merged.actors.contains(where: { $0.name == a.name }) { merged.actors.append(a) }
            // A headline's figure is the news ("Anthropic raises $13 billion"); later sentences
            // elaborate or look back ("…, when Anthropic raised $3.5 billion"), unless they tell the
            // same sum more exactly ("Intel gets $7.86 billion", then "up to $7.86 billion").
            let told = merged.amount ?? loser.amount
            if out[k].headline, let headline = out[k].event.amount {
                merged.amount = told.map { $0.sharesAFigure(with: headline) && $0.detail > headline.detail } == true ? told : headline
            } else {
                merged.amount = told
            }
            merged.quantity = merged.quantity ?? loser.quantity
            // "Nvidia liefert 18.000 KI-Chips" then "18,000 GB300 chips": the same count, told precisely.
            if let q = merged.quantity, q.unit == "GPU", let other = loser.quantity, other.value == q.value, other.unit != "GPU" {
                merged.quantity = other
            }
            merged.product = merged.product ?? loser.product
            out[k] = (merged, sentence, out[k].headline)   // the window moves on with the latest telling of the event
        }
        return out.map(\.event)
    }

    /// The people a sentence names, as far as capitals tell: the last two words of each run of
    /// capitalised words outside the actors' spans ("Chief Technology Officer Mira Murati" →
    /// "Mira Murati"; "Forschungschef Bob McGrew und Barret Zoph" → "Bob McGrew", "Barret Zoph").
    /// Only used to keep two leadership changes apart, so a stray noun pair costs little.
    static func people(in e: Event) -> Set<String> {
        let b = Array(e.evidence.utf8)
        let actorSpans = e.spans.filter { $0.label == "actor" }
        var people: Set<String> = []
        var run: [Range<Int>] = []
        func close() {
            if run.count >= 2 { people.insert(String(decoding: b[run[run.count - 2].lowerBound..<run[run.count - 1].upperBound], as: UTF8.self)) }
            run = []
        }
        var i = 0
        while i < b.count {
            guard FoldedText.isWordByte(b[i]) else {
                if b[i] != 0x20 { close() }   // punctuation ends a name
                i += 1
                continue
            }
            var j = i
            while j < b.count && (FoldedText.isWordByte(b[j]) || b[j] == 0x2D || b[j] == 0x27) { j += 1 }
            // A capital: A–Z, or À–Þ in UTF-8 (C3 80–9E).
            let capital = (b[i] >= 0x41 && b[i] <= 0x5A) || (b[i] == 0xC3 && i + 1 < b.count && b[i + 1] >= 0x80 && b[i + 1] <= 0x9E)
            let inActor = actorSpans.contains { $0.start < j && i < $0.end }
            if capital && !inActor && !b[i..<j].contains(where: { $0 >= 0x30 && $0 <= 0x39 }) { run.append(i..<j) } else { close() }
            i = j
        }
        close()
        return people
    }

    /// "Zu den Geldgebern gehören …", "Backers include …": the round's investors, named as such.
    static let backerWords: Set<String> = ["backers", "investors", "geldgeber", "geldgebern", "investoren", "kapitalgeber", "kapitalgebern"]

    /// "the round", "die Runde", "Finanzierungsrunde", "the backers": the sentence goes on about
    /// a round told before. Whole words ("around", "im Grunde" are none).
    static func namesTheRound(_ sentence: String) -> Bool {
        FoldedText.fold(sentence).split(whereSeparator: { !FoldedText.isWordByte($0) }).contains { w in
            let word = String(decoding: w, as: UTF8.self)
            return word == "round" || word == "rounds" || Self.backerWords.contains(word)
                || ((word.hasSuffix("runde") || word.hasSuffix("runden")) && !word.hasSuffix("grunde") && !word.hasSuffix("grunden"))
        }
    }

    static func score(_ e: Event) -> Double {
        e.confidence + (e.amount != nil ? 0.2 : 0) + (e.quantity != nil ? 0.2 : 0)
    }
}

extension Money {
    /// How much a figure says beyond one number: 2 for a range, 1 for a bound ("up to"), 0 for a point.
    var detail: Int { min != nil && max != nil ? (min == max ? 0 : 2) : 1 }

    /// Whether an end of one is an end of the other (within 1 %): "$7.86 billion" and "up to $7.86 billion".
    func sharesAFigure(with other: Money) -> Bool {
        currency == other.currency && [min, max].compactMap { $0 }.contains { a in
            [other.min, other.max].compactMap { $0 }.contains { abs(a - $0) <= 0.01 * Swift.max(a, $0) }
        }
    }

    /// Whether this is one figure and `range` a closed range ("$13.3 billion to $14.3 billion")
    /// whose middle it is not: a range told as its middle ("about $7.1 billion, plus or minus
    /// $300 million") is the same sum; any other point, inside or out, is another figure.
    func pointOffCentre(_ range: Money) -> Bool {
        guard let v = min, v == max, let lo = range.min, let hi = range.max, lo < hi, currency == range.currency else { return false }
        return abs(v - (lo + hi) / 2) > 0.02 * (lo + hi) / 2
    }

    /// A range with both ends ("$18.8 billion to $19.6 billion"), not one figure or "up to".
    var isClosedRange: Bool { min != nil && max != nil && min != max }

    /// Whether two sums may be the same one told twice: another currency (a conversion) or
    /// ranges that meet within 5 % ("$6.6bn" and "$6.57 billion", "up to $19.4bn" and "$17.4bn").
    func roughlyOverlaps(_ other: Money) -> Bool {
        guard currency == other.currency else { return true }
        let lo1 = min ?? 0, hi1 = max ?? .infinity, lo2 = other.min ?? 0, hi2 = other.max ?? .infinity
        return lo1 <= hi2 * 1.05 && lo2 <= hi1 * 1.05
    }
}
