@testable import Classifier
import Foundation
import Testing
import TrackerModel
import TrackerTesting

let shippedRules: RuleSet = try! RuleSet.load(from: PackagePaths.rules)
/// What users run: the rules and the evidence model.
let shippedClassifier = Classifier(rules: shippedRules)
/// The rules alone: most tests here are about how the rules read a sentence (actors, roles,
/// amounts, status), which the evidence model, trained on the corpora's conventions, only
/// filters afterwards (its own tests are in EvidenceModelTests).
let classifier: Classifier = {
    var c = shippedClassifier
    c.evidenceModel = nil
    return c
}()

@Suite struct ShippedRuleTests {
    @Test func rulesLoadWithEveryEventTypeAndEnoughEntities() {
        #expect(Set(shippedRules.rules.map(\.type)) == Set(EventType.allCases))
        #expect(shippedRules.entities.filter { $0.kind.canBeActor }.count >= 60)
        #expect(shippedRules.products.contains { $0.name == "H100" && $0.vendor == "Nvidia" })
    }

    /// Every rule file's own `match` / `no_match` examples (what `tracker rules test` runs).
    @Test func embeddedRuleTestsPass() {
        let report = shippedClassifier.runRuleTests()
        #expect(report.total >= 9 * 10)
        // They test the rules; how many of their events the model would drop is only reported.
        #expect(report.droppedByModel != nil && report.matchExamples > 500)
        for failure in report.failures { Issue.record("\(failure)") }
    }
}

@Suite struct SeedArticleTests {
    let events: [Event] = {
        let text = try! String(contentsOf: PackagePaths.shared.appendingPathComponent("seed/seed-article-de.txt"), encoding: .utf8)
        let lines = text.split(separator: "\n", maxSplits: 1)
        return shippedClassifier.classify(title: String(lines[0]), text: String(lines[1]), language: "de", explain: true)
    }()

    func event(_ type: EventType, with actors: [String]) -> Event? {
        events.first { e in e.type == type && actors.allSatisfy { a in e.actors.contains { $0.name == a } } }
    }

    @Test func fundingRoundWithTheRange() throws {
        let e = try #require(event(.fundingRound, with: ["OpenAI"]))
        #expect(e.amount == Money(min: 8e9, max: 1e10, currency: "USD"))
        #expect(e.status == .reported)
    }

    @Test func fabInvestment() throws {
        let e = try #require(event(.fabInvestment, with: ["OpenAI"]))
        #expect(e.status == .reported)
    }

    @Test func partnershipIsARumour() throws {
        let e = try #require(event(.partnership, with: ["OpenAI", "Intel", "TSMC", "Samsung Electronics"]))
        #expect(e.status == .rumor)
    }

    @Test func gpuPurchaseWithQuantity() throws {
        let e = try #require(event(.gpuPurchase, with: ["Meta", "Nvidia"]))
        #expect(e.quantity == Quantity(value: 350000, unit: "H100"))
        #expect(e.status == .planned)
    }

    @Test func nothingForbidden() {
        #expect(!events.contains { $0.type == .acquisition })
        let forbiddenActors: Set<String> = ["Bloomberg", "Algoine", "Arizona State University"]
        #expect(!events.contains { $0.actors.contains { forbiddenActors.contains($0.name) } })
        #expect(!events.contains { $0.evidence.contains("Verwandte Lektüre") || $0.evidence.contains("Disclaimer") || $0.evidence.contains("Arizona State") })
    }

    @Test func everyEventExplainsItself() {
        for e in events {
            #expect(!e.evidence.isEmpty)
            #expect(e.spans.contains { $0.label == "trigger" })
            #expect(e.ruleID == e.type.rawValue)
            #expect(e.rulesetVersion == shippedRules.version)
            #expect(!e.reasons.isEmpty)
        }
    }
}

/// `classify --explain` tells why a trigger that fired gave no event.
@Suite struct ExplainTests {
    func misses(_ title: String, _ text: String, _ lang: String = "en") -> [Classifier.Miss] {
        classifier.explain(title: title, text: text, language: lang).misses
    }

    @Test func aVetoIsNamed() throws {
        let out = classifier.explain(title: "Tech week", text: "Microsoft will invest $80 billion in AI data centers this fiscal year.", language: "en")
        #expect(!out.events.contains { $0.type == .fundingRound })
        let miss = try #require(out.misses.first { $0.rule == "funding_round" })
        #expect(miss.trigger == "invest ... in")
        #expect(miss.reason.hasPrefix("vetoed by \"invest* ... data cent*\""))
        #expect(miss.sentence.hasPrefix("Microsoft will invest"))
    }

    @Test func aQuestionAndAQuotationTellNothing() {
        #expect(misses("Will Nvidia buy Arm?", "").contains { $0.rule == "acquisition" && $0.reason.contains("question") })
        let quoted = misses("Chip notes", "\u{201C}We will acquire Graphcore and make it the heart of our AI plans,\u{201D} the SoftBank executive joked, according to people present at the dinner.")
        #expect(quoted.contains { $0.rule == "acquisition" && $0.reason.contains("quotation") })
    }

    @Test func anOpinionPieceReportsNoEvent() throws {
        let text = "Nvidia agreed to buy Run:ai for $700 million last year, and the deal shows where the market is heading."
        #expect(!classifier.classify(title: "Nvidia's shopping spree", text: text, language: "en").isEmpty)
        let out = classifier.explain(title: "Opinion: Nvidia's shopping spree", text: text, language: "en")
        #expect(out.events.isEmpty)
        #expect(try #require(out.misses.first).reason.contains("opinion piece"))
        #expect(classifier.classify(title: "Kommentar: Nvidias Einkaufstour", text: "Nvidia übernimmt Run:ai für 700 Millionen Dollar.", language: "de").isEmpty)
    }

    @Test func eventsAreTheSameAsWithoutExplaining() throws {
        let title = "SoftBank in talks to invest up to $25bn in OpenAI"
        let text = "Microsoft will invest $80 billion in AI data centers this fiscal year. Nvidia dürfte 10.000 H100-GPUs an Meta liefern."
        let explained = classifier.explain(title: title, text: text)
        #expect(!explained.events.isEmpty && explained.events.allSatisfy { !$0.reasons.isEmpty })
        #expect(explained.events.map { e in var e = e; e.reasons = []; return e } == classifier.classify(title: title, text: text))
    }
}

@Suite struct AmountTests {
    func amount(_ text: String, _ lang: String) -> Money? {
        classifier.amounts.amounts(in: text, language: lang).first?.value
    }

    @Test(arguments: [
        ("OpenAI wants to raise $8-10 billion.", "en", Money(min: 8e9, max: 1e10, currency: "USD")),
        ("Das Ziel liegt zwischen 8 und 10 Milliarden US-Dollar.", "de", Money(min: 8e9, max: 1e10, currency: "USD")),
        ("Es geht um 8 bis 10 Milliarden US-Dollar.", "de", Money(min: 8e9, max: 1e10, currency: "USD")),
        ("Der Konzern investiert €1,5 Mrd. in Dresden.", "de", Money(min: 1.5e9, max: 1.5e9, currency: "EUR")),
        ("Der Konzern investiert 10 Mrd. € in Dresden.", "de", Money(min: 1e10, max: 1e10, currency: "EUR")),
        ("OpenAI raised $6.6bn.", "en", Money(min: 6.6e9, max: 6.6e9, currency: "USD")),
        ("Amazon will invest up to $4 billion in Anthropic.", "en", Money(min: nil, max: 4e9, currency: "USD")),
        ("Mistral sammelt 600 Millionen Euro ein.", "de", Money(min: 6e8, max: 6e8, currency: "EUR")),
        ("The deal is worth US$2.3 billion.", "en", Money(min: 2.3e9, max: 2.3e9, currency: "USD")),
        ("Die Investition beträgt 2 Billionen Dollar.", "de", Money(min: 2e12, max: 2e12, currency: "USD")),
        ("TSMC forecast revenue of between $25.0 billion and $25.8 billion.", "en", Money(min: 2.5e10, max: 2.58e10, currency: "USD")),
        ("Capex will be $38 billion to $42 billion.", "en", Money(min: 3.8e10, max: 4.2e10, currency: "USD")),
        ("The fund closed at USD 5bn.", "en", Money(min: 5e9, max: 5e9, currency: "USD")),
        ("TSMC will in Dresden eine Chipfabrik für rund zehn Milliarden Euro bauen.", "de", Money(min: 1e10, max: 1e10, currency: "EUR")),
        ("Der Bund gibt mehr als eine Milliarde Euro.", "de", Money(min: 1e9, max: nil, currency: "EUR")),
        ("Der Umsatz soll zwischen 30 und 35 Milliarden Euro liegen.", "de", Money(min: 3e10, max: 3.5e10, currency: "EUR")),
    ])
    func readsMoney(text: String, lang: String, expected: Money) {
        #expect(amount(text, lang) == expected)
    }

    @Test func aCurrencyWordEndsOneAmountAndStartsNoOther() {
        // Was a crash (two overlapping amounts): "Dollar" is the first figure's currency, not "Dollar 49".
        let found = classifier.amounts.amounts(in: "Im Juni hatte Meta für 14,3 Milliarden Dollar 49 Prozent am Datendienstleister Scale AI übernommen.", language: "de")
        #expect(found.map(\.value) == [Money(min: 1.43e10, max: 1.43e10, currency: "USD")])
        #expect(classifier.amounts.amounts(in: "Nvidia pays USD 49 per share.", language: "en").map(\.value) == [Money(min: 49, max: 49, currency: "USD")])
    }

    @Test func numbersWithoutCurrencyAreNotMoney() {
        #expect(amount("The model has 175 billion parameters.", "en") == nil)
        #expect(amount("Im Jahr 2024 wuchs der Markt.", "de") == nil)
        // "won" is money only after a scale word.
        #expect(amount("The chipmaker, which in 2024 won approval for its plant, said so.", "en") == nil)
        #expect(amount("Samsung will invest 9.1 trillion won in the plant.", "en") == Money(min: 9.1e12, max: 9.1e12, currency: "KRW"))
    }

