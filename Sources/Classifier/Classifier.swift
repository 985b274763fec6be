import Foundation
import TrackerModel

/// Turns article text into market events, driven entirely by a `RuleSet`.
///
/// One pass folds the text and runs every pattern (entity aliases, products, triggers,
/// vetoes, status cues) through one Aho–Corasick automaton; only sentences in which a
/// trigger fired get the costlier work (amounts, quantities, actors, status).
public struct Classifier: Sendable {
    public let rules: RuleSet

    /// What a pattern stands for.
    enum PhraseKind: Sendable {
        case entity(Int)
        case product(Int)
        case trigger(Int)   // rule index
        case veto(Int)      // rule index
        case cue(EventStatus)
        case boilerplate
    }

    struct Phrase: Sendable {
        var kind: PhraseKind
        var language: String?   // nil: any language
        var parts: [Int]        // pattern ids, in order
        var text: String
    }

    struct Pattern: Sendable {
        var bytes: [UInt8]
        var openLeft: Bool
        var openRight: Bool
        /// For case-sensitive aliases: the exact UTF-8 bytes the original text must have.
        var exact: [UInt8]?
        var uses: [(phrase: Int, part: Int)]
    }

    let phrases: [Phrase]
    let patterns: [Pattern]
    let automaton: Automaton
    let amounts: AmountReader
    let boilerplatePrefixes: [[UInt8]]
    let cutMarkers: [[UInt8]]

    public init(rules: RuleSet) {
        self.rules = rules
        var phrases: [Phrase] = []
        var patterns: [Pattern] = []
        var index: [String: Int] = [:]

        func pattern(_ text: String, exact: Bool) -> Int? {
            var t = text.trimmingCharacters(in: .whitespaces)
            let openLeft = t.hasPrefix("*"), openRight = t.hasSuffix("*")
            t = t.trimmingCharacters(in: CharacterSet(charactersIn: "*"))
            let folded = FoldedText.fold(t)
            guard !folded.isEmpty else { return nil }
            let key = "\(openLeft)\(openRight)\(exact ? t : "")|" + String(decoding: folded, as: UTF8.self)
            if let id = index[key] { return id }
            patterns.append(Pattern(bytes: folded, openLeft: openLeft, openRight: openRight, exact: exact ? Array(t.utf8) : nil, uses: []))
            index[key] = patterns.count - 1
            return patterns.count - 1
        }
        func add(_ text: String, _ kind: PhraseKind, _ language: String?, exact: Bool = false) {
            let parts = text.components(separatedBy: " ... ").compactMap { pattern($0, exact: exact) }
            guard !parts.isEmpty else { return }
            phrases.append(Phrase(kind: kind, language: language == "any" ? nil : language, parts: parts, text: text))
            for (k, p) in parts.enumerated() { patterns[p].uses.append((phrases.count - 1, k)) }
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
        }
        for (status, perLanguage) in rules.lexicon.status {
            for (lang, list) in perLanguage { for t in list { add(t, .cue(status), lang) } }
        }
        self.phrases = phrases
        self.patterns = patterns
        automaton = Automaton(patterns: patterns.map(\.bytes))
        amounts = AmountReader(lexicon: rules.lexicon, unitWords: rules.lexicon.units)
        boilerplatePrefixes = rules.lexicon.boilerplatePrefixes.map { FoldedText.fold($0) }
        cutMarkers = rules.lexicon.cutAfter.map { FoldedText.fold($0) }
    }

    // MARK: Classification

    struct Hit {
        var phrase: Int
        var part: Int
        var start: Int   // folded offsets
        var end: Int
    }

    struct Mention {
        var kind: PhraseKind
        var start: Int   // byte offsets in the sentence
        var end: Int
    }

