import Classifier
import FeedParser
import Foundation
import Store
import TrackerModel

/// The jobs of the tracker, each one readable top to bottom (ingest, and later poll and
/// reclassify), over one store.
public struct Pipeline {
    public let store: TrackerStore
    public let classifier: Classifier?

    public init(store: TrackerStore, classifier: Classifier?) {
        self.store = store
        self.classifier = classifier
    }

    /// The step every job shares once it has a parsed feed: articles in, one transaction.
    func save(_ parsed: ParsedFeed, feedID: Int64, fetched: Date) throws -> SaveResult {
        let articles = parsed.items.map { $0.article(fetched: fetched, feedLanguage: parsed.language) }
        return try store.saveArticles(articles, feedID: feedID, classify: classify)
    }

    /// The events of an article, when the pipeline has rules.
    var classify: ((Article) -> [Event])? {
        classifier.map { c in { article in c.classify(title: article.title, text: article.text, language: article.language) } }
    }
}