    @Test func guidanceRangesAndComparisons() {
        #expect(amount("AMD expects revenue of about $9.6 billion, plus or minus $300 million.", "en") == Money(min: 9.3e9, max: 9.9e9, currency: "USD"))
        #expect(amount("Umsatz von 9,6 Milliarden Dollar plus oder minus 300 Millionen Dollar", "de") == Money(min: 9.3e9, max: 9.9e9, currency: "USD"))
        #expect(amount("Für das Schlussquartal peilt der Konzern einen Umsatz von rund 3,3 Milliarden Dollar an, plus oder minus 100 Millionen Dollar.", "de") == Money(min: 3.2e9, max: 3.4e9, currency: "USD"))
        #expect(amount("Für das dritte Quartal peilt ASML einen Umsatz von rund 7,4 Milliarden Dollar an, plus oder minus 300 Millionen.", "de") == Money(min: 7.1e9, max: 7.7e9, currency: "USD"))
        #expect(amount("Micron erwartet einen Umsatz von 8,8 Milliarden US-Dollar, plus/minus 200 Millionen.", "de") == Money(min: 8.6e9, max: 9.0e9, currency: "USD"))
        // "Mill." is a scale, not the end of the sentence.
        #expect(classifier.classify(title: "", text: "Infineon erwartet von der Sparte Umsätze von 225 bis 250 Mill. Dollar bei einer Marge von 60%.", language: "de")
                .first?.amount == Money(min: 225e6, max: 250e6, currency: "USD"))
        #expect(amount("ASML expects third-quarter sales of 6.7 billion to 7.3 billion euros.", "en") == Money(min: 6.7e9, max: 7.3e9, currency: "EUR"))
        #expect(amount("Der Konzern erwartet einen Umsatz zwischen 30 Milliarden und 35 Milliarden Euro.", "de") == Money(min: 3e10, max: 3.5e10, currency: "EUR"))
        // A margin in per cent is no amount range.
        #expect(amount("Revenue of $9.6 billion, plus or minus 2%.", "en") == Money(min: 9.6e9, max: 9.6e9, currency: "USD"))
        #expect(amount("Für das vierte Quartal peilt ST einen Umsatz von 4,30 Mrd. Dollar an, plus oder minus 350 Basispunkte.", "de") == Money(min: 4.3e9, max: 4.3e9, currency: "USD"))
        // "in excess of", "exceed" open the range upwards.
        #expect(amount("Broadcom expects AI revenue in excess of $10 billion for fiscal 2024.", "en") == Money(min: 1e10, max: nil, currency: "USD"))
        #expect(amount("Samsung is considering a line in Yokohama, with an investment expected to exceed 30 billion yen.", "en") == Money(min: 3e10, max: nil, currency: "JPY"))
        let found = classifier.amounts.amounts(in: "Commerce finalized up to $7.86 billion, about $640 million less than the $8.5bn agreed in March.", language: "en")
        #expect(found.map(\.isComparison) == [false, true, true])
        // "mehr als 5 Milliarden Dollar" is an amount of at least $5 billion, not a comparison.
        let atLeast = classifier.amounts.amounts(in: "AWS will mehr als 5 Milliarden Dollar investieren.", language: "de")
        #expect(atLeast.map(\.isComparison) == [false])
        #expect(atLeast.first?.value == Money(min: 5e9, max: nil, currency: "USD"))
        // A share of revenue is no amount range: "plus or minus 2%" leaves the figure as it is.
        #expect(amount("Nvidia expects revenue of $37.5 billion, plus or minus 2%.", "en") == Money(min: 37.5e9, max: 37.5e9, currency: "USD"))
        #expect(amount("Für das erste Quartal stellt AMD einen Umsatz von rund 7,1 Milliarden US-Dollar in Aussicht, plus oder minus 300 Millionen US-Dollar.", "de")
                == Money(min: 6.8e9, max: 7.4e9, currency: "USD"))
    }

    @Test func aConversionIsNotTheFigure() {
        // "umgerechnet" converts the figure before it, as a bracket does: the yen are the loss.
        let loss = classifier.classify(title: "", text: "Softbank verbuchte einen Nettoverlust von 369,2 Milliarden Yen, umgerechnet rund 2,3 Milliarden Euro.", language: "de")
        #expect(loss.first?.amount == Money(min: 369.2e9, max: 369.2e9, currency: "JPY"))
        #expect(amount("Samsung will invest 1.5 billion euros, the equivalent of $1.6 billion, in Dresden.", "en") == Money(min: 1.5e9, max: 1.5e9, currency: "EUR"))
    }

    @Test func aQuartersResultInsideTheNextGuidanceRangeIsAnotherStatement() {
        let results = classifier.classify(title: "Celestica raises outlook", text: """
            Celestica forecast third-quarter revenue of between $2.875 billion and $3.125 billion.
            Second-quarter revenue rose 21% from a year earlier to $2.89 billion.
            """, language: "en").filter { $0.type == .earningsGuidance }
        #expect(results.map(\.amount?.max).sorted { ($0 ?? 0) < ($1 ?? 0) } == [2.89e9, 3.125e9])
        // A range told as its middle is one statement.
        let guidance = classifier.classify(title: "Nvidia expects revenue of $32.5 billion", text: """
            Nvidia expects revenue of $32.5 billion, plus or minus $650 million, for the third quarter.
            """, language: "en").filter { $0.type == .earningsGuidance }
        #expect(guidance.count == 1)
    }

    /// Status as journalists tell it: the first event of `type` in one sentence.
    @Test(arguments: [
        // A headline that ends by naming its source is a report; a report that is the subject is no tag.
        ("Chinese AI unicorn MiniMax raises US$600 million in Alibaba-led round: report", "en", EventType.fundingRound, EventStatus.reported),
        ("Intel in advanced talks to buy SambaNova for about $1.6 billion - sources", "en", .acquisition, .reported),
        ("Oracle to spend about $40 billion on Nvidia chips for OpenAI's Texas data center, FT says", "en", .gpuPurchase, .reported),
        ("Oracle to spend $40bn on Nvidia chips for OpenAI's Texas data centre - FT", "en", .gpuPurchase, .reported),
        ("Nvidia buys Run:ai for $700 million after a critical report", "en", .acquisition, .confirmed),
        // A market story on the back of a report, an analyst's estimate, "demnach" (as the report says).
        ("Samsung shares jump after report it signed a supply deal with Nvidia", "en", .partnership, .reported),
        ("Amazon bought 196,000 Hopper chips from Nvidia this year, Omdia estimated.", "en", .gpuPurchase, .reported),
        ("Poolside sammelt demnach insgesamt zwei Milliarden Dollar ein.", "de", .fundingRound, .reported),
        // "according to" the company is its own word.
        ("SK Telecom invested $100 million in Anthropic, according to the company.", "en", .fundingRound, .confirmed),
        ("SK Telecom invested $100 million in Anthropic, according to people familiar with the matter.", "en", .fundingRound, .reported),
        // What partners agree to do is no plan, a plan to partner is.
        ("Intel and Nvidia agreed to jointly develop data-center chips that will ship next year.", "en", .partnership, .confirmed),
        ("Samsung plans to sign a partnership with OpenAI next month.", "en", .partnership, .planned),
        // A plant still being built is planned; one opened is there.
        ("TSMC is building two plants in Arizona at a cost of $40 billion.", "en", .fabInvestment, .planned),
        ("SK Hynix baut für 3,87 Milliarden Dollar ein Werk für KI-Speicher in Indiana.", "de", .fabInvestment, .planned),
        ("GlobalWafers opened its $3.5 billion silicon wafer factory in Texas on Thursday.", "en", .fabInvestment, .confirmed),
        // Guidance is about the future by nature.
        ("Super Micro expects revenue of $40 billion next year.", "en", .earningsGuidance, .confirmed),
        // A chip unveiled is launched, whatever it is to do later; one to be unveiled is planned.
        ("Nvidia stellte in der Nacht die neue Chip-Generation Blackwell vor, die die Hopper-Architektur ablösen soll.", "de", .productLaunch, .confirmed),
        ("Nvidia will im Herbst die neue Chip-Generation Blackwell vorstellen.", "de", .productLaunch, .planned),
        // "künftig" (from now on) tells what a rule requires, not a plan.
        ("Die US-Regierung verlangt künftig eine Lizenz für die Ausfuhr des H20-Chips nach China.", "de", .exportControl, .confirmed),
        // What was long rumoured has now happened.
        ("OpenAI closed its long-rumored funding round this week, raising $6.6 billion.", "en", .fundingRound, .confirmed),
        ("OpenAI is in rumored talks to raise $6.6 billion.", "en", .fundingRound, .rumor),
    ])
    func statusAsJournalistsTellIt(_ text: String, _ language: String, _ type: EventType, _ status: EventStatus) {
        let event = classifier.classify(title: "", text: text, language: language).first { $0.type == type }
        #expect(event?.status == status, "\(text)")
    }

    @Test func aSentenceThatListsTheBackersBelongsToTheRound() {
        let rounds = classifier.classify(title: "", text: """
            Das KI-Start-up Zhipu sammelt eine Milliarde Yuan ein.
            Zu den Geldgebern gehören neben Alibaba und Tencent auch Meituan und Xiaomi.
            """, language: "de").filter { $0.type == .fundingRound }
        #expect(rounds.count == 1)
        #expect(rounds.first.map { r in ["Alibaba", "Tencent"].allSatisfy { n in r.actors.contains { $0.name == n } } } == true)
    }

    @Test func aPastEmployerIsNotTheStorysCompany() {
        let events = classifier.classify(title: "AT&S holt Ex-Jenoptik-Chef Michael Mertin an die Spitze", text: """
            Beim steirischen Halbleiterzulieferer AT&S kommt es zu einem Wechsel an der Spitze.
            Mertin übernimmt den Posten im Juni.
            """, language: "de")
        // (It was the company of both sentences' changes.)
        #expect(!events.contains { $0.actors.contains { $0.name == "Jenoptik" } })
    }

    @Test func aPastPerfectAfterSaidIsReportedSpeechNotHistory() {
        let round = classifier.classify(title: "", text: "Fireworks AI said on Tuesday it had raised $250 million in a Series C round that values the company at $4 billion.", language: "en")
        #expect(round.first?.amount == Money(min: 250e6, max: 250e6, currency: "USD"))
        // History stays history.
        let history = classifier.classify(title: "", text: "Fireworks AI had raised $52 million in 2024.", language: "en")
        #expect(history.first?.amount == nil)
    }

    @Test func valuationsAreMarked() {
        let found = classifier.amounts.amounts(in: "OpenAI raised $6.6 billion at a valuation of $157 billion.", language: "en")
        #expect(found.map(\.isValuation) == [false, true])
        let after = classifier.amounts.amounts(in: "OpenAI is in talks to raise money at a $500 billion valuation.", language: "en")
        #expect(after.map(\.isValuation) == [true])
        // The valuation word may stand further back in the clause, but not past another figure.
        let postMoney = classifier.amounts.amounts(in: "Die Bewertung nach der Finanzierung (post-money) liegt bei 11,7 Milliarden Euro.", language: "de")
        #expect(postMoney.map(\.isValuation) == [true])
        let round = classifier.amounts.amounts(in: "OpenAI, valued at $157 billion after its last round, raised $6.6 billion from investors.", language: "en")
        #expect(round.map(\.isValuation) == [true, false])
        let valueAt = classifier.amounts.amounts(in: "The pre-money valuation was $18 billion, which would put xAI's value at about $24 billion after the new money.", language: "en")
        #expect(valueAt.map(\.isValuation) == [true, true])
    }

    @Test func aFigureInAnotherStoryOfTheHeadlineIsNotTheEventsAmount() throws {
        // Two stories joined by a dash: the figure belongs to the first one's trigger, not to the
        // revenue forecast after the dash.
        let dashed = classifier.classify(title: "", text: "Marvell to buy Celestial AI for up to $5.5 billion – forecasts revenue above estimates", language: "en")
        #expect(dashed.first { $0.type == .acquisition }?.amount == Money(min: nil, max: 5.5e9, currency: "USD"))
        #expect(!dashed.contains { $0.type == .earningsGuidance && $0.amount != nil })
    }

    @Test func guidanceIsNewsAnywhereButPastRevenueOnlyInAResultsStory() {
        let lead = "Intel cuts 15% of jobs. The company will lay off more than 15,000 people. It also suspends its dividend. Shares fell 20%. "
        let guidance = classifier.classify(title: "Intel to cut 15,000 jobs", text: lead + "Intel expects third-quarter revenue of $12.5 billion to $13.5 billion.", language: "en")
        #expect(guidance.contains { $0.type == .earningsGuidance && $0.amount == Money(min: 1.25e10, max: 1.35e10, currency: "USD") })
        let history = classifier.classify(title: "Intel to cut 15,000 jobs", text: lead + "Intel had revenue of $54 billion last year.", language: "en")
        #expect(!history.contains { $0.type == .earningsGuidance })
        let leadDE = "Intel streicht 15 Prozent der Stellen. Mehr als 15.000 Beschäftigte sollen gehen. Die Dividende fällt aus. Die Aktie fiel um 20 Prozent. "
        let german = classifier.classify(title: "Intel streicht 15.000 Stellen", text: leadDE + "Für das dritte Quartal stellte Intel einen Umsatz zwischen 12,5 und 13,5 Milliarden Dollar in Aussicht.", language: "de")
        #expect(german.contains { $0.type == .earningsGuidance && $0.amount == Money(min: 1.25e10, max: 1.35e10, currency: "USD") })
    }

    @Test func twoPeopleLeavingAreTwoChangesAndOnePersonToldTwiceIsOne() {
        let title = "Technikchefin Mira Murati verlässt OpenAI"
        let murati = "Die Technikchefin Mira Murati hat am Mittwoch überraschend ihren Abschied von OpenAI angekündigt."
        let two = classifier.classify(title: title, text: murati + " OpenAI-Chef Sam Altman dankte ihr. Später am Tag teilte OpenAI mit, dass auch Forschungschef Bob McGrew und Barret Zoph das Unternehmen verlassen.", language: "de")
        #expect(two.filter { $0.type == .leadershipChange }.count == 2)
        let one = classifier.classify(title: title, text: murati, language: "de")
        #expect(one.filter { $0.type == .leadershipChange }.count == 1)
        let e = Event(type: .leadershipChange, actors: [], amount: nil, quantity: nil, product: nil, status: .confirmed, confidence: 0.7,
                      evidence: "Auch Forschungschef Bob McGrew und Barret Zoph verlassen das Unternehmen.", spans: [], ruleID: "", rulesetVersion: "", language: "de", reasons: [])
        #expect(Classifier.people(in: e) == ["Bob McGrew", "Barret Zoph"])
    }

    @Test func aRoundToldOnlyByItsInvestorsIsTheArticlesRound() throws {
        // The second sentence names only the lead investor and its share: one round, with the
        // round's sum and both parties.
        let events = classifier.classify(title: "Sutskevers Start-up SSI sammelt zwei Milliarden Dollar ein",
                                         text: "Angeführt wurde die Runde laut Insidern vom Investor Greenoaks, der allein 500 Millionen Dollar beisteuerte.", language: "de")
        let rounds = events.filter { $0.type == .fundingRound }
        #expect(rounds.count == 1)
        #expect(rounds.first?.amount == Money(min: 2e9, max: 2e9, currency: "USD"))
        #expect(Set(rounds.first?.actors.map(\.name) ?? []) == ["Safe Superintelligence", "Greenoaks"])
        // "The round" as a word: "around" and "im Grunde" are no round.
        #expect(Classifier.namesTheRound("The round was led by Greenoaks.") && Classifier.namesTheRound("Die Finanzierungsrunde führte Greenoaks an."))
        #expect(!Classifier.namesTheRound("Greenoaks put in around $500 million.") && !Classifier.namesTheRound("Im Grunde investierte Greenoaks allein."))
    }

    @Test func theArticlesCompanyTakesTheSubjectsRoleOfTheTrigger() throws {
        // "investiert … in" swaps the funding roles: the unnamed subject is the investor.
        let events = classifier.classify(title: "ASML wird Großaktionär eines französischen KI-Start-ups",
                                         text: "Der niederländische Chipausrüster investiert 1,3 Milliarden Euro in den französischen Sprachmodell-Entwickler.", language: "de")
        let round = try #require(events.first { $0.type == .fundingRound && $0.amount != nil })
        #expect(round.actors.first { $0.name == "ASML" }?.role == "investor")
    }

    @Test func aFigureOrMoreIsALowerBound() {
        let fine = classifier.amounts.amounts(in: "TSMC could face a $1 billion or more fine.", language: "en")
        #expect(fine.map(\.value) == [Money(min: 1e9, max: nil, currency: "USD")])
        let strafe = classifier.amounts.amounts(in: "TSMC drohe eine Strafe von einer Milliarde Dollar oder mehr.", language: "de")
        #expect(strafe.map(\.value) == [Money(min: 1e9, max: nil, currency: "USD")])
    }

    @Test func theFigureAChangeStartsFromIsNeitherTheSumNorHistory() throws {
        // The comparison figure is not the sum, and its "a year ago" / "im Vorjahr" dates that
        // figure, not the sentence: the plan keeps its own figure.
        let upFrom = classifier.amounts.amounts(in: "Micron will invest $2.5 billion this year, up from $1.9 billion a year ago.", language: "en")
        #expect(upFrom.map(\.isComparison) == [false, true])
        let micron = try #require(classifier.classify(title: "", text: "Micron will invest $2.5 billion in its Idaho fab this year, up from $1.9 billion a year ago.", language: "en").first)
        #expect(micron.amount == Money(min: 2.5e9, max: 2.5e9, currency: "USD"))
        let st = try #require(classifier.classify(title: "", text: "Für 2024 plant STMicro Nettoinvestitionen von rund 2,5 Milliarden Dollar für seine Fabriken, nach gut vier Milliarden im Vorjahr.", language: "de").first)
        #expect(st.type == .fabInvestment && st.amount == Money(min: 2.5e9, max: 2.5e9, currency: "USD"))
        // A history cue before the figure still tells history.
        let past = try #require(classifier.classify(title: "", text: "Im Vorjahr hatte STMicro Nettoinvestitionen von rund vier Milliarden Dollar für seine Fabriken getätigt.", language: "de").first)
        #expect(past.amount == nil)
    }

    @Test func aRuleThatTheSentenceSuppressesOwnsNoFigure() throws {
        // "investing" is a funding-round word, but a plant suppresses funding rounds: the sum is the plant's.
        let plant = classifier.classify(title: "", text: "WARSAW, June 16 (Reuters) - Intel will build a semiconductor assembly and testing facility near the Polish city of Wroclaw, investing up to $4.6 billion, the U.S. chipmaker said on Friday.", language: "en")
        #expect(plant.map(\.type) == [.fabInvestment])
        #expect(plant.first?.amount == Money(min: nil, max: 4.6e9, currency: "USD"))
    }

    @Test func smallFiguresAreNoDealSums() throws {
        // Analysts' price targets are no round, and $150 is no deal's sum.
        let targets = classifier.classify(title: "Marvell shares jump",
                                          text: "At least eight brokerages raised their price targets on the stock, with one firm moving its target to $150 from $110.", language: "en")
        #expect(targets.isEmpty)
        let deal = try #require(classifier.classify(title: "", text: "Nvidia shares rose 3% to $150 after it agreed to buy Run:ai.", language: "en").first)
        #expect(deal.type == .acquisition && deal.amount == nil)
        let seed = classifier.classify(title: "", text: "Mistral AI raised $150,000 from angel investors.", language: "en")
        #expect(seed.first?.amount == Money(min: 1.5e5, max: 1.5e5, currency: "USD"))
    }

    @Test func pricesPerShareAndProfitsAreNotTheSum() throws {
        let stake = try #require(classifier.classify(title: "", text: "Nvidia will purchase Intel common stock at $23.28 per share, a $5 billion investment.", language: "en").first)
        #expect(stake.amount == Money(min: 5e9, max: 5e9, currency: "USD"))
        let found = classifier.amounts.amounts(in: "Der operative Gewinn stieg um 69 Prozent auf 2,1 Milliarden Euro, der Umsatz auf 7,5 Milliarden Euro.", language: "de")
        #expect(found.map(\.isProfit) == [true, false])
        // Results are told by their revenue, also when the profit comes first.
        let results = try #require(classifier.classify(title: "ASML-Quartalszahlen: Umsatz steigt",
                                                       text: "Der operative Gewinn stieg um 69 Prozent auf 2,1 Milliarden Euro, der Umsatz auf 7,5 Milliarden Euro.", language: "de").first)
        #expect(results.amount == Money(min: 7.5e9, max: 7.5e9, currency: "EUR"))
    }

    @Test func aMakerThatOnlySaysWhoseChipsTheyAreIsNoActor() {
        let events = classifier.classify(title: "CoreWeave revenue more than doubles on AI demand",
                                         text: "The net loss widened to $314.6 million as depreciation on the company's rapidly growing fleet of Nvidia GPUs climbed.", language: "en")
        #expect(events.contains { $0.type == .earningsGuidance && $0.actors.map(\.name) == ["CoreWeave"] })
        #expect(!events.contains { $0.actors.contains { $0.name == "Nvidia" } })
        // The article's own company keeps its results, chip word or not.
        let amd = classifier.classify(title: "AMD results beat estimates", text: "Analysts were pleased. AMD GPU revenue topped $5 billion in the quarter.", language: "en")
        #expect(amd.contains { $0.type == .earningsGuidance && $0.actors.contains { $0.name == "AMD" } })
        // Where chips are the deal, their maker is an actor.
        let order = classifier.classify(title: "", text: "Oracle ordered 50,000 AMD GPUs.", language: "en")
        #expect(order.contains { $0.type == .gpuPurchase && $0.actors.contains { $0.name == "AMD" } })
        // Nor is a customer whose supplier the company is.
        let supplier = classifier.classify(title: "SK Hynix mit Rekordgewinn", text: "Im vierten Quartal erzielte der Nvidia-Zulieferer einen operativen Gewinn von 346 Milliarden Won (rund 238 Millionen Euro).", language: "de")
        #expect(supplier.contains { $0.type == .earningsGuidance && $0.actors.map(\.name) == ["SK Hynix"] && $0.amount?.currency == "KRW" })
    }

    @Test func aPriceToldInASentenceOfItsOwnIsTheDealsAmount() throws {
        // Headline: the deal; later: its price, in the same sentence as the phrase or the next one.
        let run = try #require(classifier.classify(title: "Nvidia schließt Übernahme von Run:ai ab",
                                                   text: "Den Kaufpreis nannte Nvidia nicht. Berichten zufolge beläuft er sich auf rund 700 Millionen US-Dollar. Run:ai wurde 2018 gegründet.",
                                                   language: "de").first { $0.type == .acquisition })
        #expect(run.amount == Money(min: 7e8, max: 7e8, currency: "USD"))
        // A price per share, history, and a sum for an event that has one already are not it.
        let perShare = try #require(classifier.classify(title: "Softbank kauft Aktien von Intel",
                                                        text: "Wie beide Unternehmen mitteilten, zahlt Softbank 23 Dollar je Stammaktie.", language: "de").first)
        #expect(perShare.amount == nil)
        #expect(classifier.amounts.amounts(in: "zahlt Softbank 2,3 Milliarden Dollar je Stammaktie", language: "de").first?.isUnitPrice == true)
        let history = try #require(classifier.classify(title: "Intel to sell 51% of Altera to Silver Lake", text: "Intel paid about $16.7 billion for Altera in 2015.",
                                                       language: "en", published: Classifier.utc.date(from: DateComponents(year: 2025, month: 4, day: 14))).first)
        #expect(history.amount == nil)
        let own = try #require(classifier.classify(title: "AMD to buy ZT Systems for $4.9 billion", text: "AMD will pay $1 billion of it in stock.", language: "en").first)
        #expect(own.amount == Money(min: 4.9e9, max: 4.9e9, currency: "USD"))
        let pastInNext = try #require(classifier.classify(title: "Nvidia schließt Übernahme von Run:ai ab",
                                                          text: "Den Kaufpreis nannte Nvidia nicht. 2019 hatte Nvidia für Mellanox 6,9 Milliarden Dollar bezahlt.", language: "de",
                                                          published: Classifier.utc.date(from: DateComponents(year: 2024, month: 12, day: 30))).first { $0.type == .acquisition })
        #expect(pastInNext.amount == nil)
    }

    @Test func aHedgeInALaterClauseOfResultsCitesTheEstimates() throws {
        let guidance = try #require(classifier.classify(title: "Nvidia forecasts fourth-quarter revenue above estimates",
                                                        text: "The company expects revenue of $37.5 billion, plus or minus 2%, for the fourth quarter, compared with analysts' average estimate of $37.08 billion, according to LSEG data.",
                                                        language: "en").first { $0.amount?.max == 3.75e10 })
        #expect(guidance.status != .reported)
        // A hedge in the trigger's own clause, or in a later one that cites no yardstick, still makes it reported.
        let hedged = try #require(classifier.classify(title: "", text: "According to people familiar with the matter, Micron expects revenue of $8.7 billion.", language: "en").first)
        #expect(hedged.status == .reported)
        let leaked = try #require(classifier.classify(title: "", text: "Micron expects revenue of $8.7 billion, according to people familiar with the matter.", language: "en").first)
        #expect(leaked.status == .reported)
    }

    @Test func aSubjectThatRefersBackIsTheArticlesCompany() throws {
        let e = try #require(classifier.classify(title: "TSMC quarterly profit jumps 57%",
                                                 text: "The company, whose customers include Nvidia and Apple, expects first-quarter revenue of between $25.0 billion and $25.8 billion.", language: "en").first)
        #expect(e.actors.first?.name == "TSMC")
        // A subject described rather than named is the article's company, too.
        let described = try #require(classifier.classify(title: "SK Hynix verdient prächtig an KI-Speicher",
            text: "Der südkoreanische Speicherhersteller, wichtigster Lieferant von HBM für Nvidias KI-Beschleuniger, meldete am Donnerstag einen Umsatz von 22,23 Billionen Won.",
            language: "de").first)
        #expect(described.actors.first?.name == "SK Hynix")
    }

    @Test func chipCountsNameTheirTypeAndReachPastAPartitive() {
        // `products`: the product names written in the sentence (the classifier finds them by alias).
        func units(_ s: String, _ lang: String, products: [String] = ["GB300", "Hopper"]) -> [String] {
            let found = classifier.amounts.quantities(in: s, language: lang) { offset in
                products.first { s.utf8.dropFirst(offset).starts(with: $0.utf8) }
            }
            return found.map { "\(Int($0.value.value)) \($0.value.unit)" }
        }
        #expect(units("Nscale stellt rund 200.000 Nvidia-Grafikprozessoren vom Typ GB300 bereit.", "de") == ["200000 GB300"])
        #expect(units("Nvidia will rent servers containing 10,000 of its own AI chips from Lambda.", "en") == ["10000 GPU"])
        #expect(units("Meta bought 224,000 Hopper chips, ahead of 10,000 employees.", "en") == ["224000 Hopper"])
        #expect(units("Lambda sold 3,000 of its shares to fund chips.", "en").isEmpty)
    }

    @Test func quantitiesInBothNumberFormats() {
        let en = classifier.amounts.quantities(in: "xAI bought 100,000 H100 GPUs.", language: "en") { $0 == 19 ? "H100" : nil }
        #expect(en.first?.value == Quantity(value: 100000, unit: "H100"))
        let de = classifier.amounts.quantities(in: "Meta will rund 350.000 Grafikprozessoren kaufen.", language: "de") { _ in nil }
        #expect(de.first?.value == Quantity(value: 350000, unit: "GPU"))
        // Power is not a count of chips.
        #expect(classifier.amounts.quantities(in: "OpenAI will deploy 6 gigawatts of AMD GPUs.", language: "en") { _ in nil }.isEmpty)
    }
}

