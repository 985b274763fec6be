import ArgumentParser
import Classifier
import Foundation
import TrackerKit
import TrackerModel

extension Tracker {
    struct Classify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Classify the text of an article and print its events.",
            discussion: "Reads plain text (first line: headline), or an evaluation-corpus article with URL:/LANG:/DATE: header.")

        @OptionGroup var global: GlobalOptions

        @Option(help: "Output format: table or json.")
        var format: OutputFormat = .table

        @Option(help: "Language code (en, de); detected from the text when omitted.")
        var lang: String?

        @Flag(help: "Show for each event the rule, the matched spans and why status and confidence are what they are.")
        var explain = false

        @Argument(help: "A text file, or - for standard input.")
        var file: String = "-"

        func run() throws {
            let classifier = try global.loadClassifier()
            let data = file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : FileManager.default.contents(atPath: file)
            guard let data else { throw TrackerError("cannot read \(file)") }
            let text = String(decoding: data, as: UTF8.self)
            var article = CorpusArticle(text)
            if article.title.isEmpty && article.url == nil && article.language == nil {
                // Plain text: the first line is the headline.
                let lines = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
                article.title = String(lines.first ?? "")
                article.body = lines.count > 1 ? String(lines[1]) : ""
            }
            let language = lang ?? article.language
            let (events, misses) = explain
                ? classifier.explain(title: article.title, text: article.body, language: language, published: article.published)
                : (classifier.classify(title: article.title, text: article.body, language: language, published: article.published), [])
            if format == .json {
                print(try Terminal.json(events))
                return
            }
            defer { if explain { printMisses(misses) } }
            if events.isEmpty { if !global.quiet { print("no events") }; return }
            let rows = events.map { e in
                [e.type.rawValue, e.actors.map { "\($0.name)(\($0.role))" }.joined(separator: ", "), Format.money(e.amount),
                 e.quantity.map { "\(Format.number($0.value)) \($0.unit)" } ?? "-", e.status.rawValue, String(format: "%.2f", e.confidence)]
            }
            print(Terminal.table(["type", "actors", "amount", "quantity", "status", "conf"], rows))
            guard explain else { return }
            for e in events {
                print("\n\(e.type.rawValue)  rule \(e.ruleID) @ rules \(e.rulesetVersion)")
                print("  sentence: \(e.evidence)")
                for span in e.spans {
                    let bytes = Array(e.evidence.utf8)
                    let text = String(decoding: bytes[max(0, span.start)..<min(bytes.count, span.end)], as: UTF8.self)
                    print("  \(span.label.padding(toLength: 9, withPad: " ", startingAt: 0)) [\(span.start)..<\(span.end)] \"\(text)\"")
                }
                for r in e.reasons { print("  why: \(r)") }
            }
        }

        /// Triggers that fired without an event, grouped by sentence: why a story was not reported.
        func printMisses(_ misses: [Classifier.Miss]) {
            var lastSentence: String?
            for m in misses {
                if m.sentence != lastSentence {
                    print(lastSentence == nil ? "\nno event from:" : "")
                    print("  sentence: \(m.sentence)")
                    lastSentence = m.sentence
                }
                print("  \(m.rule)  trigger \"\(m.trigger)\": \(m.reason)")
            }
        }
    }

    struct Rules: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Validate rule files and run their embedded tests.", subcommands: [Lint.self, Test.self])

        struct Lint: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Load every rule file; report the first problem as file:line: reason.")
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let c = try global.loadClassifier()
                let r = c.rules
                if !global.quiet {
                    print("ok: \(r.rules.count) event rules, \(r.entities.count) entities, \(r.products.count) products, \(r.rules.reduce(0) { $0 + $1.tests.count }) embedded tests; rule set \(r.version)")
                }
            }
        }

        struct Test: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Run every rule's match/no_match tests; exit status 1 on any failure.")
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let report = try global.loadClassifier().runRuleTests()
                for f in report.failures { print("FAIL \(f)") }
                print("\(report.passed)/\(report.total) rule tests passed")
                if let dropped = report.droppedByModel {
                    print("the evidence model would drop the event of \(dropped) of the \(report.matchExamples) passing match examples (read alone, without a headline; `classify --explain` says why)")
                }
                if !report.failures.isEmpty { throw ExitCode(1) }
            }
        }
    }

    struct Eval: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Score the classifier against a labelled corpus (see shared/eval/FORMAT.md).")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Folder of article files (NNN.txt).") var articles: String
        @Option(help: "labels.yaml of the corpus.") var labels: String
        @Option(help: "Output format: table or json.") var format: OutputFormat = .table
        @Flag(help: "List every false positive and false negative with its evidence sentence.") var showErrors = false
        @Option(help: "Score only events with at least this confidence (0–1), as an alert threshold would.") var minConfidence: Double = 0
        @Flag(help: "Classify with the rules alone, without the evidence model (Rules/model/).") var rulesOnly = false

        func run() throws {
            let result: Evaluation
            var classifier = try global.loadClassifier()
            if rulesOnly { classifier.evidenceModel = nil }
            let corpus = URL(fileURLWithPath: labels).deletingLastPathComponent().lastPathComponent
            if let model = classifier.evidenceModel, model.trainedOn.contains(corpus) {
                Terminal.warn("note: the evidence model was trained on corpus '\(corpus)', so these figures are in-sample; `tracker train --folds 5` measures it held out, --rules-only scores the rules alone")
            }
            do {
                result = try Evaluation.run(classifier: classifier, articlesDirectory: URL(fileURLWithPath: articles),
                                            labelsFile: URL(fileURLWithPath: labels), minConfidence: minConfidence)
            } catch let e as RuleError { throw TrackerError("\(e)") }
            if format == .json {
                var r = result
                if !showErrors { r.errors = [] }
                print(try Terminal.json(r))
                return
            }
            func pct(_ x: Double) -> String { String(format: "%.3f", x) }
            var rows = result.perType.keys.sorted().map { t -> [String] in
                let c = result.perType[t]!
                return [t, "\(c.truePositives)", "\(c.falsePositives)", "\(c.falseNegatives)", pct(c.precision), pct(c.recall), pct(c.f1)]
            }
            let m = result.micro
            rows.append(["micro", "\(m.truePositives)", "\(m.falsePositives)", "\(m.falseNegatives)", pct(m.precision), pct(m.recall), pct(m.f1)])
            print(Terminal.table(["type", "tp", "fp", "fn", "precision", "recall", "f1"], rows))
            func acc(_ a: Evaluation.Accuracy) -> String { a.value.map { "\(pct($0)) (\(a.correct)/\(a.total))" } ?? "n/a" }
            print("\n\(result.articles) articles; amount accuracy \(acc(result.amount)); quantity accuracy \(acc(result.quantity)); status accuracy \(acc(result.status))")
            if showErrors {
                for e in result.errors { print("\n\(e.kind.uppercased()) \(e.article) \(e.type) [\(e.actors.joined(separator: ", "))]\n  \(e.evidence)") }
            }
        }
    }
}

