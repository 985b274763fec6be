import FeedParser
import Fetcher
import Foundation
import Store
import TrackerModel

/// What one `tracker poll` did.
public struct PollSummary: Codable, Sendable {
    public struct Failure: Codable, Sendable {
        public var feed: String
        public var error: String
        public var nextPoll: Date?
    }

    public var feeds = 0
    public var notModified = 0
    public var newArticles = 0
    public var duplicates = 0
    public var events = 0
    public var errors = 0
    public var seconds = 0.0
    public var failures: [Failure] = []
    /// Feeds disabled by this poll (410 Gone).
    public var disabled: [String] = []
    /// Feeds whose URL changed after a permanent redirect seen on consecutive polls: "old -> new".
    public var moved: [String] = []

    public init() {}
}

extension Pipeline {
    /// One cron cycle, top to bottom: due feeds → fetch (concurrently) → per feed: not
    /// modified, or parse → dedup → classify → store with the feed's new state, in one
    /// transaction. A failing feed is recorded with its reason and backs off; the rest go on.
    public func poll(now: Date = Date(), all: Bool = false, fetcher: Fetcher = Fetcher(),
                     progress: ((_ done: Int, _ total: Int, _ newArticles: Int) -> Void)? = nil) throws -> PollSummary {
        let started = Date()
        let feeds = try store.dueFeeds(now: now, includeNotDue: all)
        var summary = PollSummary()
        summary.feeds = feeds.count
        // Feeds that bring no articles only change their state: written together at the end.
        var unchanged: [FeedState] = []
        var databaseFailure: StoreError?
        var done = 0
        // Each feed is stored as soon as its transfer ends; its body is not kept.
        fetcher.fetch(feeds.map { FetchRequest(url: $0.url, etag: $0.etag, lastModified: $0.lastModified) }) { index, response in
            done += 1
            defer { progress?(done, feeds.count, summary.newArticles) }
            guard databaseFailure == nil else { return }
            let feed = feeds[index]
            var state = feed
            state.lastPolledAt = now
            do {
                try followPermanentRedirects(response, &state, &summary)
                if try !record(response, state: &state, now: now, summary: &summary) { unchanged.append(state) }
            } catch let error as StoreError {
                databaseFailure = error   // the database itself failed: the run cannot go on
            } catch {
                // Keep nothing of this response (validators included): the next poll fetches it afresh.
                var failed = feed
                failed.lastPolledAt = now
                fail(&failed, "\(error)", response: response, now: now, summary: &summary)
                unchanged.append(failed)
            }
        }
        if let databaseFailure { throw databaseFailure }
        try store.saveStates(unchanged)
        summary.seconds = Date().timeIntervalSince(started)
        return summary
    }

    /// Returns true when it stored the feed's articles (and state); false when only the state changed.
    private func record(_ response: FetchResponse, state: inout FeedState, now: Date, summary: inout PollSummary) throws -> Bool {
        if let error = response.error {
            if error == .http(410) {
                state.disabled = true
                state.lastStatus = "410 Gone"
                state.lastError = "the publisher removed this feed (410 Gone); disabled, re-enable with `tracker feeds add`"
                summary.disabled.append(state.url)
                summary.errors += 1
                summary.failures.append(.init(feed: state.url, error: state.lastError!, nextPoll: nil))
            } else {
                fail(&state, error.description, response: response, now: now, summary: &summary)
            }
            return false
        }
        // A 200 whose validators equal the stored ones is "not modified" too.
        let sameValidators = (state.etag != nil && response.headers["etag"] == state.etag)
            || (state.lastModified != nil && response.headers["last-modified"] == state.lastModified)
        if response.notModified || sameValidators {
            succeed(&state, status: "not modified", response: response, ttl: nil, now: now)
            summary.notModified += 1
            return false
        }
        let parsed = try FeedParser.parse(response.body, httpCharset: response.charset, baseURL: response.finalURL)
        let articles = articles(of: parsed, fetched: now, feedLanguage: state.language)
        state.etag = response.headers["etag"]
        state.lastModified = response.headers["last-modified"]
        state.title = state.title ?? parsed.title
        state.language = state.language ?? parsed.language
        let warned = parsed.warnings.isEmpty ? "" : ", \(parsed.warnings.count) warning\(parsed.warnings.count == 1 ? "" : "s"): \(parsed.warnings[0])"
        succeed(&state, status: "\(response.status) OK, \(parsed.items.count) items\(warned)", response: response, ttl: parsed.ttlMinutes, now: now)
        let saved = try store.savePoll(state, articles: articles, classify: classify)
        summary.newArticles += saved.new
        summary.duplicates += saved.duplicates
        summary.events += saved.events
        return true
    }

    private func succeed(_ state: inout FeedState, status: String, response: FetchResponse, ttl: Int?, now: Date) {
        state.consecutiveErrors = 0
        state.lastError = nil
        state.lastStatus = status
        state.lastSuccessAt = now
        state.nextPollAt = PollSchedule.next(after: now, headers: response.headers, ttlMinutes: ttl)
    }

    private func fail(_ state: inout FeedState, _ message: String, response: FetchResponse, now: Date, summary: inout PollSummary) {
        state.consecutiveErrors += 1
        state.lastError = message
        state.lastStatus = "error"
        state.nextPollAt = PollSchedule.backoff(after: now, errors: state.consecutiveErrors, headers: response.headers)
        summary.errors += 1
        summary.failures.append(.init(feed: state.url, error: message, nextPoll: state.nextPollAt))
    }

    /// A chain of 301/308 moves the feed only when the same target is seen on two
    /// consecutive polls (a misconfigured server for a day must not lose the subscription);
    /// any 302/307 in the chain means "temporary" and changes nothing.
    private func followPermanentRedirects(_ response: FetchResponse, _ state: inout FeedState, _ summary: inout PollSummary) throws {
        let permanent = !response.redirects.isEmpty && response.redirects.allSatisfy { $0.status == 301 || $0.status == 308 }
        guard permanent, response.error == nil else {
            state.redirectCandidate = nil
            state.redirectSeen = 0
            return
        }
        let target = response.finalURL
        state.redirectSeen = state.redirectCandidate == target ? state.redirectSeen + 1 : 1
        state.redirectCandidate = target
        if state.redirectSeen >= 2 {
            if try store.feedExists(url: target) {
                summary.moved.append("\(state.url) -> \(target) (not moved: already subscribed to \(target))")
            } else {
                summary.moved.append("\(state.url) -> \(target)")
                state.url = target
            }
            state.redirectCandidate = nil
            state.redirectSeen = 0
        }
    }
}

/// Overlapping cron runs must not poll together: an exclusive, non-blocking `flock` on a
/// file beside the database. The kernel releases it when the process ends, however it ends.
public final class PollLock {
    public let path: String
    private let fd: Int32

    public struct Held: Error, CustomStringConvertible {
        public var path: String
        public var description: String { "another tracker poll is running (lock \(path)); exiting" }
    }

    public init(databasePath: String) throws {
        path = databasePath + ".lock"
        fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw TrackerError("cannot open lock file \(path): \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw Held(path: path)
        }
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