@Suite struct LanguageTests {
    @Test func lautANewsroomIsReported() throws {
        let e = try #require(classifier.classify(title: "Blackwell", text: "Google hat laut The Information mehr als 400.000 GB200-Chips bestellt.", language: "de").first)
        #expect(e.type == .gpuPurchase)
        #expect(e.status == .reported)
    }

    /// Sentences without a digit skip the amount reader unless a scale word could follow a
    /// spelled number: "zwei Milliarden Euro" is still money.
    @Test func aSpelledAmountIsStillRead() throws {
        #expect(classifier.amounts.mayHoldMoney(Array("Nvidia übernimmt Run:ai.".utf8)[...]) == false)
        #expect(classifier.amounts.mayHoldMoney(Array("für zwei Milliarden Euro".utf8)[...]))
        let e = try #require(classifier.classify(title: "Übernahme", text: "Nvidia übernimmt Run:ai für zwei Milliarden Euro.", language: "de").first)
        #expect(e.amount == Money(min: 2e9, max: 2e9, currency: "EUR"))
        let en = try #require(classifier.classify(title: "Deal", text: "Nvidia agreed to buy Run:ai for two billion dollars.", language: "en").first)
        #expect(en.amount == Money(min: 2e9, max: 2e9, currency: "USD"))
        // A converted figure in brackets, hedged or not, is the same sum.
        #expect(classifier.amounts.amounts(in: "Der Nettogewinn stieg auf 35,04 Milliarden Taiwan-Dollar (rund 990 Millionen Euro).", language: "de").map(\.value)
                == [Money(min: 35.04e9, max: 35.04e9, currency: "TWD")])
        // A spelled range keeps both ends.
        let range = classifier.amounts.amounts(in: "Cambricon rechnet mit einem Umsatz zwischen fünf und sieben Milliarden Yuan.", language: "de")
        #expect(range.map(\.value) == [Money(min: 5e9, max: 7e9, currency: "CNY")])
        #expect(classifier.amounts.amounts(in: "Intel expects one to two billion dollars in savings.", language: "en").map(\.value)
                == [Money(min: 1e9, max: 2e9, currency: "USD")])
    }

    @Test func aScaleWordIsNoCompanyName() {
        let events = classifier.classify(title: "Kühlung", text: "Weil Server mit KI-Beschleunigern mehr Wärme erzeugen, investieren Cloudanbieter Milliarden in neue Kühltechnik.", language: "de")
        #expect(!events.contains { $0.actors.contains { $0.name == "Milliarden" } })
    }

    /// "a licence — likely to be denied —" refuses something later; it denies no report.
    @Test func whatMayBeDeniedLaterIsNoDenial() throws {
        let listed = try #require(classifier.classify(title: "Rules", text: "The Commerce Department placed Biren on the entity list, so suppliers need a licence, which would be denied.", language: "en").first)
        #expect(listed.status != .denied)
        let denied = try #require(classifier.classify(title: "Talks", text: "Nvidia denied the report that it would buy Arm.", language: "en").first)
        #expect(denied.status == .denied)
    }

    /// Folding drops umlauts, but "könnte" (could) and "dürfte" (may well) are rumour cues
    /// while "konnte" (was able to) and "durfte" (was allowed to) tell what happened.
    @Test func aCueWrittenWithAnUmlautNeedsTheUmlaut() throws {
        func status(_ sentence: String) throws -> EventStatus {
            try #require(classifier.classify(title: "Chipdeal", text: sentence, language: "de").first { $0.type == .gpuPurchase }).status
        }
        #expect(try status("Meta konnte 10.000 H100-GPUs von Nvidia kaufen.") == .confirmed)
        #expect(try status("Meta könnte 10.000 H100-GPUs von Nvidia kaufen.") == .rumor)
        #expect(try status("Meta durfte 10.000 H100-GPUs von Nvidia kaufen.") == .confirmed)
        #expect(try status("Meta dürfte 10.000 H100-GPUs von Nvidia kaufen.") == .rumor)
    }

    @Test func sentencesSurviveAbbreviations() {
        let text = "Der Bericht nennt Taiwan Semiconductor Manufacturing Co. und Samsung als Partner. Intel Corp. investiert 10 Mrd. Euro am 19. Januar in Magdeburg. Dann kam die U.S. Regierung."
        let sentences = TextSegmenter.sentences(text).map { String(decoding: Array(text.utf8)[$0], as: UTF8.self) }
        #expect(sentences.count == 3)
        #expect(sentences[0].hasSuffix("als Partner."))
        // A figure before the full stop ends the sentence.
        let figures = "Nvidia buys a stake of about 2.9%. The two companies also agreed to work together. OpenAI raised $6.6bn. Next."
        #expect(TextSegmenter.sentences(figures).count == 4)
    }

    @Test func foldingHandlesUmlautsSharpSAndNFD() {
        #expect(FoldedText.fold("Übernahme") == FoldedText.fold("ubernahme"))
        #expect(FoldedText.fold("Straße") == Array("strasse".utf8))
        #expect(FoldedText.fold("U\u{0308}bernahme") == FoldedText.fold("Übernahme"))
        #expect(FoldedText.fold("H100-Grafikprozessoren") == Array("h100 grafikprozessoren".utf8))
    }

    @Test func ambiguousAliasesDoNotFireOnOrdinaryWords() {
        let events = classifier.classify(title: "", text: "Nvidia said its robotics arm will raise $1 billion in a funding round, after a meta analysis of artificial intelligence deals.", language: "en")
        #expect(events.contains { $0.type == .fundingRound && $0.actors.map(\.name) == ["Nvidia"] })
        #expect(!events.contains { $0.actors.contains { ["Arm", "Meta", "Intel"].contains($0.name) } })
    }

    @Test func rolesFollowTheTrigger() {
        let raised = classifier.classify(title: "", text: "OpenAI raised $6.6 billion in a round led by Thrive Capital.", language: "en")
        #expect(raised.first?.actors.map(\.role) == ["investee", "investor"])
        let invests = classifier.classify(title: "", text: "Nvidia will invest $5 billion in Intel.", language: "en")
        #expect(invests.first?.actors.map { "\($0.name):\($0.role)" } == ["Nvidia:investor", "Intel:investee"])
    }

    @Test func sentencesDatedYearsBackAreHistoryBeyondTheLead() throws {
        let title = "Musk's xAI raises $6 billion"
        let text = """
        Elon Musk's artificial intelligence start-up xAI has raised $6 billion in a Series B round. \
        Investors include Andreessen Horowitz and Sequoia Capital. The company was founded last year. \
        It competes with OpenAI and Anthropic. Musk co-founded OpenAI in 2015 but left its board in 2018, \
        when he stepped down as co-chair.
        """
        let dated = classifier.classify(title: title, text: text, language: "en", published: CorpusArticle.day("2024-05-27"))
        let undated = classifier.classify(title: title, text: text, language: "en")
        #expect(dated.contains { $0.type == .fundingRound })
        #expect(!dated.contains { $0.type == .leadershipChange })
        #expect(undated.contains { $0.type == .leadershipChange })
        // In the headline and lead, a past year does not silence the news.
        let lead = classifier.classify(title: "Intel sells majority stake in Altera to Silver Lake, ending a review it started in 2022", text: "", language: "en",
                                       published: CorpusArticle.day("2025-09-12"))
        #expect(lead.contains { $0.type == .acquisition })
        // A year still to come makes a plan; guidance for a fiscal year ahead stays as told.
        let future = classifier.classify(title: "", text: "Huawei said the Ascend 950PR would launch in the first quarter of 2026.", language: "en",
                                         published: CorpusArticle.day("2025-09-18"))
        #expect(future.first { $0.type == .productLaunch }?.status == .planned)
        let fiscal = classifier.classify(title: "", text: "Micron expects fiscal 2026 revenue of $45 billion to $47 billion.", language: "en",
                                         published: CorpusArticle.day("2025-03-12"))
        #expect(fiscal.first { $0.type == .earningsGuidance }?.status == .confirmed)
    }

    @Test func pastEmployersAreNotActors() {
        let en = classifier.classify(title: "", text: "Hotard, a former Intel executive, took over as Nokia's chief executive in April.", language: "en")
        #expect(en.map { $0.actors.map(\.name) } == [["Nokia"]])
        let de = classifier.classify(title: "", text: "Der Ex-Intel-Manager Justin Hotard wird neuer Chef von Nokia.", language: "de")
        #expect(de.map { $0.actors.map(\.name) } == [["Nokia"]])
        // An inflected former word ("früheren"), and every company listed with the first.
        let listed = classifier.classify(title: "Nvidia kauft Chips bei Samsung",
                                         text: "Das Unternehmen des früheren Apple- und Google-Entwicklers Chris Lattner hat 250 Millionen Dollar eingesammelt.", language: "de")
        #expect(!listed.contains { $0.actors.contains { $0.name == "Apple" || $0.name == "Google" } })
        let recently = classifier.classify(title: "", text: "Allexandre, who most recently led Renesas Electronics' power business, will take over as CEO of Intel.", language: "en")
        #expect(recently.map { $0.actors.map(\.name) } == [["Intel"]])
    }

    @Test func aGovernmentsExportControlsNameTheAuthorityThatIssuesThem() {
        let us = classifier.classify(title: "", text: "The Biden administration on Monday announced new rules that will cap sales of advanced AI chips to most countries.", language: "en")
        #expect(us.map { Set($0.actors.map(\.name)) } == [["U.S. government", "U.S. Department of Commerce"]])
        // Elsewhere the authority only tells the news: "Intel will invest …, the Commerce Department said".
        let fab = classifier.classify(title: "", text: "The Biden administration said Intel will build a new fab in Ohio for $20 billion.", language: "en")
        #expect(!fab.contains { $0.actors.contains { $0.name == "U.S. Department of Commerce" } })
    }

    @Test func aRoundOrATakeoverNeedsACompany() throws {
        let misses = classifier.explain(title: "", text: "Beijing has responded by steering capital toward domestic champions and encouraging them to raise money at home.", language: "en")
        #expect(misses.events.isEmpty)
        #expect(misses.misses.contains { $0.reason.contains("requires a company") })
        // The article's ministry does not stand in for a missing buyer.
        let text = "Japan's industry ministry will fund up to 129.4 billion yen of the plant. The ministry said the subsidy was approved. A consortium completed a 2 trillion yen tender offer for the conglomerate in September."
        #expect(!classifier.classify(title: "Japan's industry ministry funds power chips", text: text, language: "en").contains { $0.type == .acquisition })
    }

    @Test func customersNamedToDescribeACompanyAreNotActors() {
        let en = classifier.classify(title: "", text: "TSMC, whose customers include Nvidia and Apple, expects first-quarter revenue of between $25.0 billion and $25.8 billion.", language: "en")
        #expect(en.map { $0.actors.map(\.name) } == [["TSMC"]])
        let de = classifier.classify(title: "", text: "TSMC, zu dessen Kunden Apple und Nvidia zählen, rechnet im ersten Quartal mit einem Umsatz von 25 Milliarden Dollar.", language: "de")
        #expect(de.map { $0.actors.map(\.name) } == [["TSMC"]])
    }

    @Test func aDescribedSubjectIsTheCompanyTheSentenceBeforeNames() {
        // A market report goes from company to company: "the server maker" is the one just named,
        // not the story's Nvidia; a supplier's customer named to describe it is no actor.
        let wrap = classifier.classify(title: "Nvidia tops $3 trillion as chip rally broadens", text: """
            Nvidia rose 5% on Wednesday and passed $3 trillion in market value.
            Hewlett Packard Enterprise jumped nearly 11%. The server maker late Tuesday reported fiscal second-quarter revenue of $7.2 billion, ahead of estimates.
            """, language: "en")
        #expect(wrap.filter { $0.type == .earningsGuidance }.map { $0.actors.map(\.name) } == [["HPE"]])
        let german = classifier.classify(title: "Speicherchips: Nvidia treibt die Preise", text: """
            Nvidia kauft fast alles HBM, das der Markt hergibt.
            Am deutlichsten zeigt sich das bei SK Hynix. Der südkoreanische Konzern, Hauptlieferant von Nvidia, meldete am Mittwoch für das dritte Quartal einen operativen Gewinn von 11,38 Billionen Won.
            """, language: "de")
        #expect(german.filter { $0.type == .earningsGuidance }.map { $0.actors.map(\.name) } == [["SK Hynix"]])
        // A maker named only for whose chips they are ("Nvidia H100 GPUs") is not what the story is about.
        let chips = classifier.classify(title: "Nvidia H100 GPUs power a new cloud in Texas", text: """
            CoreWeave opened a data center in Texas on Monday.
            Nvidia H100 chips remain scarce, analysts said.
            The company said it had bought 10,000 Nvidia H100 GPUs.
            """, language: "en")
        #expect(chips.filter { $0.type == .gpuPurchase }.map { $0.actors.first?.name } == ["CoreWeave"])
        // "The company" in a story about one company stays that company.
        let story = classifier.classify(title: "Astera Labs prices IPO above range", text: """
            Astera Labs raised $713 million in its IPO on Tuesday.
            Its chips connect Nvidia GPUs in AI servers. The company's revenue rose 45% to $115.8 million in 2023.
            """, language: "en")
        #expect(!story.contains { $0.type == .earningsGuidance && $0.actors.contains { $0.name == "Nvidia" } })
    }

    @Test func aSubjectTheRulesDoNotKnowIsTheCompanyTheArticleNames() {
        let uipath = """
            Rob Enslin has resigned as chief executive of UiPath, and co-founder Daniel Dines returns to the role.
            UiPath now expects fiscal 2025 revenue of $1.405 billion to $1.41 billion.
            Enslin said the decision was his own. Shares of UiPath fell 30%.
            """
        let events = classifier.classify(title: "", text: uipath, language: "en")
        #expect(events.contains { $0.type == .earningsGuidance && $0.actors.map(\.name) == ["UiPath"] })
        // People and places at a sentence's start are not companies.
        #expect(!events.contains { $0.actors.contains { ["Rob Enslin", "Enslin", "Dines"].contains($0.name) } })
        let place = classifier.classify(title: "", text: "Frankreich nutzt den KI-Gipfel, um Milliardenzusagen einzusammeln. Der Gipfel in Frankreich dauert zwei Tage.", language: "de")
        #expect(!place.contains { $0.actors.contains { $0.name == "Frankreich" } })
        // Nor is a common noun: the article also writes it in lower case, or after an article.
        let noun = classifier.classify(title: "", text: "Revenue rose to $2 billion. The company said revenue would keep growing.", language: "en")
        #expect(!noun.contains { $0.actors.contains { $0.name == "Revenue" } })
        // A short form of a company the article names is that company.
        let ti = classifier.classify(title: "", text: "Texas Instruments reported results on Tuesday. TI expects fourth-quarter revenue of $3.7 billion to $4.0 billion, shares of TI fell.", language: "en")
        #expect(ti.contains { $0.type == .earningsGuidance && $0.actors.map(\.name) == ["Texas Instruments"] })
        // A capitalised word before the name ends a longer name only without a comma between:
        // "… Exchange Commission, Ambiq posted" leaves Ambiq a name.
        let ipo = classifier.classify(title: "", text: """
            Shares of Ambiq soared in their debut.
            Ambiq had priced 4 million shares at $24, raising $96 million before expenses.
            According to its filing with the Securities and Exchange Commission, Ambiq posted a loss.
            """, language: "en")
        #expect(ipo.contains { $0.type == .fundingRound && $0.actors.map(\.name) == ["Ambiq"] && $0.amount?.max == 96e6 })
        // Nor is a descriptor a first name: "der japanische Chipausrüster Kobaltec" leaves Kobaltec a name.
        let german = classifier.classify(title: "Kobaltec: KI-Chips bescheren Anlagenbauer Rekordgewinn", text: """
            Der japanische Chipausrüster Kobaltec profitiert kräftig vom KI-Boom.
            Im ersten Geschäftsquartal stieg der Umsatz um 53,4 Prozent auf 82,8 Milliarden Yen.
            Für das Halbjahr stellt Kobaltec nun einen Umsatz von 168,4 Milliarden Yen in Aussicht.
            """, language: "de")
        #expect(german.filter { $0.type == .earningsGuidance && $0.actors.map(\.name) == ["Kobaltec"] }.count == 2)
        // A headline's unknown company is the article's company, and a results table's key
        // figures are content, not a list of links.
        let table = classifier.classify(title: "UiPath shares plunge 30% as CEO Rob Enslin resigns", text: """
            Shares of UiPath sank about 30% in extended trading on Wednesday.
            Here's how the company did in its fiscal first quarter compared with what Wall Street was expecting:
            - Earnings per share: 13 cents adjusted vs. 12 cents expected
            - Revenue: $335.1 million vs. $333.6 million expected
            Analysts said UiPath faces a tougher market.
            """, language: "en")
        #expect(table.contains { $0.type == .earningsGuidance && $0.actors.map(\.name) == ["UiPath"] && $0.amount?.max == 335.1e6 })
        #expect(Classifier.isKeyFigure(Array("- Umsatz: €1,2 Mrd.".utf8)[...]) && Classifier.isKeyFigure(Array("Revenue: £3bn".utf8)[...]))
        // A teaser that quotes ("Mistral: „…“") or a dash after the colon is no figure.
        #expect(!Classifier.isKeyFigure(Array("Mistral: „Französisches KI-Start-up strebt Milliardenfinanzierung an“".utf8)[...]))
        #expect(!Classifier.isKeyFigure(Array("Update: – neue Zahlen folgen".utf8)[...]))
        // A word of the headline the article uses once more is no company ("Graphen statt Silizium").
        let material = classifier.classify(title: "Graphen statt Silizium: Start-up bekommt Geld vom Staat", text: """
            Das Unternehmen will Graphen einsetzen.
            Zusätzlich stellen Wagniskapitalgeber 25,7 Millionen Euro an neuem Eigenkapital bereit.
            """, language: "de")
        #expect(!material.contains { $0.actors.contains { $0.name == "Graphen" } })
        // Where a company is based describes it: "Luxembourg-based Gcore" is Gcore.
        let based = classifier.classify(title: "", text: """
            Luxembourg-based Gcore, a cloud provider that grew up serving online games, has raised $60 million in its first external funding round.
            The round was led by Wargaming, Gcore said.
            """, language: "en")
        #expect(based.contains { $0.type == .fundingRound && $0.actors.first?.name == "Gcore" })
        // A press release's boilerplate after "About Synaptics" ("Follow Synaptics on LinkedIn",
        // "investor.relations@synaptics.com") does not unmake the name its news uses.
        let release = classifier.classify(title: "Synaptics Names Rahul Patel President and Chief Executive Officer", text: """
            SAN JOSE, Calif.--(BUSINESS WIRE)--Synaptics Incorporated today announced that its board has appointed Rahul Patel as chief executive.
            Patel joins Synaptics from a larger rival.

            About Synaptics Incorporated
            Synaptics is leading the charge in AI at the Edge. Follow Synaptics on LinkedIn, or visit www.synaptics.com.
            Investor Relations: investor.relations@synaptics.com
            """, language: "en")
        #expect(release.contains { $0.type == .leadershipChange && $0.actors.first?.name == "Synaptics" })
        // Nor does a tag line make a word a name ("Topics: AI, agents, Europe").
        let tagged = classifier.classify(title: "Paris-based H emerges from stealth with a $220M seed round", text: """
            Europe has a new contender for the AI crown and an eye-popping seed round to go with it.
            H raised $220 million, the company said.

            TechCrunch Early Stage: Join us in Boston in April
            Topics: AI, agents, Europe, Fundraising, H, Startups

            """, language: "en")
        #expect(tagged.filter { $0.type == .fundingRound }.map { $0.actors.map(\.name) } == [["H"]])
    }

    @Test func buyersWithLotsOfTheirOwnAreOnePurchaseEach() {
        let gapped = classifier.classify(title: "", text: "Amazon bought 196,000 Hopper chips and Google 169,000, Omdia estimated.", language: "en")
            .filter { $0.type == .gpuPurchase }
        #expect(gapped.map { $0.actors.first?.name } == ["Amazon", "Google"])
        #expect(gapped.map { $0.quantity?.value } == [196_000, 169_000])
        let each = classifier.classify(title: "", text: "Samsung Electronics und SK Hynix sollen jeweils bis zu 50.000 Nvidia-GPUs erhalten.", language: "de")
            .filter { $0.type == .gpuPurchase }
        #expect(each.map { $0.actors.first?.name } == ["Samsung Electronics", "SK Hynix"])
        #expect(each.allSatisfy { $0.quantity?.value == 50_000 && $0.actors.contains { $0.name == "Nvidia" && $0.role == "seller" } })
        // Buyers of one lot stay one purchase.
        let shared = classifier.classify(title: "", text: "Microsoft and OpenAI bought 100,000 Nvidia GPUs for the joint cluster.", language: "en")
        #expect(shared.filter { $0.type == .gpuPurchase }.count == 1)
    }

    @Test func whatAnalystsExpectedIsNotTheCompanysFigure() {
        func sum(_ text: String, _ lang: String) -> Money? {
            classifier.amounts.amounts(in: text, language: lang).first { $0.isTheSum }?.value
        }
        #expect(sum("Analysten hatten im Schnitt lediglich mit rund 83 Millionen Dollar gerechnet.", "de") == nil)
        #expect(sum("Operating profit fell short of an LSEG SmartEstimate of 10.3 trillion won.", "en") == nil)
        #expect(sum("Revenue beat the $13.66 billion analysts were expecting.", "en") == nil)
        // Nor is the forecast it replaces.
        #expect(sum("Tokyo Electron cut its forecast, down 21.6% from its previous forecast of 727 billion yen.", "en") == nil)
        // The figure a change starts from is no result: "tripled from $395.4 million in the same quarter a year earlier".
        #expect(sum("Revenue more than tripled from $395.4 million in the same quarter a year earlier.", "en") == nil)
        // A company's own estimate is its figure.
        #expect(sum("Samsung estimated its operating profit at 10.4 trillion won.", "en") == Money(min: 1.04e13, max: 1.04e13, currency: "KRW"))
    }

    @Test func dealValuesAreAmountsAndValuationsAreNot() {
        let deal = classifier.classify(title: "", text: "AMD agreed to buy ZT Systems in a deal valued at $4.9 billion.", language: "en")
        #expect(deal.first?.amount == Money(min: 4.9e9, max: 4.9e9, currency: "USD"))
        let contract = classifier.classify(title: "", text: "SoftBank Group unterzeichnet einen Liefervertrag mit Micron über HBM-Chips im Wert von 16 Milliarden US-Dollar.", language: "de")
        #expect(contract.first?.amount == Money(min: 16e9, max: 16e9, currency: "USD"))
        // A stock market is no valuation: what an offering raises is the sum.
        let listing = classifier.classify(title: "", text: "MetaX plans to list on the STAR Market later this month in an offering that aims to raise about 4 billion yuan.", language: "en")
        #expect(listing.first?.amount == Money(min: 4e9, max: 4e9, currency: "CNY"))
        #expect(classifier.amounts.amounts(in: "Nvidia's market value of $3 trillion dwarfs them.", language: "en").first?.isValuation == true)
        let round = classifier.classify(title: "", text: "OpenAI raised $6.6 billion at a valuation of $157 billion.", language: "en")
        #expect(round.first?.amount == Money(min: 6.6e9, max: 6.6e9, currency: "USD"))
    }

    @Test func pressReleaseAboutSectionsAreBoilerplate() {
        let news = "SoftBank Group agreed to acquire Ampere Computing for $6.5 billion."
        let about = "Ampere Computing raised $400 million in a funding round led by Oracle."
        let release = classifier.classify(title: "", text: news + "\nAbout Ampere Computing\n" + about, language: "en")
        #expect(release.map(\.type) == [.acquisition])
        let article = classifier.classify(title: "", text: news + "\n" + about, language: "en")
        #expect(article.map(\.type).contains(.fundingRound))
        // A sentence that starts with "About" is no heading.
        let sentence = classifier.classify(title: "", text: news + "\nAbout half of it, $400 million, came in a funding round that Ampere Computing raised from Oracle.",
                                           language: "en")
        #expect(sentence.map(\.type).contains(.fundingRound))
    }

    @Test func wildcardsInsideAPatternJoinNeighbouringWords() {
        #expect(Classifier.splitAtInnerWildcards("zum neuen *vorstand") == ["zum neuen", "*vorstand"])
        #expect(Classifier.splitAtInnerWildcards("will produce chip* for") == ["will produce chip*", "for"])
        #expect(Classifier.splitAtInnerWildcards("*fabrik") == ["*fabrik"])
        let named = classifier.classify(title: "", text: "Siemens Energy ernennt Maria Ferraro zum neuen Finanzvorstand.", language: "de")
        #expect(named.map(\.type) == [.leadershipChange])
        // The wildcard word must follow at once: "zum neuen Standort … Vorstand" is no appointment.
        let apart = classifier.classify(title: "", text: "Infineon zieht zum neuen Standort in Dresden, sagte der Vorstand.", language: "de")
        #expect(!apart.contains { $0.type == .leadershipChange })
    }

    @Test func clausesOfTheirOwnAreEventsOfTheirOwn() {
        let two = classifier.classify(title: "", text: "Amazon Web Services agreed a strategic partnership with Humain, while Qualcomm signed a memorandum of understanding with Humain to develop data center processors.", language: "en")
        #expect(two.map { $0.actors.map(\.name) } == [["Amazon", "Humain"], ["Qualcomm", "Humain"]])
        // The clauses of a funding sentence name the investors of one round.
        let round = classifier.classify(title: "", text: "Cohere raised $500 million in a round led by Radical Ventures; existing investors such as Nvidia and Salesforce Ventures also joined the round.", language: "en")
        #expect(round.count == 1)
        #expect(round.first?.amount == Money(min: 5e8, max: 5e8, currency: "USD"))
    }

    @Test func aPlanInALaterClauseIsNotTheEventsPlan() throws {
        let deal = try #require(classifier.classify(title: "", text: "Intel und Amazon Web Services haben eine mehrjährige Vereinbarung geschlossen, nach der Intel einen KI-Chip für AWS herstellen soll.", language: "de").first)
        #expect(deal.status == .confirmed)
        let plan = try #require(classifier.classify(title: "", text: "Intel und Amazon Web Services wollen eine mehrjährige Vereinbarung schließen.", language: "de").first)
        #expect(plan.status == .planned)
        // A chip announced is launched, though a later clause says it ships later (as labellers
        // of the corpora read it); a launch still to be announced is a plan.
        let launch = try #require(classifier.classify(title: "", text: "Als Nachfolger kündigte AMD die Serie Instinct MI350 an, die in der zweiten Jahreshälfte 2025 erscheinen soll.", language: "de").first)
        #expect(launch.status == .confirmed)
        let toCome = try #require(classifier.classify(title: "", text: "AMD will die Serie Instinct MI350 in der zweiten Jahreshälfte 2025 vorstellen.", language: "de").first)
        #expect(toCome.status == .planned)
    }

    @Test func quotedSpeechAndQuestionsReportNothing() throws {
        // What someone says is colour: the news is in the sentences around the quote.
        let quote = "„Man kann Nvidia nicht schlagen, wenn man HBM verwendet, denn Nvidia kauft das meiste HBM und hat einen Kostenvorteil“, sagte Keller."
        #expect(classifier.classify(title: "", text: quote, language: "de").isEmpty)
        let english = "\"The big change is that Nvidia is now selling the rack as the unit of compute,\" said an analyst."
        #expect(classifier.classify(title: "", text: english, language: "en").isEmpty)
        // A short quoted phrase is no speech: the sentence still reports.
        let short = try #require(classifier.classify(title: "", text: "Nvidia agreed to acquire Run:ai in a deal the company called \"transformative\".", language: "en").first)
        #expect(short.type == .acquisition)
        // A question asks; it reports nothing.
        #expect(classifier.classify(title: "", text: "Will Nvidia buy Arm after all?", language: "en").isEmpty)
        #expect(classifier.classify(title: "", text: "SoftBank buys Ampere for $6.5 billion", language: "en").first?.type == .acquisition)
        // A "Read next:" teaser is another story's headline.
        #expect(classifier.classify(title: "", text: "Read next: Arm plans to launch its own chip, with Meta as a customer", language: "en").isEmpty)
    }

    @Test func oneHappeningIsOneEventAndTwoSumsAreTwo() {
        // The same round told in the headline and the body is one event.
        let round = classifier.classify(title: "Anthropic raises $13 billion at $183 billion valuation",
                                        text: "The round values the startup at $183 billion. Anthropic raised $13 billion from investors led by Iconiq.", language: "en")
        #expect(round.map(\.amount) == [Money(min: 1.3e10, max: 1.3e10, currency: "USD")])
        // The same sum told more exactly after the headline ("up to") is the better telling.
        let grant = classifier.classify(title: "Intel gets $7.86 billion in CHIPS Act funding",
                                        text: "The U.S. Commerce Department has finalized up to $7.86 billion in direct funding for Intel under the CHIPS and Science Act.", language: "en")
        #expect(grant.map(\.amount) == [Money(min: nil, max: 7.86e9, currency: "USD")])
        // A quarter's revenue and the next year's guidance are two figures an analyst tracks.
        let results = classifier.classify(title: "", text: "Oracle quarterly revenue rose 12% to $14.9 billion.\nThe company said it expects revenue of $18 billion in the current fiscal year.", language: "en")
        #expect(results.filter { $0.type == .earningsGuidance }.map(\.amount?.max) == [1.49e10, 1.8e10])
        // A quarter's revenue just below the next quarter's guided range is still two figures.
        let intel = classifier.classify(title: "", text: "Intel reported third-quarter revenue of $13.28 billion.\nFor the fourth quarter, Intel expects revenue of $13.3 billion to $14.3 billion.", language: "en")
        #expect(intel.map(\.amount) == [Money(min: 1.328e10, max: 1.328e10, currency: "USD"), Money(min: 1.33e10, max: 1.43e10, currency: "USD")])
        // Results in NT dollars and guidance in US dollars: two statements, not a conversion.
        let tsmc = classifier.classify(title: "", text: "TSMC reported third-quarter revenue of NT$546.7 billion.\nTSMC expects fourth-quarter revenue of between $18.8 billion and $19.6 billion.", language: "en")
        #expect(tsmc.map(\.amount?.currency) == ["TWD", "USD"])
        // Two partners of one hub are two deals; a sentence that names one of them again is the same.
        let korea = classifier.classify(title: "Samsung and SK Telecom sign up for OpenAI's Stargate",
                                        text: "Samsung Electronics agreed to work with OpenAI on data centers in Korea. SK Telecom signed a memorandum of understanding with OpenAI to build an AI data center. Samsung Electronics will partner with OpenAI on floating data centers.",
                                        language: "en").filter { $0.type == .partnership }
        #expect(korea.count == 2)
        #expect(korea.contains { Set($0.actors.map(\.name)).isSuperset(of: ["SK Telecom", "OpenAI"]) && !$0.actors.contains { $0.name == "Samsung Electronics" } })
    }

    @Test func teaserLinesAndCrossheadsPastTheStandfirstYieldNothing() {
        let article = classifier.classify(title: "Nvidia übernimmt Run:ai", text: """
            Der Chipkonzern zahlt rund 700 Millionen Dollar für das israelische Start-up.
            Die Übernahme soll bis Jahresende abgeschlossen sein.
            Mistral: Französisches KI-Start-up strebt Milliardenfinanzierung an
            Nvidia will die Software offenlegen.
            """, language: "de")
        #expect(article.map(\.type) == [.acquisition])
        // The line under the headline (a standfirst) need not end like a sentence to count.
        let deck = classifier.classify(title: "Cerebras unveils WSE-3", text: """
            Cerebras and G42 to build Condor Galaxy 3 supercomputer with 64 CS-3 systems
            The chip doubles the performance of its predecessor.
            """, language: "en")
        #expect(deck.contains { $0.type == .gpuPurchase && $0.actors.map(\.name).contains("G42") })
    }

    @Test func aNameAfterADescriptorIsACompanyTheRulesDoNotKnow() throws {
        let round = try #require(classifier.classify(title: "", text: "AI startup Parloa raised $120 million in a Series C round.", language: "en").first)
        #expect(round.actors.map(\.name) == ["Parloa"])
        let german = try #require(classifier.classify(title: "", text: "Der Münchner Drohnenhersteller Quantum Systems sammelt 160 Millionen Euro ein.", language: "de").first)
        #expect(german.actors.map(\.name) == ["Quantum Systems"])
        // Beside a known company, and only where a capitalised name follows.
        let backed = try #require(classifier.classify(title: "", text: "Nvidia-backed startup Lumora Robotics raises $80 million", language: "en").first)
        #expect(backed.actors.map(\.name).contains("Lumora Robotics"))
        #expect(classifier.classify(title: "", text: "The startup, founded in 2021, raised $50 million.", language: "en").isEmpty)
        // In a Title-Case headline the verb ends the name.
        let headline = try #require(classifier.classify(title: "AI Startup Lumora Raises $120 Million To Expand", text: "", language: "en").first)
        #expect(headline.actors.map(\.name) == ["Lumora"])
    }

    @Test func anAuthorityThatOnlyTellsTheNewsIsItsSource() throws {
        let e = try #require(classifier.classify(title: "", text: "Intel plans to spend more than $100 billion over five years on chip factories in Arizona and Ohio, the Commerce Department said.", language: "en").first)
        #expect(e.type == .fabInvestment)
        #expect(e.actors.map(\.name) == ["Intel"])
    }

    @Test func chipsBoughtByACompanyThatIsReferredBackToAreItsPurchase() throws {
        let lead = "Lambda raises $480 million to expand its AI cloud\nShares of rivals fell. Analysts praised the round. Demand is high. "
        let e = try #require(classifier.classify(title: "", text: lead + "Analysts expect that the company will take delivery of more Nvidia H100 chips next year.",
                                                 language: "en").first { $0.type == .gpuPurchase })
        #expect(e.actors.map(\.name) == ["Lambda", "Nvidia"])
        // Naming only the chips' maker, without a count or a reference, buys nothing.
        #expect(!classifier.classify(title: "", text: lead + "Cloud providers are buying Nvidia H100 chips as fast as they can.", language: "en").contains { $0.type == .gpuPurchase })
    }

    @Test func aGovernmentBuyingACountedLotIsTheBuyer() {
        let uk = classifier.classify(title: "UK AI plans", text: "The U.K. government will buy 5,000 GPUs for its AI research resource.", language: "en")
        #expect(uk.contains { $0.type == .gpuPurchase && $0.quantity?.value == 5000 && $0.actors.contains { $0.role == "buyer" } })
        // A government that clears shipments regulates them.
        let cleared = classifier.classify(title: "Chip exports", text: "The US government approved shipments of 35,000 GB300 chips to G42.", language: "en")
        #expect(!cleared.contains { $0.type == .gpuPurchase })
    }

    @Test func chipsCountedForTheArticlesCompanyAreItsPurchase() throws {
        let counted = try #require(classifier.classify(title: "Deutsche Telekom baut KI-Cloud in München",
            text: "Das Rechenzentrum soll mit 10.000 H100-Grafikprozessoren von Nvidia ausgestattet werden.", language: "de").first)
        #expect(counted.type == .gpuPurchase)
        #expect(counted.actors.map(\.name) == ["Deutsche Telekom", "Nvidia"])
        // Without a count, the chips' maker alone buys nothing.
        #expect(classifier.classify(title: "Deutsche Telekom baut KI-Cloud in München",
            text: "Die Telekom nennt keine Details.\nNeoclouds vermieten H100-Grafikprozessoren von Nvidia an Start-ups.", language: "de").isEmpty)
    }

    @Test func exportLicencesCarryTheirChipCount() throws {
        let e = try #require(classifier.classify(title: "", text: "Microsoft said the U.S. Commerce Department approved licences allowing it to ship Nvidia chips to the United Arab Emirates, equal to the computing power of 60,400 A100 chips.", language: "en").first)
        #expect(e.type == .exportControl)
        #expect(e.quantity == Quantity(value: 60400, unit: "A100"))
    }

    @Test func exportControlsNameTheRegulatorTheCompanyAndTheDestination() throws {
        let e = try #require(classifier.classify(title: "", text: "Washington will require licenses for exports of Nvidia's H20 chips to China.", language: "en").first)
        #expect(e.type == .exportControl)
        #expect(e.actors.map { "\($0.name):\($0.role)" } == ["U.S. government:regulator", "Nvidia:company", "China:destination", "U.S. Department of Commerce:regulator"])
    }

    @Test func languageIsDetected() {
        #expect(Classifier.detectLanguage("Der Konzern hat die Übernahme von der Firma abgeschlossen und will mehr.") == "de")
        #expect(Classifier.detectLanguage("The company said it has completed the acquisition of the firm.") == "en")
        #expect(Classifier.detectLanguage("Das Münchner KI-Start-up Helsing hat in einer neuen Finanzierungsrunde 600 Millionen Euro eingesammelt.") == "de")
    }
}

