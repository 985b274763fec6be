import TrackerModel

/// The per-sentence work of one article: which rules fire, with which actors, amounts,
/// quantities and status, and why.
final class ArticleContext {
    let classifier: Classifier
    let sentences: [Range<Int>]
    let perSentence: [[Classifier.Hit]]
    let folded: FoldedText
    let body: [UInt8]
    /// The company the article is about (most mentioned in headline and lead): the actor of
    /// sentences that only say "the project" or "the company".
    let topicActor: Int?

    var rules: RuleSet { classifier.rules }

    /// Which phrases apply to the article's language.
    let languageOK: [Bool]
    /// Whether to write the reasons (`classify --explain`); the hot path skips the strings.
    let explain: Bool
    /// Rules with a trigger in the headline or lead: what the article is about.
    private(set) var leadRules: [Int] = []

    /// Years before this one mark a sentence as history (nil: the article's date is unknown).
    let historyBefore: Int?
    /// Byte ranges that are not the article's news: related links, captions, tags, a press
    /// release's "About Synaptics" section and what follows a cut marker ("Disclaimer:").
    let boilerplate: [Range<Int>]
    /// Quoted speech (byte ranges of the body): a trigger inside it reports nothing.
    let quotations: [Range<Int>]
    /// With `explain`: triggers that fired but told no event, and why.
    private(set) var misses: [Classifier.Miss] = []

    init(classifier: Classifier, sentences: [Range<Int>], perSentence: [[Classifier.Hit]], folded: FoldedText, body: [UInt8],
         languageOK: [Bool], historyBefore: Int?, boilerplate: [Range<Int>], explain: Bool) {
        self.classifier = classifier
        self.historyBefore = historyBefore
        self.boilerplate = boilerplate
        self.explain = explain
        self.languageOK = languageOK
        self.sentences = sentences
        self.perSentence = perSentence
        self.folded = folded
        self.body = body
        quotations = TextSegmenter.quotations(body)
        var counts: [Int: (count: Int, first: Int)] = [:]
        for (i, hits) in perSentence.prefix(4).enumerated() {
            for m in Self.companyMentions(hits, in: classifier, chipMakers: false) { counts[m.entity, default: (0, i * 100_000 + m.start)].count += 1 }
        }
        topicActor = counts.max { a, b in a.value.count != b.value.count ? a.value.count < b.value.count : a.value.first > b.value.first }?.key
        // Only needed when a topic-only rule may fire beyond the lead.
        if perSentence.dropFirst(4).contains(where: { $0.contains { classifier.isTopicTriggerPart[$0.pattern] } }) {
            for (i, range) in sentences.prefix(4).enumerated() {
                for f in phrasesFound(in: i, range: range) {
                    if case .trigger(let r) = f.kind, !leadRules.contains(r) { leadRules.append(r) }
                }
            }
        }
    }

    struct Found {
        var kind: Classifier.PhraseKind
        var phrase: Int
        var start: Int   // byte offsets in the sentence
        var end: Int
    }

    /// Original byte offset where folded byte `f` came from; `end` maps a folded end offset.
    func original(_ f: Int, end: Bool = false) -> Int {
        if !end { return Int(folded.origin[f]) }
        // The end of the last folded byte's source character (at the end of the text too: the
        // text may go on with whitespace that is no sentence's).
        var o = Int(folded.origin[f - 1]) + 1
        while o < body.count && body[o] & 0xC0 == 0x80 { o += 1 }
        return o
    }

    /// Complete phrases in the sentence: single patterns, and multi-part ones whose parts
    /// occur in order. A multi-part phrase is only looked at when its first part occurs.
    /// A sentence has a handful of hits, so plain scans beat hashing here.
    func phrasesFound(in i: Int, range: Range<Int>) -> [Found] {
        var found: [Found] = []
        let hits = perSentence[i]
        let c = classifier
        // A hit belongs to the sentence it starts in; a name folded across a line break
        // ("…led by Samsung\nElectronics …") is cut at the sentence's end.
        func at(_ h: Classifier.Hit) -> (Int, Int) { (original(h.start) - range.lowerBound, min(original(h.end, end: true), range.upperBound) - range.lowerBound) }
        func isPart(_ part: Int32, _ h: Classifier.Hit) -> Bool {
            part == Classifier.anyAIChipPart ? c.isAIChipPattern[h.pattern] : h.pattern == Int(part)
        }
        func occurs(_ part: Int32) -> Bool { hits.contains { isPart(part, $0) } }
        for (n, h) in hits.enumerated() {
            // A pattern that occurred before has started its phrases already (multi-part ones
            // from their earliest occurrence); single-pattern phrases count every occurrence.
            let repeated = hits[..<n].contains { $0.pattern == h.pattern }
            for k in Int(c.leadStart[h.pattern])..<Int(c.leadStart[h.pattern + 1]) {
                let phrase = Int(c.leadPhrases[k])
                guard languageOK[phrase] else { continue }
                let parts = Int(c.partStart[phrase])..<Int(c.partStart[phrase + 1])
                if parts.count == 1 {
                    let (s, e) = at(h)
                    found.append(Found(kind: c.phraseKind[phrase], phrase: phrase, start: s, end: e))
                    continue
                }
                // Most multi-part phrases miss a later part altogether.
                guard !repeated, c.partList[parts.dropFirst()].allSatisfy(occurs) else { continue }
                // From the earliest start that works: the earliest occurrence of each later part
                // after the previous one (in the very next word where the parts must adjoin).
                for first in hits[n...] where first.pattern == h.pattern {
                    var last = first
                    var complete = true
                    for j in parts.dropFirst() {
                        let part = Int(c.partList[j]), mustAdjoin = c.partAdjoins[j]
                        guard let next = hits.first(where: { isPart(Int32(part), $0) && $0.start >= last.end && (!mustAdjoin || adjoins(last, $0)) }) else {
                            complete = false
                            break
                        }
                        last = next
                    }
                    if complete {
                        found.append(Found(kind: c.phraseKind[phrase], phrase: phrase, start: at(first).0, end: at(last).1))
                        break
                    }
                    // Without adjacency a later start cannot complete where the earliest did not.
                    if !c.partAdjoins[parts].contains(true) { break }
                }
            }
        }
        return found.sorted { $0.start < $1.start }
    }

    /// The words that introduce the figure a change starts from ("up from", "nach … im Vorjahr"),
    /// as folded bytes between spaces: the amount reader's lists.
    static let changeIntroducers: [[UInt8]] = (AmountReader.changeFrom + AmountReader.fromWords).map { Array((" " + $0.joined(separator: " ") + " ").utf8) }

    /// "Fireworks AI said on Tuesday it had raised $250 million": a past perfect after a verb of
    /// saying is the tense of reported speech, not history. True when `cue` is such a "had …"
    /// and the few words before it are a speech verb and its subject ("said … it", "announced that").
    func reportsSpeech(before cue: Found, in range: Range<Int>) -> Bool {
        let start = range.lowerBound + cue.start
        guard body[start..<min(start + 4, range.upperBound)].elementsEqual("had ".utf8) else { return false }
        var before = [0x20] + FoldedText.fold(String(decoding: body[max(range.lowerBound, start - 40)..<start], as: UTF8.self))
        while before.last == 0x20 { before.removeLast() }
        before.append(0x20)
        return Self.speechVerbs.contains { before[...].containsBytes($0) }
            && Self.reportedSubjects.contains { before.count >= $0.count && before.suffix($0.count).elementsEqual($0) }
    }

    static let speechVerbs: [[UInt8]] = ["said", "says", "announced", "confirmed", "disclosed", "told"].map { Array(" \($0) ".utf8) }
    static let reportedSubjects: [[UInt8]] = ["it", "that", "they", "we"].map { Array(" \($0) ".utf8) }

    /// What an "according to" cites when the source is the company or authority itself.
    static let ownWords: [[UInt8]] = ["the company", "the firm", "the group", "a statement", "the statement", "a company statement",
                                      "a press release", "the press release", "a filing", "the filing", "a regulatory filing",
                                      "a stock exchange filing", "an exchange filing", "a securities filing", "company data"].map { Array(" \($0)".utf8) }

    static func citesItsOwnWord(_ rest: ArraySlice<UInt8>) -> Bool {
        let head = rest.prefix(40).map { FoldedText.asciiLower($0) }
        return ownWords.contains { w in head.count >= w.count && head[..<w.count].elementsEqual(w)
            && (head.count == w.count || !FoldedText.isWordByte(head[w.count])) }
    }

