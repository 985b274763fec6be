import Classifier
import FeedParser
import Foundation
import Store
import TrackerModel

/// The jobs of the tracker, each one readable top to bottom (poll, ingest), over one store.
public struct Pipeline {
    public let store: TrackerStore
    public let classifier: Classifier?

    public init(store: TrackerStore, classifier: Classifier?) {
        self.store = store
        self.classifier = classifier
    }

    /// The step every job shares once it has a parsed feed: articles in, one transaction.
    func save(_ parsed: ParsedFeed, feedID: Int64, fetched: Date) throws -> SaveResult {
        try store.saveArticles(articles(of: parsed, fetched: fetched, feedLanguage: nil), feedID: feedID, classify: classify)
    }

    /// A parsed feed's items as articles; the feed's declared language, else the subscription's.
    func articles(of parsed: ParsedFeed, fetched: Date, feedLanguage: String?) -> [Article] {
        parsed.items.map { $0.article(fetched: fetched, feedLanguage: parsed.language ?? feedLanguage) }
    }

    /// The events of an article, when the pipeline has rules.
    var classify: ((Article) -> [Event])? {
        classifier.map { c in { article in c.classify(title: article.title, text: article.text, language: article.language, published: article.published) } }
    }
}

/// A failure a user can act on, said in one line ("no such file or folder: …").
public struct TrackerError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
