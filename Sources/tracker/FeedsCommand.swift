import ArgumentParser
import FeedParser
import Foundation
import TrackerKit
import Store
import TrackerModel

extension Tracker {
    struct Feeds: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Manage subscriptions.",
            subcommands: [List.self, Status.self, Add.self, Remove.self, Import.self, Export.self])

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List subscribed feeds.")
            @OptionGroup var global: GlobalOptions
            @Option(help: "Output format: table or json.") var format: OutputFormat = .table

            func run() throws {
                let feeds = try global.openStore().feeds()
                if format == .json {
                    print(try Terminal.json(feeds.map { ["url": $0.feed.url, "title": $0.feed.title ?? "", "category": $0.feed.category ?? "", "language": $0.feed.language ?? "", "articles": "\($0.articleCount)"] }))
                    return
                }
                print(Terminal.table(["category", "title", "lang", "articles", "url"],
                                     feeds.map { [$0.feed.category ?? "-", $0.feed.title ?? "-", $0.feed.language ?? "-", "\($0.articleCount)", $0.feed.url] }))
                if !global.quiet { print("\(feeds.count) feeds") }
            }
        }

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Subscribe to a feed URL.")
            @OptionGroup var global: GlobalOptions
            @Argument(help: "The feed's http(s) URL.") var url: String
            @Option(help: "Title to show.") var title: String?
            @Option(help: "Category, e.g. \"Trade press\".") var category: String?
            @Option(help: "Language code (en, de, ...).") var language: String?

            func validate() throws {
                guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
                    throw ValidationError("only http and https feed URLs can be polled: \(url)")
                }
            }

            func run() throws {
                try global.openStore().upsertFeed(Feed(url: url, title: title, category: category, language: language))
                if !global.quiet { print("added \(url)") }
            }
        }

        struct Remove: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Unsubscribe from a feed (its stored articles stay).")
            @OptionGroup var global: GlobalOptions
            @Argument(help: "The feed URL as listed by `tracker feeds list`.") var url: String

            func run() throws {
                guard try global.openStore().removeFeed(url: url) else { throw TrackerError("no such feed: \(url)") }
                if !global.quiet { print("removed \(url)") }
            }
        }

        struct Import: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Subscribe to every feed of OPML files.")
            @OptionGroup var global: GlobalOptions
            @Argument(help: "OPML files.") var files: [String]

            func run() throws {
                let store = try global.openStore()
                var total = 0, failed = 0
                for file in files {
                    let feeds: [Feed]
                    do {
                        feeds = try OPML.parse(try TrackerFiles.read(file))
                    } catch {
                        Terminal.warn("error: \(file): \(error)")   // the other files still count
                        failed += 1
                        continue
                    }
                    for feed in feeds { try store.upsertFeed(feed) }
                    total += feeds.count
                    if !global.quiet { print("\(file): \(feeds.count) feeds") }
                }
                if !global.quiet { print("imported \(total) feeds") }
                if failed > 0 { throw ExitCode(1) }
            }
        }

        struct Export: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Print all subscriptions (http and https feeds) as OPML 2.0.")
            @OptionGroup var global: GlobalOptions

            func run() throws {
                // Local files read by `ingest` are not subscriptions anyone could import elsewhere.
                let feeds = try global.openStore().feeds().map(\.feed).filter { $0.url.hasPrefix("http://") || $0.url.hasPrefix("https://") }
                print(OPML.render(feeds), terminator: "")
            }
        }
    }
}

extension Tracker.Feeds {
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Health of every feed: last success, errors, next poll, last error in words.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Output format: table or json.") var format: OutputFormat = .table

        func run() throws {
            let states = try global.openStore().feedStates()
            if format == .json {
                print(try Terminal.json(states))
                return
            }
            let now = Date()
            func ago(_ d: Date?) -> String {
                guard let d else { return "never" }
                let s = now.timeIntervalSince(d)
                return s < 0 ? "in " + span(-s) : span(s) + " ago"
            }
            func span(_ s: Double) -> String {
                s < 90 ? "\(Int(s))s" : s < 5400 ? "\(Int(s / 60))m" : s < 172_800 ? "\(Int(s / 3600))h" : "\(Int(s / 86400))d"
            }
            print(Terminal.table(["feed", "last success", "errors", "next poll", "status"], states.map { f in
                [f.title ?? f.url, ago(f.lastSuccessAt), "\(f.consecutiveErrors)", f.disabled ? "not polled" : (f.nextPollAt.map { $0 <= now ? "due" : ago($0) } ?? "due"),
                 f.lastError ?? f.lastStatus ?? "not polled yet"]
            }))
            let failing = states.filter { $0.consecutiveErrors > 0 }.count
            if !global.quiet { print("\(states.count) feeds, \(failing) failing, \(states.filter(\.disabled).count) not polled (gone or local)") }
        }
    }
}