    /// "… in Alibaba-led round: report", "… – sources", "…, source says": a headline that ends
    /// by naming its source tells what others report.
    static let reportTags: [[UInt8]] = ["report", "reports", "sources", "source", "insider", "insiders", "bericht", "berichte", "kreise", "media",
                                        "source says", "sources say", "sources said", "report says", "people say", "people said",
                                        "ft says", "ft reports", "wsj says", "wsj reports", "bloomberg says", "bloomberg reports", "nikkei says", "nikkei reports",
                                        "the information says", "the information reports", "newspaper says", "paper says", "media say", "media report",
                                        // "… Texas data centre - FT": another outlet's scoop
                                        "ft", "cnbc", "wsj", "bloomberg", "bloomberg news", "the information", "nikkei", "handelsblatt"].map { Array($0.utf8) }

    static func endsWithReportTag(_ sentence: ArraySlice<UInt8>) -> Bool {
        let tail = Array(sentence.suffix(28).reversed().drop { $0 == 0x20 || $0 == 0x2E }.reversed()).map { FoldedText.asciiLower($0) }
        return reportTags.contains { t in
            guard tail.count > t.count, tail.suffix(t.count).elementsEqual(t) else { return false }
            let before = tail.dropLast(t.count).reversed().drop { $0 == 0x20 }
            // A colon, a hyphen or the last byte of an en or em dash (E2 80 93/94); a comma
            // before a verb of saying ("…, source says").
            return before.first.map { [0x3A, 0x2D, 0x93, 0x94].contains($0) || ($0 == 0x2C && t.contains(0x20)) } == true
        }
    }

    /// Words that tell a plant is being built, in lower case.
    static let underConstruction: [[UInt8]] = ["is building", "are building", "under construction", "baut", "bauen", "errichtet", "im bau"].map { Array($0.utf8) }

    /// Whether hit `h` is a whole one-part phrase of a kind `isKind` accepts ("former", "startup").
    static func completes(_ h: Classifier.Hit, in c: Classifier, _ isKind: (Classifier.PhraseKind) -> Bool) -> Bool {
        (Int(c.leadStart[h.pattern])..<Int(c.leadStart[h.pattern + 1])).contains { k in
            let phrase = Int(c.leadPhrases[k])
            return c.partStart[phrase + 1] - c.partStart[phrase] == 1 && isKind(c.phraseKind[phrase])
        }
    }

    /// The companies a sentence's hits name, each mention in order with its folded start. A past
    /// employer ("AT&S holt Ex-Jenoptik-Chef Michael Mertin an die Spitze") or customers named to
    /// describe another company (right after a `former` or `customers` word, as the sentence's
    /// actors go) are left out; without `chipMakers`, so is a maker named for whose chips they
    /// are ("Nvidia H100 GPUs"), which says nothing of what the story is about.
    static func companyMentions(_ hits: [Classifier.Hit], in c: Classifier, chipMakers: Bool = true) -> [(entity: Int, start: Int)] {
        let pastEnds = hits.filter { completes($0, in: c) { if case .notAnActor = $0 { true } else { false } } }.map(\.end)
        let productStarts = chipMakers ? [] : hits.filter { completes($0, in: c) { if case .product = $0 { true } else { false } } }.map(\.start)
        var mentions: [(entity: Int, start: Int, end: Int)] = []
        for h in hits where !pastEnds.contains(where: { $0 <= h.start && h.start - $0 <= 2 }) && !productStarts.contains(where: { $0 > h.end && $0 <= h.end + 4 }) {
            for k in Int(c.leadStart[h.pattern])..<Int(c.leadStart[h.pattern + 1]) {
                if case .entity(let e) = c.phraseKind[Int(c.leadPhrases[k])], c.rules.entities[e].kind.canBeActor { mentions.append((e, h.start, h.end)) }
            }
        }
        // The longest name wins where names overlap ("Hewlett Packard Enterprise" over "Hewlett Packard").
        return mentions.filter { m in !mentions.contains { $0.entity != m.entity && $0.start <= m.start && $0.end >= m.end && $0.end - $0.start > m.end - m.start } }
            .map { ($0.entity, $0.start) }
    }

    /// The company a sentence whose subject is only described ("The server maker reported …",
    /// "Der südkoreanische Konzern meldete …") means: the article's company when the
    /// sentence before names it or names none, else the first company that sentence names — a
    /// market report goes from company to company ("Hewlett Packard Enterprise jumped nearly 11%.").
    func antecedent(of i: Int) -> Int? {
        guard i > 0 else { return topicActor }
        let before = Self.companyMentions(perSentence[i - 1], in: classifier).map(\.entity)
        return before.isEmpty || before.contains(where: { $0 == topicActor }) ? topicActor : before[0]
    }

    /// Body offsets where descriptors end ("der japanische Chipausrüster Disco"): a capitalised
    /// word that ends there, before a name, is no first name.
    private lazy var descriptorEnds: Set<Int> = Set(perSentence.joined()
        .filter { Self.completes($0, in: classifier) { if case .descriptor = $0 { true } else { false } } }
        .map { original($0.end, end: true) })

    /// Whether `text` ends with the word "be" ("likely to be ", "would be ").
    static func endsWithBe(_ text: ArraySlice<UInt8>) -> Bool {
        // The last three bytes before the trailing spaces, last first: "e", "b", then no letter.
        let tail = Array(text.reversed().drop { $0 == 0x20 }.prefix(3))
        guard tail.count >= 2 else { return false }
        return (tail[0] | 0x20) == 0x65 && (tail[1] | 0x20) == 0x62 && (tail.count < 3 || !FoldedText.isWordByte(tail[2]))
    }

    /// " – ", " — ", " - ": a dash between spaces parts two clauses.
    static let spacedDashes: [[UInt8]] = [" – ", " — ", " - "].map { Array($0.utf8) }

    /// Whether `text` holds a comma, a semicolon or a dash between spaces (two stories in one
    /// headline: "Rumble übernimmt Northern Data – Tether sagt GPU-Aufträge … zu").
    static func separatesClauses(_ text: ArraySlice<UInt8>) -> Bool {
        text.contains { $0 == 0x2C || $0 == 0x3B } || spacedDashes.contains { text.containsBytes($0) }
    }

    static let sayingVerbs: [[UInt8]] = ["said", "says", "sagte", "erklärte", "teilte"].map { Array($0.utf8) }

    /// Whether the word after offset `end` of the sentence is "said", "sagte" and the like.
    static func isFollowedBySaying(_ sentence: ArraySlice<UInt8>, at end: Int) -> Bool {
        var k = sentence.startIndex + end
        while k < sentence.endIndex && sentence[k] == 0x20 { k += 1 }
        return sayingVerbs.contains { v in sentence.endIndex - k >= v.count && sentence[k..<(k + v.count)].elementsEqual(v)
            && (k + v.count == sentence.endIndex || !FoldedText.isWordByte(sentence[k + v.count])) }
    }

    static let definiteArticles: [[UInt8]] = ["the ", "der ", "die ", "das "].map { Array($0.utf8) }

    static func startsWithDefiniteArticle(_ sentence: ArraySlice<UInt8>) -> Bool {
        definiteArticles.contains { a in sentence.count > a.count && zip(sentence.prefix(a.count), a).allSatisfy { ($0 | 0x20) == $1 } }
    }

    /// The byte offset (in the sentence) where word `n` (counted from 0) starts, or the sentence's length.
    static func offsetOfWord(_ n: Int, in sentence: ArraySlice<UInt8>) -> Int {
        var words = 0
        for k in sentence.indices.dropFirst() where sentence[k - 1] == 0x20 && sentence[k] != 0x20 {
            words += 1
            if words == n { return k - sentence.startIndex }
        }
        return sentence.count
    }

    /// Words that start with a capital but name no company.
    static let notNames: Set<String> = [
        "The", "A", "An", "This", "That", "Its", "It", "In", "On", "At", "For", "With", "And", "Of", "To", "By", "As", "AI", "CEO", "About", "Über",
        "Der", "Die", "Das", "Den", "Dem", "Des", "Ein", "Eine", "Einen", "Im", "Mit", "Für", "Von", "Aus", "Bei", "Und", "Zu", "Zum", "Zur", "KI",
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
        "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
        "Januar", "Februar", "März", "Mai", "Juni", "Juli", "Oktober", "Dezember", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag",
        // "der wertvollste Technologiekonzern Europas": a place in the genitive after a descriptor.
        "Europas", "Deutschlands", "Asiens", "Amerikas", "Chinas", "Japans", "Koreas", "Südkoreas", "Taiwans", "Frankreichs", "Österreichs", "Indiens",
    ]

