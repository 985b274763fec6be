import Classifier
import Foundation
import Store
import Testing
import TrackerKit
import TrackerModel
import TrackerTesting

/// `tracker ingest`'s job: the sample feeds through parse → classify → store, and what a
/// user finds in the database afterwards.
@Suite struct IngestTests {
    let dir = TempDirectory()

    @Test func articlesAndTheirEventsWithActorsAreStoredOnce() throws {
        let store = try TrackerStore(path: dir.path("t.sqlite"))
        let pipeline = Pipeline(store: store, classifier: Classifier(rules: try RuleSet.load(from: PackagePaths.rules)))
        let samples = PackagePaths.feeds.appendingPathComponent("samples").path
        let reports = pipeline.ingest(paths: [samples])
        #expect(reports.count == 5 && reports.allSatisfy { $0.error == nil })
        #expect(reports.reduce(0) { $0 + $1.new } == 25)
        let stored = try store.articles()
        #expect(stored.count == reports.reduce(0) { $0 + $1.new })
        #expect(stored.allSatisfy { !$0.title.isEmpty && $0.published != nil && !$0.fingerprint.isEmpty })
        let events = try store.events()
        #expect(events.count == reports.reduce(0) { $0 + $1.events })
        #expect(events.allSatisfy { !$0.event.actors.isEmpty && !$0.event.evidence.isEmpty && !$0.event.rulesetVersion.isEmpty })
        #expect(events.contains { $0.event.type == .acquisition })
        // Re-ingesting stores nothing twice, events included.
        let again = pipeline.ingest(paths: [samples])
        #expect(again.allSatisfy { $0.new == 0 && $0.events == 0 })
        #expect(try store.eventCount() == events.count)
        // Ingested files are not feeds to poll.
        #expect(try store.dueFeeds(now: Date()).isEmpty)
    }

    @Test func aMissingPathIsReportedAndTheRestIsStored() throws {
        let store = try TrackerStore(path: dir.path("t.sqlite"))
        let pipeline = Pipeline(store: store, classifier: nil)
        let sample = PackagePaths.feeds.appendingPathComponent("samples/chipwire-rss2.xml").path
        let reports = pipeline.ingest(paths: ["/no/such/feed.xml", sample])
        #expect(reports.map(\.error) == ["no such file or folder: /no/such/feed.xml", nil])
        #expect(try store.articleCount() == reports[1].new)
    }
}