    /// Events of one article. `language` is the feed's or the article's; nil detects it.
    public func classify(title: String, text: String, language: String? = nil) -> [Event] {
        let body = cleaned(title.isEmpty ? text : title + "\n" + text)
        let lang = language.map { String($0.prefix(2)).lowercased() } ?? Self.detectLanguage(body)
        let folded = FoldedText(body)
        var hits: [Hit] = []
        let bodyBytes = Array(body.utf8)
        folded.bytes.withUnsafeBufferPointer { buf in
            automaton.scan(buf) { id, end in
                let p = patterns[id]
                let start = end - p.bytes.count
                if !p.openLeft && start > 0 && FoldedText.isWordByte(buf[start - 1]) { return }
                if !p.openRight && end < buf.count && FoldedText.isWordByte(buf[end]) { return }
                if let exact = p.exact {
                    let o = Int(folded.origin[start])
                    guard o + exact.count <= bodyBytes.count, bodyBytes[o..<(o + exact.count)].elementsEqual(exact) else { return }
                    // The original must end where the alias ends ("Meta" not "Metaverse").
                    if o + exact.count < bodyBytes.count, FoldedText.isWordByte(bodyBytes[o + exact.count]), p.openRight == false,
                       bodyBytes[o + exact.count] < 0x80 { return }
                }
                for use in p.uses {
                    let lang0 = phrases[use.phrase].language
                    if lang0 != nil && lang0 != lang { continue }
                    hits.append(Hit(phrase: use.phrase, part: use.part, start: start, end: end))
                }
            }
        }
        guard hits.contains(where: { if case .trigger = phrases[$0.phrase].kind { return true } else { return false } }) else { return [] }

        let sentences = TextSegmenter.sentences(body)
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
        let context = ArticleContext(classifier: self, sentences: sentences, perSentence: perSentence, folded: folded, body: bodyBytes)
        var events: [(event: Event, sentence: Int)] = []
        for (i, range) in sentences.enumerated() where !perSentence[i].isEmpty {
            events += context.events(in: i, range: range, language: lang).map { ($0, i) }
        }
        return Self.merge(events)
    }

    /// The text without boilerplate lines ("Related reading: …") and everything after a
    /// cut marker ("Disclaimer: …").
    func cleaned(_ text: String) -> String {
        guard !boilerplatePrefixes.isEmpty || !cutMarkers.isEmpty else { return text }
        var kept: [Substring] = []
        var dropped = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let f = FoldedText.fold(String(line.utf8.prefix(48)) ?? String(line.prefix(40)))
            if cutMarkers.contains(where: { f.starts(with: $0) }) { dropped = true; break }
            if boilerplatePrefixes.contains(where: { f.starts(with: $0) }) { dropped = true; continue }
            kept.append(line)
        }
        return dropped ? kept.joined(separator: "\n") : text
    }

    static let germanWords: Set<String> = ["der", "die", "das", "und", "ist", "nicht", "mit", "von", "zu", "den", "fur", "für", "auf", "im", "dem", "sich", "des", "ein", "eine", "wird", "auch", "nach", "bei"]
    static let englishWords: Set<String> = ["the", "and", "of", "to", "in", "is", "for", "on", "with", "that", "by", "its", "from", "as", "said", "has", "will", "at", "it", "was"]

    /// English or German, by counting the commonest function words of each.
    public static func detectLanguage(_ text: String) -> String {
        var de = 0, en = 0
        for word in text.prefix(4000).split(whereSeparator: { !$0.isLetter }) {
            let w = word.lowercased()
            if germanWords.contains(w) { de += 1 } else if englishWords.contains(w) { en += 1 }
        }
        return de > en ? "de" : "en"
    }

    /// One event per happening in an article: sentences that repeat or elaborate an event
    /// (headline, lead, "the round was led by …") are merged into the best-evidenced one.
    /// Same type and a shared actor, or same type within two sentences, is the same event.
    static func merge(_ events: [(event: Event, sentence: Int)]) -> [Event] {
        var out: [(event: Event, sentence: Int)] = []
        for (e, sentence) in events {
            let names = Set(e.actors.map(\.name))
            // Two different products are two launches or orders, however close together.
            func differentProducts(_ other: Event) -> Bool { e.product != nil && other.product != nil && e.product != other.product }
            guard let k = out.firstIndex(where: {
                $0.event.type == e.type && !differentProducts($0.event)
                    && (!names.isDisjoint(with: $0.event.actors.map(\.name)) || sentence - $0.sentence <= 2)
            }) else {
                out.append((e, sentence))
                continue
            }
            let (winner, loser) = score(e) > score(out[k].event) ? (e, out[k].event) : (out[k].event, e)
            var merged = winner
            for a in loser.actors where !merged.actors.contains(where: { $0.name == a.name }) { merged.actors.append(a) }
            merged.amount = merged.amount ?? loser.amount
            merged.quantity = merged.quantity ?? loser.quantity
            merged.product = merged.product ?? loser.product
            out[k] = (merged, sentence)
        }
        return out.map(\.event)
    }

    static func score(_ e: Event) -> Double {
        e.confidence + (e.amount != nil ? 0.2 : 0) + (e.quantity != nil ? 0.2 : 0)
    }
}