    /// The capitalised name (up to three words) right after a descriptor ("startup Black Forest
    /// Labs raised …"), with its offset in the sentence, and a second one joined by "and"/"und";
    /// none when a lower-case word follows.
    /// `stops`: where trigger and cue words start; a Title-Case headline's verb ends the name
    /// ("AI Startup Lumora Raises $120 Million").
    func names(after d: Found, in range: Range<Int>, stops: [Int]) -> [(text: String, start: Int)] {
        let sentence = body[range]
        var k = sentence.startIndex + d.end
        // The descriptor may end inside a word ("Chip-Startup", "Drohnenhersteller").
        while k < sentence.endIndex && FoldedText.isWordByte(sentence[k]) { k += 1 }
        var found: [(text: String, start: Int)] = []
        // "equipment makers Axcelis Technologies and Veeco Instruments": a second name after "and".
        while found.count < 2 {
            if !found.isEmpty {
                while k < sentence.endIndex && sentence[k] == 0x20 { k += 1 }
                guard let and = [Array("and ".utf8), Array("und ".utf8)].first(where: { sentence[k...].starts(with: $0) }) else { break }
                k += and.count
            }
            guard let name = capitalisedName(from: &k, in: sentence, stops: stops) else { break }
            found.append((name.text, name.start))
            if name.endsClause { break }
        }
        return found
    }

    /// Up to three capitalised words from `k` on, as a name with its offset in the sentence;
    /// `k` moves past them. `endsClause`: the last word ends in punctuation.
    private func capitalisedName(from k: inout Int, in sentence: ArraySlice<UInt8>, stops: [Int]) -> (text: String, start: Int, endsClause: Bool)? {
        var words: [String] = []
        var start = -1
        var ended = false
        while words.count < 3 && !ended {
            while k < sentence.endIndex && sentence[k] == 0x20 { k += 1 }
            var e = k
            while e < sentence.endIndex && sentence[e] != 0x20 { e += 1 }
            guard e > k else { break }
            let first = sentence[k]
            // A capital: ASCII A–Z or Ä Ö Ü (C3 84 / 96 / 9C).
            let capital = (first >= 0x41 && first <= 0x5A) || (first == 0xC3 && k + 1 < e && [0x84, 0x96, 0x9C].contains(sentence[k + 1]))
            var word = String(decoding: sentence[k..<e], as: UTF8.self)
            ended = word.last.map { ",.;:!?)".contains($0) } ?? false
            word = String(word.drop { $0 == "(" }.reversed().drop { ",.;:!?)".contains($0) }.reversed())
            if word.hasSuffix("'s") || word.hasSuffix("’s") { word = String(word.dropLast(2)) }
            guard capital, !word.isEmpty, !Self.notNames.contains(word), !classifier.amounts.isMoneyWord(word),
                  !stops.contains(k - sentence.startIndex) else { break }
            if start < 0 { start = k - sentence.startIndex }
            words.append(word)
            k = e
        }
        return words.isEmpty ? nil : (words.joined(separator: " "), start, ended)
    }

    /// Whether a capitalised run (offsets in the sentence) is a name the rules know: one of
    /// theirs starts it, unless that is only a place at its front ("Shanghai Huali Microelectronics").
    func namedByRules(_ start: Int, _ end: Int, _ known: [Found]) -> Bool {
        known.contains { k in
            guard k.start <= start && start < k.end else { return false }
            if case .entity(let e) = k.kind, !rules.entities[e].kind.canBeActor { return k.end >= end }
            return true
        }
    }

    /// Last words of investors' names: such a company funds a round, wherever it stands.
    static let investorWords: Set<Substring> = ["Ventures", "Capital", "Partners", "Fund", "Investments", "VC"]

    /// An actor the rules do not know, in the role its place in the sentence gives it.
    func unknownActor(_ name: String, before: Bool, roles: (before: String, after: String)) -> Actor {
        let investor = [roles.before, roles.after].contains("investor") && name.split(separator: " ").last.map { Self.investorWords.contains($0) } == true
        return Actor(name: name, ticker: nil, role: investor ? "investor" : before ? roles.before : roles.after)
    }

    /// "TI" for "Texas Instruments", "Lattice" for "Lattice Semiconductor".
    static func abbreviates(_ short: String, _ name: String) -> Bool {
        name.hasPrefix(short + " ") || (short.count >= 2 && String(name.split(separator: " ").compactMap(\.first)) == short)
    }

    /// The name a sentence starts with, when the rules do not know it but the article uses it as
    /// a company's name: "UiPath now expects fiscal 2025 revenue …", "Canva has acquired
    /// Leonardo.ai". `known`: spans of names the rules know (those are mentions already);
    /// `uses`: how often the article must use it as a name, past sentence starts.
    func unknownSubject(of range: Range<Int>, before limit: Int, known: [Found], stops: [Int], uses: Int = 1) -> String? {
        let sentence = body[range]
        var k = sentence.startIndex
        guard var name = capitalisedName(from: &k, in: sentence, stops: stops), name.start == 0,
              k - sentence.startIndex <= limit else { return nil }
        // "Luxembourg-based Gcore, a cloud provider, has raised …": where it is based describes the name.
        if let space = name.text.firstIndex(of: " "), Self.isPlaceOfBase(name.text.utf8[..<space]) {
            name.start = name.text.utf8.distance(from: name.text.startIndex, to: space) + 1
            name.text = String(name.text[name.text.index(after: space)...])
        }
        guard !namedByRules(name.start, name.start + name.text.utf8.count, known) else { return nil }
        let count = nameUses[name.text] ?? usesAsAName(name.text)
        nameUses[name.text] = count
        return count >= uses ? name.text : nil
    }

    /// "Luxembourg-based", "Paris-based": where a company sits, written before its name.
    static func isPlaceOfBase<Word: Collection<UInt8>>(_ word: Word) -> Bool {
        word.count > 6 && word.reversed().starts(with: "desab-".utf8)
    }

    /// The companies the article names, the topic first.
    private(set) lazy var articleEntities: [Int] = {
        var all: [Int] = topicActor.map { [$0] } ?? []
        for h in perSentence.joined() {
            for k in Int(classifier.leadStart[h.pattern])..<Int(classifier.leadStart[h.pattern + 1]) {
                if case .entity(let e) = classifier.phraseKind[Int(classifier.leadPhrases[k])], rules.entities[e].kind.canBeActor, !all.contains(e) { all.append(e) }
            }
        }
        return all
    }()

    /// The article's company when the rules know none in its headline and lead: the name the
    /// headline starts with, if the article uses it as a name ("UiPath shares plunge 30% as CEO
    /// Rob Enslin resigns"), used twice in running text: every sentence that names no company
    /// may borrow it ("Graphen statt Silizium: …" is a material, used once).
    private(set) lazy var unknownTopic: String? = {
        guard topicActor == nil, let headline = sentences.first else { return nil }
        let known = phrasesFound(in: 0, range: headline).filter { f in
            switch f.kind { case .entity, .product: return true; default: return false }
        }
        return unknownSubject(of: headline, before: headline.count, known: known, stops: [], uses: 2)
    }()

    /// Capitalised words the article was checked for: how often it uses them as a name.
    private var nameUses: [String: Int] = [:]

    /// Words before a noun, which a company's name goes without ("Der Umsatz", "the Revenue").
    static let determiners: Set<String> = [
        "the", "a", "an", "its", "their", "this", "that", "these", "those", "our", "his", "her",
        "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer", "eines", "im", "am", "zum", "zur", "vom", "beim",
        "sein", "seine", "seinen", "seinem", "seiner", "ihr", "ihre", "ihren", "ihrem", "ihrer", "dieser", "diese", "dieses", "diesen", "jede", "jeder",
    ]