@Suite struct RuleFileErrorTests {
    let dir = TempDirectory()

    func load(event yaml: String) throws -> RuleSet {
        dir.write("entities/companies.yaml", "entities:\n  - name: Nvidia\n    aliases: [Nvidia]\n")
        dir.write("events/funding_round.yaml", yaml)
        return try RuleSet.load(from: dir.url)
    }

    @Test func aWildcardInsideAWordIsAnError() throws {
        let dir = TempDirectory()
        try FileManager.default.copyItem(at: PackagePaths.rules, to: dir.url.appendingPathComponent("Rules"))
        let file = dir.url.appendingPathComponent("Rules/events/partnership.yaml")
        var text = try String(contentsOf: file, encoding: .utf8)
        text = text.replacingOccurrences(of: "triggers:\n  en:\n", with: "triggers:\n  en:\n    - \"co*operation\"\n")
        try text.write(to: file, atomically: true, encoding: .utf8)
        #expect(throws: RuleError.self) { try RuleSet.load(from: dir.url.appendingPathComponent("Rules")) }
        do { _ = try RuleSet.load(from: dir.url.appendingPathComponent("Rules")) } catch {
            #expect("\(error)".contains("'co*operation': '*' may only start or end a word"))
        }
    }

    @Test func unknownFieldIsAnErrorWithFileAndLine() {
        #expect(throws: RuleError(file: "Rules/events/funding_round.yaml", line: 3, reason: "unknown field 'trigers' in an event rule (allowed: companies_only, confidence, description, falsepositives, fires_anywhere, id, level, one_per_sentence, prices, references, requires, roles, status, suppressed_by, tags, tests, title, topic_only, triggers, vetoes)")) {
            _ = try load(event: "id: funding_round\ntriggers: {en: [raises]}\ntrigers: {en: [raised]}\n")
        }
    }

    @Test func aGroupStandsForEachOfItsWordsInThePatternsLanguage() throws {
        dir.write("lexicon/groups.yaml", "groups:\n  title:\n    en: [CEO, chief financial officer]\n    de: [Finanzchef]\n")
        let set = try load(event: "id: funding_round\ntriggers:\n  en: [\"{title} ... resigns\"]\n  de: [\"{title} ... tritt zurück\"]\n")
        #expect(set.rules[0].triggers["en"] == ["CEO ... resigns", "chief financial officer ... resigns"])
        #expect(set.rules[0].triggers["de"] == ["Finanzchef ... tritt zurück"])
        let classifier = Classifier(rules: set)
        #expect(classifier.classify(title: "", text: "Nvidia's chief financial officer resigns.", language: "en").count == 1)
        #expect(classifier.classify(title: "", text: "Der Finanzchef von Nvidia tritt zurück.", language: "de").count == 1)
        #expect(classifier.classify(title: "", text: "Nvidia's head of sales resigns.", language: "en").isEmpty)
    }

    @Test func anUnknownGroupIsAnErrorWithFileAndLine() {
        #expect(throws: RuleError(file: "Rules/events/funding_round.yaml", line: 3, reason: "'{titel} ... resigns': unknown group '{titel}' (define it under `groups:` in a lexicon file; known: )")) {
            _ = try load(event: "id: funding_round\ntriggers:\n  en: [\"{titel} ... resigns\"]\n")
        }
    }

    @Test func anAIChipPartMatchesEveryNamedChipOfTheEntities() throws {
        dir.write("entities/products.yaml", """
            products:
              - name: GPU
                category: gpu
                aliases: [GPUs]
              - name: Zeta 9
                vendor: Nvidia
                category: accelerator
                aliases: [Zeta 9]
            """)
        dir.write("entities/companies.yaml", "entities:\n  - name: Nvidia\n    aliases: [Nvidia]\n")
        dir.write("events/product_launch.yaml", "id: product_launch\ntriggers:\n  en: [\"unveil* ... {ai_chip}\"]\n")
        let classifier = Classifier(rules: try RuleSet.load(from: dir.url))
        // A chip added to entities/ is launched without touching the rule; the generic unit is no model.
        #expect(classifier.classify(title: "", text: "Nvidia unveiled the Zeta 9 on Monday.", language: "en").map(\.product) == ["Zeta 9"])
        #expect(classifier.classify(title: "", text: "Nvidia unveiled new GPUs on Monday.", language: "en").isEmpty)
        // A chip part first is an error on the pattern's own line.
        #expect(throws: RuleError(file: "Rules/events/funding_round.yaml", line: 5, reason: "'{ai_chip} ... raises': {ai_chip} must be a part of its own after the first (\"unveil* ... {ai_chip}\")")) {
            _ = try load(event: "id: funding_round\ntriggers:\n  en:\n    - raises\n    - \"{ai_chip} ... raises\"\n")
        }
        dir.write("lexicon/groups.yaml", "groups:\n  ai_chip:\n    en: [H100]\n")
        #expect(throws: RuleError.self) { _ = try load(event: "id: funding_round\ntriggers:\n  en: [raises]\n") }
    }

    @Test func anExportAuthorityMustBeARegulator() {
        dir.write("entities/governments.yaml", "entities:\n  - name: U.S. government\n    kind: regulator\n    export_authority: Nvidia\n    aliases: [U.S. government]\n")
        #expect(throws: RuleError(file: "Rules/entities", line: 0, reason: "entity U.S. government: export_authority 'Nvidia' is not a regulator entity")) {
            _ = try load(event: "id: funding_round\ntriggers: {en: [raises]}\n")
        }
    }

    @Test func yamlSyntaxErrorsNameTheLine() throws {
        do {
            _ = try load(event: "id: funding_round\ntriggers:\n  en: [raises\n  de: x\n")
            Issue.record("expected an error")
        } catch let e as RuleError {
            #expect(e.file == "Rules/events/funding_round.yaml")
            #expect(e.line >= 3)
            #expect(e.reason.hasPrefix("YAML syntax"))
        }
    }

    @Test func wrongTypesAndUnknownEventTypesAreRejected() {
        #expect(throws: RuleError.self) { _ = try load(event: "id: chip_party\ntriggers: {en: [party]}\n") }
        #expect(throws: RuleError.self) { _ = try load(event: "id: funding_round\ntriggers: {en: raises}\n") }
        #expect(throws: RuleError.self) { _ = try load(event: "id: funding_round\ntriggers: {en: [raises]}\nrequires: [money]\n") }
    }

    @Test func aLenientLoadSkipsOnlyTheBrokenEventRule() throws {
        dir.write("entities/companies.yaml", "entities:\n  - name: Nvidia\n    aliases: [Nvidia]\n")
        dir.write("events/funding_round.yaml", "id: funding_round\ntriggers: {en: [raises]}\n")
        dir.write("events/acquisition.yaml", "id: acquisition\ntrigers: {en: [buys]}\n")
        #expect(throws: RuleError.self) { _ = try RuleSet.load(from: dir.url) }
        let lenient = try RuleSet.load(from: dir.url, skippingBrokenEventRules: true)
        #expect(lenient.rules.map(\.type) == [.fundingRound])
        #expect(lenient.skipped.map(\.file) == ["Rules/events/acquisition.yaml"])
        #expect(Classifier(rules: lenient).classify(title: "", text: "Nvidia raises $1 billion.", language: "en").count == 1)
    }

    @Test func aFailingEmbeddedTestIsReportedWithItsLine() throws {
        let set = try load(event: """
            id: funding_round
            triggers: {en: [raises]}
            requires: [actor]
            tests:
              match:
                - {lang: en, text: "Nvidia raises $1 billion."}
              no_match:
                - {lang: en, text: "Nvidia raises prices."}
            """)
        let report = Classifier(rules: set).runRuleTests()
        #expect(report.passed == 1)
        #expect(report.failures.map(\.line) == [8])
    }
}

