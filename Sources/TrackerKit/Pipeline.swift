import FeedParser
import Foundation
import Store
import TrackerModel

/// The jobs of the tracker, each one readable top to bottom (ingest, and later poll and
/// reclassify), over one store.
public struct Pipeline {
    public let store: TrackerStore

    public init(store: TrackerStore) {
        self.store = store
    }

    /// The step every job shares once it has a parsed feed: articles in, one transaction.
    func save(_ parsed: ParsedFeed, feedID: Int64, fetched: Date) throws -> SaveResult {
        let articles = parsed.items.map { $0.article(fetched: fetched, feedLanguage: parsed.language) }
        return try store.saveArticles(articles, feedID: feedID)
    }
}