    /// How often the article writes `name` as a company's name, not at a sentence's start (a
    /// capital there proves nothing); 0 unless it is never written in lower case ("Revenue …
    /// revenue"), never after a determiner ("Der Umsatz"), never as the last word of a longer
    /// name in the body ("Dines" of "Daniel Dines" is a person), and, if it has several words,
    /// its last word not more often alone ("Enslin" of "Rob Enslin").
    func usesAsAName(_ name: String) -> Int {
        let needle = Array(name.utf8)
        let lower = Array(name.lowercased().utf8)
        let titleEnd = sentences.first?.upperBound ?? 0
        var inRunningText = 0
        var p = 0
        while let at = Self.wordOccurrence(of: needle, in: body, from: p) {
            p = at + needle.count
            // Only the news counts ("Follow Synaptics on LinkedIn" is no use of a name).
            if boilerplate.contains(where: { $0.contains(at) }) { continue }
            // The word before: its bytes, back to a space.
            var e = at
            while e > 0 && body[e - 1] == 0x20 { e -= 1 }
            var b = e
            while b > 0 && body[b - 1] != 0x20 && body[b - 1] != 0x0A { b -= 1 }
            let before = body[b..<e]
            // After a line break, a stop, a colon or an opening quote or dash (their last UTF-8
            // byte is enough here), or glued to a bracket or quote: a sentence's start.
            let startsSentence = e == 0 || body[e - 1] == 0x0A || e == at || before.last.map { ".!?:\"“„»–-".utf8.contains($0) } == true
            if startsSentence { continue }
            if Self.isPlaceOfBase(before) { inRunningText += 1; continue }
            // "In Synaptics' view": no part of the name.
            if Self.notNames.contains(String(decoding: before, as: UTF8.self)) { continue }
            if Self.determiners.contains(String(decoding: before, as: UTF8.self).lowercased()) { return 0 }
            // ("…with the Securities and Exchange Commission, Ambiq posted": a comma ends the name
            // before; "der japanische Chipausrüster Disco": a descriptor is no first name.)
            if at >= titleEnd, let c = before.first, c >= 0x41 && c <= 0x5A, let l = before.last, !",;:)".utf8.contains(l),
               !descriptorEnds.contains(e) { return 0 }
            inRunningText += 1
        }
        // A word written in lower case too is a word, not a name; but not in an address
        // ("investor.relations@synaptics.com", "www.edgecortix.com") or outside the news.
        var q = 0
        while lower != needle, let at = Self.wordOccurrence(of: lower, in: body, from: q) {
            q = at + lower.count
            if boilerplate.contains(where: { $0.contains(at) }) { continue }
            let inAddress = (at > 0 && "@./".utf8.contains(body[at - 1])) || (q + 1 < body.count && body[q] == 0x2E && FoldedText.isWordByte(body[q + 1]))
            if !inAddress { return 0 }
        }
        guard lower != needle else { return 0 }
        // "Rob Enslin has resigned … Enslin said": a first and a last name.
        if let last = name.split(separator: " ").last, last.count < name.count, occurrences(of: Array(last.utf8)) > occurrences(of: needle) { return 0 }
        return inRunningText
    }

    func occurrences(of needle: [UInt8]) -> Int {
        var count = 0, p = 0
        while let at = Self.wordOccurrence(of: needle, in: body, from: p) { count += 1; p = at + needle.count }
        return count
    }

    /// The first whole-word occurrence of `needle` in `text` from `from` on.
    static func wordOccurrence(of needle: [UInt8], in text: [UInt8], from: Int) -> Int? {
        guard let first = needle.first else { return nil }
        var i = from
        while i + needle.count <= text.count {
            if text[i] == first && text[i..<(i + needle.count)].elementsEqual(needle)
                && (i == 0 || !FoldedText.isWordByte(text[i - 1]))
                && (i + needle.count == text.count || !FoldedText.isWordByte(text[i + needle.count])) {
                return i
            }
            i += 1
        }
        return nil
    }

    /// Whether `b` is in the word right after the word `a` ends in (folded text has one space
    /// between words).
    func adjoins(_ a: Classifier.Hit, _ b: Classifier.Hit) -> Bool {
        let text = folded.bytes
        var end = a.end
        while end < text.count && FoldedText.isWordByte(text[end]) { end += 1 }
        var start = b.start
        while start > 0 && FoldedText.isWordByte(text[start - 1]) { start -= 1 }
        return start == end + 1 && end < text.count && text[end] == 0x20
    }