extension Tracker {
    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fit the evidence model (Rules/model/evidence.tsv) to labelled corpora, and measure it held out.",
            discussion: "Classifies every labelled article with the rules alone, then learns which of the events found annotators confirmed. Retrain after changing rules or corpora; the model file is part of the rule set's version.")
        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("corpora"), help: "A corpus folder (articles/ and labels.yaml), or a folder of them; repeatable.") var corpora: [String]
        @Option(help: "Events rated below this probability are dropped.") var threshold: Double = 0.5
        @Option(help: "Also score the model held out: corpora split into this many folds, each scored by a model trained on the others (0: skip).") var folds = 5
        @Option(help: "Where to write the model (default: <rules>/model/evidence.tsv).") var out: String?

        func run() throws {
            guard (0...1).contains(threshold) else { throw ValidationError("--threshold must be between 0 and 1") }
            let data: Training.Data
            let rules: RuleSet
            do {
                rules = try RuleSet.load(from: URL(fileURLWithPath: global.rulesPath))
                let found = try Training.corpora(in: corpora.map { URL(fileURLWithPath: $0) })
                data = try Training.classify(found, rules: rules)
                print("\(found.count) corpora, \(data.count) labelled articles classified with the rules alone")
            } catch let e as RuleError { throw TrackerError("\(e)") }
            if folds > 1 {
                let (alone, model) = Training.crossValidate(data, folds: folds, threshold: threshold)
                func line(_ name: String, _ c: Evaluation.Counts) -> String {
                    String(format: "  %@ tp %d fp %d fn %d  precision %.3f recall %.3f F1 %.3f", name, c.truePositives, c.falsePositives, c.falseNegatives, c.precision, c.recall, c.f1)
                }
                print("held out, \(folds) folds of corpora:\n" + line("rules alone:", alone) + "\n" + line("with model: ", model))
            }
            let model = Training.train(data, threshold: threshold)
            let path = out ?? URL(fileURLWithPath: global.rulesPath).appendingPathComponent("model").appendingPathComponent(EvidenceModel.fileName).path
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            let header = ["Evidence model: written by `tracker train`, do not edit by hand (see Sources/Classifier/EvidenceModel.swift).",
                          "Trained on the events the rules alone find in \(data.count) labelled articles; \(model.weights.count) weights."]
            try model.serialised(header: header).write(toFile: path, atomically: true, encoding: .utf8)
            print("wrote \(path): \(model.weights.count) weights, threshold \(threshold)")
        }
    }
}

enum Format {
    static func number(_ v: Double) -> String {
        for (f, s) in [(1e12, "T"), (1e9, "B"), (1e6, "M")] where abs(v) >= f {
            return String(format: "%g", (v / f * 100).rounded() / 100) + s
        }
        return String(format: "%.0f", v)
    }

    static func money(_ m: Money?) -> String {
        guard let m else { return "-" }
        switch (m.min, m.max) {
        case let (lo?, hi?) where lo == hi: return "\(number(lo)) \(m.currency)"
        case let (lo?, hi?): return "\(number(lo))–\(number(hi)) \(m.currency)"
        case let (nil, hi?): return "≤\(number(hi)) \(m.currency)"
        case let (lo?, nil): return "≥\(number(lo)) \(m.currency)"
        default: return m.currency
        }
    }
}
