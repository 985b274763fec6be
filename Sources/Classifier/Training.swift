import Foundation
import TrackerModel

/// `tracker train`: fits the evidence model (`EvidenceModel`) to the labelled corpora, and
/// measures it held out: each fold of corpora is scored by a model trained on the others.
public enum Training {
    /// A labelled corpus in the `shared/eval/FORMAT.md` layout.
    public struct Corpus: Sendable {
        public var name: String
        public var articles: URL
        public var labels: URL
    }

    /// The corpora under each folder: the folder itself when it has `labels.yaml`, else each
    /// subfolder that has one.
    public static func corpora(in folders: [URL]) throws -> [Corpus] {
        let fm = FileManager.default
        func corpus(_ dir: URL) -> Corpus? {
            let labels = dir.appendingPathComponent("labels.yaml")
            return fm.fileExists(atPath: labels.path) ? Corpus(name: dir.lastPathComponent, articles: dir.appendingPathComponent("articles"), labels: labels) : nil
        }
        return try folders.flatMap { folder -> [Corpus] in
            if let c = corpus(folder) { return [c] }
            guard let names = try? fm.contentsOfDirectory(atPath: folder.path) else {
                throw RuleError(file: folder.path, line: 0, reason: "not a folder")
            }
            let found = names.sorted().compactMap { corpus(folder.appendingPathComponent($0)) }
            guard !found.isEmpty else { throw RuleError(file: folder.path, line: 0, reason: "no labels.yaml in it or its subfolders") }
            return found
        }
    }

    /// Every labelled article of the corpora, classified once by the rules alone.
    public struct Data {
        var articles: [(corpus: Int, prediction: Evaluation.Prediction)] = []
        var corpusNames: [String] = []
        let resolve: EntityResolver
        public var count: Int { articles.count }
    }

    public static func classify(_ corpora: [Corpus], rules: RuleSet) throws -> Data {
        var classifier = Classifier(rules: rules)
        classifier.evidenceModel = nil
        var data = Data(resolve: EntityResolver(rules: rules))
        data.corpusNames = corpora.map(\.name)
        for (k, c) in corpora.enumerated() {
            for p in try Evaluation.predictions(classifier: classifier, articlesDirectory: c.articles, labelsFile: c.labels) {
                data.articles.append((k, p))
            }
        }
        return data
    }

    /// Each rule-found event that annotators either confirmed or did not mark at all, with its
    /// article's headline. Duplicates and events matching background gold teach nothing. The
    /// rules' own `match` examples are no training data: they are sentences written to show a
    /// rule, not news, and with them the model did worse on news it had not seen (see README).
    static func examples(_ data: Data, where include: (Int) -> Bool) -> [(event: Event, headline: String, correct: Bool)] {
        var out: [(event: Event, headline: String, correct: Bool)] = []
        var scratch = Evaluation()
        for (corpus, p) in data.articles where include(corpus) {
            for (e, outcome) in zip(p.predicted, scratch.score(p.name, gold: p.gold, predicted: p.predicted, resolve: data.resolve)) {
                switch outcome {
                case .truePositive: out.append((e, p.title, true))
                case .falsePositive: out.append((e, p.title, false))
                case .duplicate, .matchesBackground: break
                }
            }
        }
        return out
    }

    public static func train(_ data: Data, threshold: Double) -> EvidenceModel {
        var model = EvidenceModel.train(examples(data, where: { _ in true }), threshold: threshold)
        model.trainedOn = data.corpusNames
        return model
    }

    /// Micro counts without and with the model, each fold of corpora (every `folds`-th corpus)
    /// scored by a model trained on the others: what to expect on corpora it has not seen.
    public static func crossValidate(_ data: Data, folds: Int, threshold: Double) -> (rulesAlone: Evaluation.Counts, withModel: Evaluation.Counts) {
        var before = Evaluation(), after = Evaluation()
        for fold in 0..<folds {
            let model = EvidenceModel.train(examples(data, where: { $0 % folds != fold }), threshold: threshold)
            for (corpus, p) in data.articles where corpus % folds == fold {
                before.score(p.name, gold: p.gold, predicted: p.predicted, resolve: data.resolve)
                let headline = EvidenceModel.Headline(p.title)
                after.score(p.name, gold: p.gold, predicted: p.predicted.filter { model.probability(of: $0, headline: headline) >= threshold }, resolve: data.resolve)
            }
        }
        return (before.micro, after.micro)
    }
}