    func events(in i: Int, range: Range<Int>, language: String) -> [Event] {
        let found = phrasesFound(in: i, range: range)
        // Every trigger of each rule (found is in sentence order), and the vetoed rules.
        var triggers: [(rule: Int, found: Found)] = []
        var vetoed: [(rule: Int, found: Found)] = []
        var cues: [(EventStatus, Found)] = []
        var names: [Found] = []
        var background: Found?
        var notActors: [Found] = []
        var descriptors: [Found] = []
        var refersBack = false
        var references: [Int] = []
        var subjectRefersBack = false
        /// Why a trigger told no event, for `--explain`.
        func miss(_ rule: Int, _ trigger: Found, _ reason: @autoclosure () -> String) {
            guard explain else { return }
            misses.append(Classifier.Miss(sentence: String(decoding: body[range], as: UTF8.self), rule: rules.rules[rule].type.rawValue,
                                          trigger: classifier.phrases[trigger.phrase].text, reason: reason()))
        }
        let isQuestion = self.isQuestion(range)
        let pastYear = self.pastYear(in: range)
        for f in found {
            switch f.kind {
            case .background where !reportsSpeech(before: f, in: range): background = background ?? f
            case .background: break
            case .trigger(let r):
                // "„Nvidia kauft das meiste HBM“, sagte Keller": what someone says is colour.
                if quotations.contains(where: { $0.contains(range.lowerBound + f.start) }) {
                    miss(r, f, "inside a quotation: what someone says is colour")
                } else if isQuestion {
                    miss(r, f, "the sentence is a question")
                } else {
                    triggers.append((r, f))
                }
            case .veto(let r): vetoed.append((r, f))
            case .cue(let s): cues.append((s, f))
            case .entity, .product: names.append(f)
            case .notAnActor: notActors.append(f)
            case .descriptor: descriptors.append(f)
            case .reference:
                refersBack = true
                references.append(f.start)
                // "The company, whose customers include Nvidia and Apple, expects …": the subject.
                if f.start <= 4 { subjectRefersBack = true }
            case .price, .boilerplate, .cut, .cutHeading: break
            }
        }
        let stops = found.compactMap { f -> Int? in
            switch f.kind { case .trigger, .veto, .cue: return f.start; default: return nil }
        }
        // "Der südkoreanische Speicherhersteller, wichtigster Lieferant von HBM für Nvidia, meldete …":
        // a subject described, not named, is the article's company.
        lazy var describesTheSubject = descriptors.contains { d in
            Self.startsWithDefiniteArticle(body[range]) && d.start <= Self.offsetOfWord(5, in: body[range])
                && !names.contains { $0.start < d.start } && self.names(after: d, in: range, stops: stops).isEmpty
        }
        let liveTriggers = triggers.filter { t in
            guard let veto = vetoed.first(where: { $0.rule == t.rule }) else { return true }
            miss(t.rule, t.found, "vetoed by \"\(classifier.phrases[veto.found.phrase].text)\"")
            return false
        }
        guard !liveTriggers.isEmpty else { return [] }
        let liveTypes = liveTriggers.map { rules.rules[$0.rule].type }
        // One event per rule, from its first trigger, over the whole sentence; or, when the rule's
        // triggers stand in clauses of their own ("AWS agreed a partnership with Humain, while
        // Qualcomm signed a memorandum of understanding with Humain"), one per clause.
        var live: [(rule: Int, trigger: Found, clause: Range<Int>)] = []
        for r in Set(liveTriggers.map(\.rule)).sorted() {
            let own = liveTriggers.filter { $0.rule == r }.map(\.found)
            var clauseStart = 0
            var first = own[0]
            for next in own.dropFirst() where !rules.rules[r].onePerSentence {
                guard let cut = Self.clauseBreak(in: body[range], from: first.end, to: next.start) else { continue }
                live.append((r, first, clauseStart..<cut))
                clauseStart = cut
                first = next
            }
            live.append((r, first, clauseStart..<range.count))
        }

        // Longest name wins where names overlap ("Samsung Electronics" over "Samsung").
        var accepted: [Found] = []
        for n in names.sorted(by: { ($0.end - $0.start) > ($1.end - $1.start) }) where !accepted.contains(where: { $0.start < n.end && n.start < $0.end }) {
            accepted.append(n)
        }
        accepted.sort { $0.start < $1.start }
        // "Hotard, a former Intel executive, took over as Nokia's chief": Intel is his past, and so
        // is a company listed with it ("des früheren Apple- und Google-Entwicklers"); "TSMC, whose
        // customers include Nvidia and Apple, …": both are customers, not actors.
        var pastEnd: Int?
        // A former word may end inside a longer one ("früher*" in "früheren").
        let notActorEnds = notActors.map { f in
            var e = f.end
            while e < range.count && FoldedText.isWordByte(body[range.lowerBound + e]) { e += 1 }
            return e
        }
        accepted.removeAll { n in
            let past = notActorEnds.contains { $0 <= n.start && n.start - $0 <= 2 }
                || pastEnd.map { $0 <= n.start && Self.joinsAList(body[(range.lowerBound + $0)..<(range.lowerBound + n.start)]) } == true
            if past { pastEnd = n.end }
            return past
        }
        var entityMentions: [(entity: Int, found: Found)] = []
        var countryMentions: [(entity: Int, found: Found)] = []
        var productMentions: [(product: Int, found: Found)] = []
        for n in accepted {
            switch n.kind {
            // Every mention is kept (a clause may name a company the sentence named before); an
            // event lists each company once.
            case .entity(let e) where rules.entities[e].kind.canBeActor: entityMentions.append((e, n))
            case .entity(let e) where rules.entities[e].kind == .country: countryMentions.append((e, n))
            case .product(let p): productMentions.append((p, n))
            default: break
            }
        }
        lazy var sentence = String(decoding: body[range], as: UTF8.self)
        // Figures are read once per sentence, and only if a rule wants them.
        lazy var figures = classifier.amounts.tokenize(Array(body[range]))
        lazy var allAmounts = classifier.amounts.mayHoldMoney(body[range]) ? classifier.amounts.amounts(in: figures, language: language) : []
        lazy var allQuantities: [AmountReader.Found<Quantity>] = {
            let starts = Dictionary(productMentions.map { ($0.found.start, rules.products[$0.product].name) }) { a, _ in a }
            return classifier.amounts.quantities(in: figures, language: language, productAt: { starts[$0] })
        }()
        /// The sentence's history cue, unless it only dates the figure a change starts from, told
        /// after the event's own figure: "… 2,5 Milliarden Dollar, nach gut vier Milliarden im
        /// Vorjahr", "$2.5 billion, up from $1.9 billion a year ago".
        func historyCue(after figureEnd: Int?) -> Found? {
            guard let cue = background else { return nil }
            guard let end = figureEnd, end <= cue.start else { return cue }
            // Folded (as the lists are) and padded, so a word at either end is a whole word.
            let between = [0x20] + FoldedText.fold(String(decoding: body[(range.lowerBound + end)..<(range.lowerBound + cue.start)], as: UTF8.self)) + [0x20]
            return Self.changeIntroducers.contains { between[...].containsBytes($0) } ? nil : cue
        }
        let vendors = productMentions.compactMap { rules.products[$0.product].vendor }
        /// "TI's $60 billion fab pledge, Qualcomm buys Alphawave", "to buy Celestial AI for up to
        /// $5.5 billion; forecasts revenue …": a figure that a comma or semicolon parts from this
        /// trigger belongs to another event's trigger in its own clause, or nearer to it.
        func ownedByOtherTrigger(_ start: Int, _ end: Int, trigger: Found, rule: Int) -> Bool {
            func gap(_ f: Found) -> Int { f.end <= start ? start - f.end : max(0, f.start - end) }
            // Whether a clause separator stands between the figure and `f`.
            func separated(_ f: Found) -> Bool {
                let (from, to) = f.end <= start ? (f.end, start) : (end, f.start)
                return from < to && Self.separatesClauses(body[(range.lowerBound + from)..<(range.lowerBound + to)])
            }
            guard separated(trigger) else { return false }
            // A rule that another type of this sentence suppresses tells no event and owns no
            // figure ("will build a … facility …, investing up to $4.6 billion": the plant's sum).
            return liveTriggers.contains {
                $0.rule != rule && rules.rules[$0.rule].type != rules.rules[rule].type
                    && !rules.rules[$0.rule].suppressedBy.contains(where: liveTypes.contains)
                    && (!separated($0.found) || gap($0.found) < gap(trigger))
            }
        }
        /// Whether a company name is followed by a chip word or a product ("Nvidia GPUs",
        /// "Nvidia-Chips", "AMD's MI300X"), or names whose supplier another is ("der
        /// Nvidia-Zulieferer", "Apple supplier Foxconn").
        func namesChips(_ m: Found) -> Bool {
            if productMentions.contains(where: { $0.found.start > m.end && $0.found.start <= m.end + 4 }) { return true }
            let from = range.lowerBound + m.end
            let next = FoldedText.fold(String(decoding: body[from..<min(from + 40, range.upperBound)], as: UTF8.self))
            func followedBy(_ word: String) -> Bool {
                let u = word.utf8
                return next.starts(with: u) && (next.count == u.count || !FoldedText.isWordByte(next[u.count]))
            }
            return classifier.amounts.units.contains(where: followedBy) || Self.supplierWords.contains(where: followedBy)
        }
        var events: [Event] = []
        for (r, trigger, clause) in live {
            let rule = rules.rules[r]
            if let by = rule.suppressedBy.first(where: liveTypes.contains) {
                miss(r, trigger, "suppressed: the sentence tells a \(by.rawValue)")
                continue
            }
            // Any of the rule's triggers in the sentence may be one that fires anywhere, not only the first.
            if rule.topicOnly && i > 3 && !leadRules.contains(r)
                && !liveTriggers.contains(where: { $0.rule == r && rule.firesAnywhere.contains(classifier.phrases[$0.found.phrase].text) }) {
                miss(r, trigger, "topic-only rule past the lead, and the headline and lead tell no \(rule.type.rawValue)")
                continue
            }
            var reasons: [String] = []
            func why(_ reason: @autoclosure () -> String) { if explain { reasons.append(reason()) } }
            why("rule \(rule.type.rawValue): trigger \"\(classifier.phrases[trigger.phrase].text)\"")
            var borrowedActor = false
            var spans = [Span(start: trigger.start, end: trigger.end, label: "trigger")]
            var confidence = rule.confidence
            var mentions: [(entity: Int, found: Found)] = []
            // In export controls countries act too; but a country glued to the next word after the
            // trigger describes it ("Exportbeschränkungen … und Töne von US-Notenbankchef Powell"):
            // goods go "nach China", never to a "China-Geschäft".
            func describesNextWord(_ m: Found) -> Bool {
                m.start > trigger.start && range.lowerBound + m.end < range.upperBound && body[range.lowerBound + m.end] == UInt8(ascii: "-")
            }
            for m in (rule.type == .exportControl
                      ? (entityMentions + countryMentions.filter { !describesNextWord($0.found) }).sorted { $0.found.start < $1.found.start }
                      : entityMentions)
            where clause.contains(m.found.start) && !mentions.contains(where: { $0.entity == m.entity }) {
                mentions.append(m)
            }
            if rule.companiesOnly { mentions.removeAll { rules.entities[$0.entity].kind == .regulator } }
            // "depreciation on the company's fleet of Nvidia GPUs", "Server mit AMD-Beschleunigern":
            // a maker that only says whose chips they are does not report results, build plants,
            // raise money or change its chief here.
            // The article's own company keeps them ("SK Hynix HBM sales doubled").
            if Self.chipMakersAreNoActorsIn.contains(rule.type) { mentions.removeAll { $0.entity != topicActor && namesChips($0.found) } }
            // "Intel plans to spend more than $100 billion …, the Commerce Department said": an
            // authority that only tells the news is its source (in export controls it acts).
            if rule.type != .exportControl {
                let sources = mentions.filter { rules.entities[$0.entity].kind == .regulator && Self.isFollowedBySaying(body[range], at: $0.found.end) }
                if sources.count < mentions.count { mentions.removeAll { m in sources.contains { $0.found.start == m.found.start } } }
            }
            // A country that restricts exports ("China bans …") acts through its government: name
            // both. A country after the trigger ("… exports to China") is where goods go.
            let governments = rule.type == .exportControl
                ? mentions.filter { $0.found.start < trigger.start }.compactMap { m in
                    rules.entities[m.entity].government.flatMap { classifier.entityIndex[$0] }.map { (entity: $0, found: m.found) }
                }
                : []
            let swapped = rule.rolesSwappedFor.contains(classifier.phrases[trigger.phrase].text)
            let (roleBefore, roleAfter) = swapped ? (rule.roleAfter, rule.roleBefore) : (rule.roleBefore, rule.roleAfter)
            var actors: [Actor] = (mentions + governments.filter { g in !mentions.contains { $0.entity == g.entity } }).map { m in
                let e = rules.entities[m.entity]
                spans.append(Span(start: m.found.start, end: m.found.end, label: "actor"))
                var role = m.found.start < trigger.start ? roleBefore : roleAfter
                // The chips' maker sells, wherever it stands ("… sollen jeweils 50.000 Nvidia-GPUs erhalten").
                if vendors.contains(e.name) || (rule.type == .gpuPurchase && namesChips(m.found))
                    || (e.kind == .investor && rule.roleAfter == "investor") { role = rule.roleAfter }
                if rule.type == .exportControl {
                    // In export controls the kind decides: states regulate, companies are affected.
                    switch e.kind {
                    case .regulator: role = "regulator"
                    case .country: role = m.found.start < trigger.start ? "regulator" : "destination"
                    default: role = rule.roleAfter
                    }
                }
                return e.actor(role)
            }
            // "The Biden administration announced new rules …": a government's export controls are
            // issued by its authority, the Commerce Department; name both.
            if rule.type == .exportControl {
                let authorities = actors.filter { $0.role == "regulator" }.compactMap { a in
                    classifier.entityIndex[a.name].flatMap { rules.entities[$0].exportAuthority }.flatMap { classifier.entityIndex[$0] }
                }
                for k in authorities where !actors.contains(where: { $0.name == rules.entities[k].name }) { actors.append(rules.entities[k].actor("regulator")) }
            }
            if rule.type == .productLaunch && actors.isEmpty, let maker = productMentions.lazy.compactMap({ self.rules.products[$0.product].vendor }).first,
               let e = classifier.entityIndex[maker].map({ rules.entities[$0] }) {
                // "Trainium3 soll Ende 2025 verfügbar sein": a chip is launched by its maker.
                actors = [e.actor(rule.roleBefore)]
                why("actor \(e.name): the maker of the product")
            }
            if subjectRefersBack || describesTheSubject, !actors.isEmpty, let topic = describesTheSubject ? antecedent(of: i) : topicActor, rule.type != .exportControl,
               !actors.contains(where: { $0.name == rules.entities[topic].name }), !(rule.companiesOnly && rules.entities[topic].kind == .regulator) {
                let e = rules.entities[topic]
                actors.insert(e.actor(roleBefore), at: 0)
                why("actor \(e.name): the sentence's subject refers back to \(topic == topicActor ? "the article's company" : "the company the sentence before names")")
            }
            // "Das Münchner KI-Start-up Parloa sammelt 120 Millionen Dollar ein", "Nvidia-backed startup
            // Lumora raises …": a company the rules do not know (a known one is a mention already).
            for d in descriptors {
                for name in self.names(after: d, in: range, stops: stops) {
                    guard clause.contains(name.start), !namedByRules(name.start, name.start + name.text.utf8.count, accepted),
                          !actors.contains(where: { $0.name == name.text }) else { continue }
                    if actors.isEmpty { confidence -= 0.1 }
                    actors.append(unknownActor(name.text, before: name.start < trigger.start, roles: (roleBefore, roleAfter)))
                    why("actor \(name.text): a name after \"\(classifier.phrases[d.phrase].text)\" (not in Rules/entities)")
                }
            }
            // "UiPath now expects fiscal 2025 revenue of …": a subject the rules do not know, or
            // know only by its full name ("TI", "Lattice" in an article that names Texas
            // Instruments or Lattice Semiconductor).
            if actors.isEmpty, let name = unknownSubject(of: range, before: trigger.start, known: accepted, stops: stops) {
                if let full = articleEntities.first(where: { Self.abbreviates(name, rules.entities[$0].name) }) {
                    actors = [rules.entities[full].actor(roleBefore)]
                    why("actor \(rules.entities[full].name): the sentence's subject \(name) is short for a company the article names")
                } else {
                    confidence -= 0.1
                    actors = [unknownActor(name, before: true, roles: (roleBefore, roleAfter))]
                    why("actor \(name): the sentence's subject, a name the article uses (not in Rules/entities)")
                }
            }
            // "Neoclouds rent out H100s": when the only company named is the maker of the chips,
            // nobody is buying anything, unless the sentence counts chips for the article's company
            // ("Das Rechenzentrum soll mit 10.000 H100-GPUs ausgestattet werden") or refers back to
            // it ("The company will use the capital to buy more H100s"). (A maker named only by a
            // chip word, "Nvidia GPUs", stays: the events it gives match purchases told without a
            // buyer, "Chinese tech groups order Nvidia chips worth $16 billion".)
            // A government that buys a counted lot is a buyer ("The U.K. government will buy 5,000 GPUs").
            let governmentBuys = actors.contains { classifier.regulatorNames.contains($0.name) && $0.role == roleBefore }
                && allQuantities.contains(where: { clause.contains($0.start) })
            if rule.type == .gpuPurchase, !actors.isEmpty, !governmentBuys,
               actors.allSatisfy({ vendors.contains($0.name) || classifier.isGovernment($0) }) {
                // (The article's company may be one the rules do not know: "Mit dem Geld kauft das
                // Unternehmen die begehrten Grafikprozessoren von Nvidia" in a story about it.)
                guard let buyer = topicActor.map({ rules.entities[$0].actor(roleBefore) }) ?? unknownTopic.map({ Actor(name: $0, ticker: nil, role: roleBefore) }),
                      !vendors.contains(buyer.name), !actors.contains(where: { $0.name == buyer.name }),
                      refersBack || allQuantities.contains(where: { clause.contains($0.start) }) else {
                    miss(r, trigger, "the only company named is the chips' maker, and no buyer is counted or referred to")
                    continue
                }
                actors.insert(buyer, at: 0)
                confidence -= 0.15
                why("actor \(buyer.name) taken from the article's headline and lead (the sentence names only the chips' maker)")
            }
            if actors.isEmpty {
                // Borrow the article's company only where the sentence plausibly continues its
                // story: in the headline and lead, when the sentence carries a figure, or when it
                // refers back to it ("the company", "der Konzern").
                let hasFigure = !allAmounts.isEmpty || !allQuantities.isEmpty
                let subject = describesTheSubject ? antecedent(of: i) : topicActor
                let topic = subject.map { rules.entities[$0] }
                guard let name = topic?.name ?? unknownTopic, i <= 3 || hasFigure || refersBack,
                      !((rule.companiesOnly || rule.requires.contains(.company)) && topic?.kind == .regulator) else {
                    miss(r, trigger, "no actor named (the article's company stands in only in the lead, with a figure, or when the sentence refers back to it)")
                    continue
                }
                actors = [topic?.actor(roleBefore) ?? Actor(name: name, ticker: nil, role: roleBefore)]
                confidence -= 0.15
                borrowedActor = true
                why(subject == topicActor ? "actor \(name) taken from the article's headline and lead (the sentence names none)"
                    : "actor \(name): the sentence's subject refers back to the company the sentence before names")
            }
            // "SK Hynix will invest 103 trillion won … to strengthen its chip business, the group
            // said in a statement": the only company named invests, in nobody named, referred to
            // or described after the trigger ("in the company", "in den französischen
            // Sprachmodell-Entwickler"); it spends on itself, and that is no round.
            if rule.type == .fundingRound, swapped, actors.count == 1, actors[0].role != rule.roleBefore,
               !references.contains(where: { $0 >= trigger.end }), !descriptors.contains(where: { $0.start >= trigger.end }) {
                miss(r, trigger, "an investor invests, but in nobody the sentence names, refers to or describes")
                continue
            }
            if rule.requires.contains(.company) && actors.allSatisfy(classifier.isGovernment) {
                miss(r, trigger, "the rule requires a company and only governments are named")
                continue
            }
            if rule.requires.contains(.regulator) && !actors.contains(where: classifier.isGovernment) {
                miss(r, trigger, "the rule requires a regulator and none is named")
                continue
            }
            var amount: Money?
            var amountEnd: Int?
            if rule.requires.contains(.amount) || rule.type != .productLaunch {
                let all = allAmounts.filter { clause.contains($0.start) }
                var candidates = all.filter {
                    $0.isTheSum && !ownedByOtherTrigger($0.start, $0.end, trigger: trigger, rule: r)
                }
                // Results are told by revenue first; a profit is the figure only when it is the only one.
                if rule.type == .earningsGuidance && candidates.contains(where: { !$0.isProfit }) { candidates.removeAll { $0.isProfit } }
                if let best = candidates.min(by: { abs($0.start - trigger.start) < abs($1.start - trigger.start) }) {
                    amount = best.value
                    amountEnd = best.end
                    spans.append(Span(start: best.start, end: best.end, label: "amount"))
                } else if !all.isEmpty {
                    why("no amount is the sum itself (valuations, differences, prices per share, figures below 100,000 and other events' figures are not)")
                }
            }
            let historyCue = historyCue(after: amountEnd)
            let isHistory = historyCue != nil || pastYear != nil
            // Past the lead, a sentence dated years back narrates the story's history: its events
            // were news then ("Musk co-founded OpenAI in 2015 but left its board in 2018").
            if let year = pastYear, i > 2 {
                miss(r, trigger, "history: past the lead, the sentence names the year \(year)")
                continue
            }
            if isHistory, !rule.requires.contains(.amount), amount != nil {
                // "…, when Microsoft invested $1 billion in OpenAI": history, not this event's figure.
                amount = nil
                why("amount ignored: the sentence tells history ("
                    + (historyCue.map { "\"\(classifier.phrases[$0.phrase].text)\"" } ?? "the year \(pastYear!)") + ")")
            }
            if rule.requires.contains(.amount) && amount == nil {
                miss(r, trigger, "the rule requires an amount and none is the sum")
                continue
            }
            var quantity: Quantity?
            // Chips bought, or chips a licence lets through ("60,400 A100 chips to the UAE").
            if rule.type == .gpuPurchase || rule.type == .exportControl || rule.requires.contains(.quantity) {
                if let q = allQuantities.first(where: { clause.contains($0.start) }) {
                    quantity = q.value
                    spans.append(Span(start: q.start, end: q.end, label: "quantity"))
                }
            }
            if rule.requires.contains(.quantity) && quantity == nil {
                miss(r, trigger, "the rule requires a quantity and none is counted")
                continue
            }
            let product = productMentions.first.map { rules.products[$0.product].name }
            if rule.requires.contains(.product) && product == nil {
                miss(r, trigger, "the rule requires a product and none is named")
                continue
            }

            let status = self.status(cues, trigger: trigger, sentence: body[range],
                                     results: rule.type == .earningsGuidance, plansAfterTrigger: ![.partnership, .productLaunch].contains(rule.type))
            var eventStatus = status.status
            // "The Ascend 950PR would launch in the first quarter of 2026" in a 2025 article: a
            // year still to come makes the event a plan (not results: "fiscal 2026 revenue").
            if eventStatus == .confirmed, rule.type != .earningsGuidance, let now = historyBefore.map({ $0 + 1 }),
               let year = Self.years(in: body[range]).first(where: { $0 > now && $0 <= now + 10 }) {
                eventStatus = .planned
                why("status planned: the sentence names \(year), after the article's year")
            } else if eventStatus == .confirmed, rule.type == .fabInvestment, case let lower = body[range].map(FoldedText.asciiLower),
                      let word = Self.underConstruction.first(where: { Self.wordOccurrence(of: $0, in: lower, from: 0) != nil }) {
                // "SK Hynix baut … Werk in Indiana", "TSMC is building two plants in Arizona": a
                // plant under construction is not yet there.
                eventStatus = .planned
                why("status planned: the plant is still being built (\"\(String(decoding: word, as: UTF8.self))\")")
            } else if eventStatus == .confirmed && Self.endsWithReportTag(body[range]) {
                eventStatus = .reported
                why("status reported: the headline ends by naming its source (\"- report\")")
            } else if let cue = status.cue {
                spans.append(Span(start: cue.start, end: cue.end, label: "status"))
                why("status \(eventStatus.rawValue): cue \"\(classifier.phrases[cue.phrase].text)\"")
            } else {
                why("status confirmed: no hedge, plan, rumour or denial cue")
            }
            if amount != nil || quantity != nil { confidence += 0.1 }
            if actors.count >= 2 { confidence += 0.05 }
            if eventStatus == .rumor { confidence -= 0.1 }
            if isHistory { confidence -= 0.3 }
            confidence = min(0.99, max(0.05, confidence))
            confidence = (confidence * 100).rounded() / 100
            why("confidence \(confidence): base \(rule.confidence)" + (amount != nil || quantity != nil ? ", +0.10 figure found" : "")
                           + (actors.count >= 2 ? ", +0.05 several actors" : "") + (eventStatus == .rumor ? ", -0.10 rumour" : "")
                           + (borrowedActor ? ", -0.15 actor from context" : "") + (isHistory ? ", -0.30 history" : ""))
            let event = Event(type: rule.type, actors: actors, amount: amount, quantity: quantity, product: product, status: eventStatus,
                              confidence: confidence, evidence: sentence, spans: spans.sorted { $0.start < $1.start },
                              ruleID: rule.type.rawValue, rulesetVersion: rules.version, language: language, reasons: reasons)
            if rule.type == .gpuPurchase, let lots = lotsPerBuyer(in: range, mentions: mentions, quantity: quantity, language: language,
                                                                   isMaker: { vendors.contains(self.rules.entities[$0.entity].name) || namesChips($0.found) }) {
                // "ByteDance and Tencent each ordered about 230,000 Nvidia chips", "Amazon bought
                // 196,000 Hopper chips and Google 169,000": one purchase per buyer, with its own count.
                let buyerNames = Set(lots.map { rules.entities[$0.buyer].name })
                for lot in lots {
                    var own = event
                    own.actors = [rules.entities[lot.buyer].actor(roleBefore)] + actors.filter { !buyerNames.contains($0.name) }
                    own.quantity = lot.quantity
                    if explain { own.reasons.append("one purchase per buyer: \(rules.entities[lot.buyer].name)") }
                    events.append(own)
                }
            } else {
                events.append(event)
            }
        }
        return events
    }

    /// Several buyers, each with a lot of its own: "ByteDance and Tencent each ordered about 230,000
    /// Nvidia chips" (one count for each), "Amazon bought 196,000 Hopper chips and Google 169,000"
    /// (each name followed by its count). Nil for one buyer, or buyers that share one lot.
    func lotsPerBuyer(in range: Range<Int>, mentions: [(entity: Int, found: Found)], quantity: Quantity?, language: String,
                      isMaker: ((entity: Int, found: Found)) -> Bool) -> [(buyer: Int, quantity: Quantity?)]? {
        let buyers = mentions.filter { !isMaker($0) && rules.entities[$0.entity].kind != .regulator }
        guard buyers.count >= 2 else { return nil }
        let sentence = body[range]
        let each = Self.eachWords.contains { w in Self.wordOccurrence(of: w, in: Array(sentence), from: 0) != nil }
        if each { return buyers.map { ($0.entity, quantity) } }
        // Gapping: every buyer after the first joins the list ("and", "und", a comma) and is
        // followed by its own number.
        var lots: [(buyer: Int, quantity: Quantity?)] = [(buyers[0].entity, quantity)]
        for b in buyers.dropFirst() {
            let before = sentence[..<(sentence.startIndex + b.found.start)]
            guard [", ", "and ", "und "].contains(where: { before.suffix($0.utf8.count).elementsEqual($0.utf8) }),
                  let count = Self.bareCount(in: sentence, after: sentence.startIndex + b.found.end, language: language) else { return nil }
            lots.append((b.entity, quantity.map { Quantity(value: count, unit: $0.unit) }))
        }
        return lots
    }

    /// Words after a company's name that make another company its supplier (folded).
    static let supplierWords = ["supplier", "suppliers", "zulieferer", "lieferant", "lieferanten"]

    /// "each", "jeweils", "respectively": the same lot, or its own lot, for every one named.
    static let eachWords: [[UInt8]] = ["each", "jeweils", "respectively", "beziehungsweise", "bzw"].map { Array($0.utf8) }

    /// A count right after `k` ("Google 169,000", "Google about 169,000"), in the language's number format.
    static func bareCount(in sentence: ArraySlice<UInt8>, after k: Int, language: String) -> Double? {
        var i = k
        while i < sentence.endIndex && sentence[i] == 0x20 { i += 1 }
        // The amount reader's hedges ("about", "rund"), as whole words before the count.
        for hedge in AmountReader.hedgesBeforeFigures where hedge.first!.isLetter && sentence[i...].starts(with: Array((hedge + " ").utf8)) {
            i += hedge.utf8.count + 1
        }
        var digits: [UInt8] = []
        let thousands: UInt8 = language == "de" ? 0x2E : 0x2C
        while i < sentence.endIndex, (sentence[i] >= 0x30 && sentence[i] <= 0x39) || sentence[i] == thousands {
            if sentence[i] != thousands { digits.append(sentence[i]) }
            i += 1
        }
        guard !digits.isEmpty, i == sentence.endIndex || !FoldedText.isWordByte(sentence[i]) else { return nil }
        return Double(String(decoding: digits, as: UTF8.self))
    }

    /// A sum told in a sentence of its own for an event told before it: a price phrase of some
    /// rules ("Kaufpreis", "is paying") with a figure, or the phrase here and the figure in the
    /// next sentence ("Den Kaufpreis nannte Nvidia nicht. Berichten zufolge beläuft er sich auf
    /// rund 700 Millionen US-Dollar."), unless that sentence tells an event of its own (`nextTellsEvent`).
    /// History, questions and the rules' vetoes tell no price.
    func price(in i: Int, range: Range<Int>, language: String, nextTellsEvent: Bool) -> (types: Set<EventType>, amount: Money, why: String)? {
        let found = phrasesFound(in: i, range: range)
        var priced: [(rule: Int, found: Found)] = []
        var vetoed: [Int] = []
        for f in found {
            switch f.kind {
            case .price(let r): priced.append((r, f))
            case .veto(let r): vetoed.append(r)
            case .background: return nil
            default: break
            }
        }
        priced.removeAll { vetoed.contains($0.rule) }
        guard let phrase = priced.first?.found, !isQuestion(range), pastYear(in: range) == nil,
              !quotations.contains(where: { $0.contains(range.lowerBound + phrase.start) }) else { return nil }
        let types = Set(priced.map { rules.rules[$0.rule].type })
        // The first sum after the phrase, else the last one before it.
        func sum(_ range: Range<Int>, after: Int) -> Money? {
            let sums = classifier.amounts.amounts(in: classifier.amounts.tokenize(Array(body[range])), language: language)
                .filter(\.isTheSum)
            return (sums.first { $0.start >= after } ?? sums.last)?.value
        }
        let text = "\"\(classifier.phrases[phrase.phrase].text)\""
        if let m = sum(range, after: phrase.end) { return (types, m, text) }
        guard i + 1 < sentences.count, !nextTellsEvent else { return nil }
        let next = sentences[i + 1]
        guard !isQuestion(next), pastYear(in: next) == nil, !quotations.contains(where: { $0.overlaps(next) }),
              let m = sum(next, after: 0) else { return nil }
        return (types, m, text + " in the sentence before the figure")
    }

    /// A question ("SMIC: 5-nm-Fertigung trotz Sanktionen?") reports nothing.
    func isQuestion(_ sentence: Range<Int>) -> Bool { body[sentence].last == UInt8(ascii: "?") }

    /// The earliest year in the sentence two or more before the article's: it tells history.
    func pastYear(in sentence: Range<Int>) -> Int? { historyBefore.flatMap { Self.earliestYear(in: body[sentence], before: $0) } }

    /// Whether the text between two names only lists them: "- und ", " and ", ", ", " or ".
    static func joinsAList(_ gap: ArraySlice<UInt8>) -> Bool {
        let words = gap.split(whereSeparator: { $0 == 0x20 || $0 == 0x2C || $0 == 0x2D }).map { String(decoding: $0, as: UTF8.self).lowercased() }
        return gap.count <= 8 && words.count <= 1 && words.allSatisfy { ["and", "und", "or", "oder"].contains($0) }
    }

    /// Words that compare results with a yardstick ("compared with analysts' average estimate").
    static let yardsticks: [[UInt8]] = ["estimate", "analyst", "consensus", "compared with", "expectation", "forecast of",
                                        "schätzung", "analysten", "erwartung", "prognose der"].map { Array($0.utf8) }

    static func namesAYardstick(_ text: ArraySlice<UInt8>) -> Bool {
        let lower = ArraySlice(text.map { FoldedText.asciiLower($0) })
        return yardsticks.contains { lower.containsBytes($0) }
    }

    /// Event types in which a company named only for its chips ("Nvidia GPUs") is no actor.
    static let chipMakersAreNoActorsIn: Set<EventType> = [.earningsGuidance, .fabInvestment, .fundingRound, .leadershipChange]

    /// Where a new clause with its own subject starts between two triggers: "; ", ", while ",
    /// ", whereas ", ", während " (not a bare comma or "and": "raised $1bn, and plans to …").
    static let clauseBreaks: [[UInt8]] = ["; ", ", while ", ", whereas ", " while ", ", während ", ", wohingegen ", "; außerdem "].map { Array($0.utf8) }

    static func clauseBreak(in sentence: ArraySlice<UInt8>, from: Int, to: Int) -> Int? {
        guard from < to else { return nil }
        let base = sentence.startIndex
        for k in from..<to {
            for b in clauseBreaks where k + b.count <= to && sentence[(base + k)..<(base + k + b.count)].elementsEqual(b) { return k + 1 }
        }
        return nil
    }

    /// The earliest year (1980–2099, written as a word of four digits) in `sentence` that is
    /// before `limit`: "co-founded OpenAI in 2015", "im Jahr 2019".
    static func earliestYear(in sentence: ArraySlice<UInt8>, before limit: Int) -> Int? {
        years(in: sentence).filter { (1980..<limit).contains($0) }.min()
    }

    /// The years a sentence names, written as words of four digits.
    static func years(in sentence: ArraySlice<UInt8>) -> [Int] {
        var years: [Int] = []
        var k = sentence.startIndex
        @inline(__always) func isDigit(_ i: Int) -> Bool { i >= sentence.startIndex && i < sentence.endIndex && sentence[i] >= 0x30 && sentence[i] <= 0x39 }
        while k + 4 <= sentence.endIndex {
            guard isDigit(k), !isDigit(k - 1) else { k += 1; continue }
            var end = k
            while isDigit(end) { end += 1 }
            let before = k > sentence.startIndex ? sentence[k - 1] : 0x20
            let after = end < sentence.endIndex ? sentence[end] : 0x20
            // A year stands alone: not "$2019", "2,019", "2019.5" or "2019-Milliarden".
            if end - k == 4, before != 0x24, before != 0x2C, before != 0x2E, !(after == 0x2C && isDigit(end + 1)), !(after == 0x2E && isDigit(end + 1)) {
                let year = sentence[k..<end].reduce(0) { $0 * 10 + Int($1 - 0x30) }
                if (1980...2099).contains(year) { years.append(year) }
            }
            k = end
        }
        return years
    }

    /// Words that make a rumour cue after them history: "long-rumored", "much-rumoured".
    static let longAwaited: [[UInt8]] = ["long-", "much-", "oft-"].map { Array($0.utf8) }

    /// The strongest cue decides: denial > rumour > hedge (reported) > plan.
    /// A plan cue in a later clause than the trigger belongs to something else ("Intel und AWS
    /// haben eine Vereinbarung geschlossen, nach der Intel einen KI-Chip herstellen soll");
    /// hedges and denials speak for the whole sentence ("…, according to the report"). Results are the
    /// company's own figures: a hedge in a later clause cites the estimates they are compared
    /// with ("expects revenue of $37.5 billion, …, compared with analysts' average estimate of
    /// $37.08 billion, according to LSEG data"), so there a hedge in a later clause that follows a
    /// yardstick stays in its clause; "Micron expects revenue of $8.7 billion, according to
    /// people familiar with the matter" is still reported. And guidance is about the future by
    /// nature: "sees $40 billion in revenue next year" is the company's forecast, not a plan.
    /// A partnership is planned only by a plan told before its trigger ("plans to sign a
    /// partnership"); after it, a plan is what the partners agreed to do ("wollen … gemeinsam
    /// Chips entwickeln", `plansAfterTrigger` false). So is a launch: a chip unveiled "die die
    /// Hopper-Architektur ablösen soll" is launched, what it is to do later is its purpose.
    func status(_ cues: [(EventStatus, Found)], trigger: Found, sentence: ArraySlice<UInt8>, results: Bool, plansAfterTrigger: Bool = true) -> (status: EventStatus, cue: Found?) {
        for s in [EventStatus.denied, .rumor, .reported, .planned] where !(s == .planned && results) {
            let cue = cues.first { c in
                guard c.0 == s else { return false }
                if s == .planned && !plansAfterTrigger && c.1.start >= trigger.end { return false }
                // "must obtain a licence — likely to be denied": what may be refused later denies no news.
                if s == .denied && Self.endsWithBe(sentence[..<(sentence.startIndex + c.1.start)]) { return false }
                // "OpenAI closed its long-rumored funding round": what was rumoured has now happened.
                if s == .rumor && Self.longAwaited.contains(where: { sentence[..<(sentence.startIndex + c.1.start)].reversed().starts(with: $0.reversed()) }) { return false }
                // "according to the company", "according to a stock exchange filing": its own word.
                if s == .reported && classifier.phrases[c.1.phrase].text == "according to" && Self.citesItsOwnWord(sentence[(sentence.startIndex + c.1.end)...]) { return false }
                let inClause = s == .planned || (s == .reported && results)
                guard inClause, c.1.start > trigger.end else { return true }
                let between = sentence[(sentence.startIndex + trigger.end)..<(sentence.startIndex + c.1.start)]
                if s == .reported && !Self.namesAYardstick(between) { return true }
                return !Self.separatesClauses(between)
            }
            if let cue { return (s, cue.1) }
        }
        return (.confirmed, nil)
    }
}

extension EntityDefinition {
    /// The entity as an event's actor with `role`.
    func actor(_ role: String) -> Actor { Actor(name: name, ticker: ticker, role: role) }
}

extension ArraySlice<UInt8> {
    /// Whether `needle` occurs in these bytes.
    func containsBytes(_ needle: [UInt8]) -> Bool {
        guard count >= needle.count else { return false }
        return (startIndex...(endIndex - needle.count)).contains { self[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}