@Suite struct DevCorpusTests {
    /// The labelled development corpus (Tests/Corpus/dev), scored by the rules alone (the
    /// evidence model was trained on it): a floor that catches regressions of the rules.
    @Test func evalOnTheDevCorpus() throws {
        let corpus = PackagePaths.root.appendingPathComponent("Tests/Corpus/dev")
        let result = try Evaluation.run(classifier: classifier, articlesDirectory: corpus.appendingPathComponent("articles"),
                                        labelsFile: corpus.appendingPathComponent("labels.yaml"))
        #expect(result.articles >= 60)
        #expect(result.micro.f1 >= 0.8, "micro F1 \(result.micro.f1)")
        #expect((result.amount.value ?? 0) >= 0.72, "amount accuracy \(result.amount.value ?? 0)")
        #expect((result.status.value ?? 0) >= 0.85, "status accuracy \(result.status.value ?? 0)")
    }
}

@Suite struct MangledTextTests {
    @Test func aNameThatEndsTheTextOrCrossesALineBreakEndsInItsSentence() {
        // Were crashes: the end of the text mapped past the end of the last sentence, and a name
        // folded across a line break ("Samsung\nElectronics") ended in the next sentence.
        for text in ["Lip-Bu Tan named CEO of Intel\n", "Lip-Bu Tan wird Chef von Intel\n \n"] {
            let events = classifier.classify(title: "", text: text, language: nil)
            #expect(events.contains { $0.type == .leadershipChange && $0.actors.map(\.name) == ["Intel"] })
            for e in events { for s in e.spans { #expect(s.end <= e.evidence.utf8.count) } }
        }
        let crossing = classifier.classify(title: "OpenAI raises $6 billion in a round led by Samsung", text: "Electronics and others joined.", language: "en")
        #expect(crossing.contains { $0.type == .fundingRound })
        for e in crossing { for s in e.spans { #expect(s.end <= e.evidence.utf8.count) } }
    }

    /// Articles of every corpus with words swapped for figures, currencies, brackets, quotes and
    /// stray marks, cut anywhere: classification must never trap (one crashing article would stop
    /// an ingest run), and the events it finds must point into their own sentence.
    @Test func mangledArticlesNeverTrap() throws {
        let files = try FileManager.default.contentsOfDirectory(at: PackagePaths.root.appendingPathComponent("Tests/Corpus"), includingPropertiesForKeys: nil)
            .flatMap { try FileManager.default.contentsOfDirectory(at: $0.appendingPathComponent("articles"), includingPropertiesForKeys: nil) }
            .sorted { $0.path < $1.path }
        #expect(files.count >= 300)
        let noise = ["$", "€", "US$", "Dollar", "Won", "Milliarden", "Mrd.", "bn", "billion", "Billionen", "bis", "to", "-", "–", "49", "1,5",
                     "8-10", "350.000", "(", ")", "plus or minus", "per", "je", "of", "vom Typ", "H100", "GPUs", "%", "between", "und", "up to",
                     "„", "“", "\"", "?", ".", ";", "\n", "Inc.", "der Konzern", "raises", "übernimmt", "apiece", "valued at", "Umsatz", "ß", "\u{301}", "\u{a0}"]
        var rng = SplitMix64(seed: 2026)
        var events = 0
        for (k, file) in files.enumerated() {
            let words = try String(contentsOf: file, encoding: .utf8).split(separator: " ", omittingEmptySubsequences: false)
            var text = words.map { w -> String in
                switch rng.next() % 10 {
                case 0: return noise[Int(rng.next() % UInt64(noise.count))]
                case 1: return String(w) + noise[Int(rng.next() % UInt64(noise.count))]
                default: return String(w)
                }
            }.joined(separator: " ")
            if k % 5 == 0 { text = String(text.unicodeScalars.prefix(Int(rng.next() % UInt64(text.unicodeScalars.count + 1))).map(Character.init)) }
            for e in classifier.classify(title: "", text: text, language: k % 2 == 0 ? "en" : "de") {
                events += 1
                for s in e.spans { #expect(s.start >= 0 && s.start < s.end && s.end <= e.evidence.utf8.count, "\(file.lastPathComponent): \(s) in \(e.evidence)") }
            }
        }
        #expect(events > 100)
    }
}

/// The automaton finds exactly what a naive search finds, at word boundaries as each pattern's
/// open ends allow, with a small dictionary (16-bit table) and one past 65,536 states (32-bit
/// table, as with 10,000 aliases): a missed name is a missed event.
@Suite struct AutomatonTests {
    static func naive(_ patterns: [[UInt8]], _ openEnds: [UInt8], _ text: [UInt8]) -> [[Int]] {
        var found: [[Int]] = []
        for (id, p) in patterns.enumerated() where !p.isEmpty && p.count <= text.count {
            for start in 0...(text.count - p.count) where text[start] == p[0] && text[start..<(start + p.count)].elementsEqual(p) {
                let end = start + p.count
                if openEnds[id] & 1 == 0 && start > 0 && FoldedText.isWordByte(text[start - 1]) { continue }
                if openEnds[id] & 2 == 0 && end < text.count && FoldedText.isWordByte(text[end]) { continue }
                found.append([id, end])
            }
        }
        return found.sorted { ($0[1], $0[0]) < ($1[1], $1[0]) }
    }

    @Test(arguments: [200, 14_000])
    func findsWhatANaiveSearchFinds(patternCount: Int) {
        var rng = SplitMix64(seed: UInt64(patternCount))
        let letters = Array("abcde ".utf8)
        func word(_ n: Int) -> [UInt8] { (0..<n).map { _ in letters[Int(rng.next() % 5)] } }
        // Short patterns over a small alphabet overlap a lot (suffix outputs, failure links);
        // long ones make states.
        let patterns = (0..<patternCount).map { k in word(k % 3 == 0 ? 1 + Int(rng.next() % 3) : 6 + Int(rng.next() % 15)) }
        let openEnds = patterns.map { _ in UInt8(rng.next() % 4) }
        let automaton = Automaton(patterns: patterns, openEnds: openEnds)
        if patternCount > 1_000 { #expect(automaton.stateCount > 65_536) } else { #expect(automaton.stateCount < 65_536) }
        let text = (0..<2_000).map { _ in letters[Int(rng.next() % UInt64(letters.count))] }
        var hits: [[Int]] = []
        text.withUnsafeBufferPointer { buf in automaton.scan(buf) { hits.append([$0, $1]) } }
        hits.sort { ($0[1], $0[0]) < ($1[1], $1[0]) }
        let expected = Self.naive(patterns, openEnds, text)
        #expect(expected.count > 100)
        // Compared without printing thousands of hits on failure.
        let firstDifference = (0..<min(hits.count, expected.count)).first { hits[$0] != expected[$0] }
        #expect(hits.count == expected.count && firstDifference == nil,
                "\(hits.count) hits, \(expected.count) expected; first difference at \(firstDifference.map(String.init) ?? "the end")")
    }
}
