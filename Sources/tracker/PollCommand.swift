import ArgumentParser
import Fetcher
import Foundation
import Store
import TrackerKit

extension Tracker {
    struct Poll: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fetch the feeds that are due and store what is new (the job cron runs).",
            discussion: """
                Exit status: 0 when the run completed, even if some feeds failed (they are listed and back off); \
                75 when another poll holds the lock; 1 when the run could not work (database, rules, options).
                """)

        static let lockHeldExitCode: Int32 = 75

        @OptionGroup var global: GlobalOptions

        @Flag(help: "Poll every enabled feed, due or not.")
        var all = false

        @Option(help: "Output format of the summary: table or json.")
        var format: OutputFormat = .table

        @Option(help: "Transfers in flight at once.")
        var concurrency = 16

        @Option(help: "Transfers in flight per host.")
        var perHost = 2

        @Option(help: "Seconds a whole transfer may take.")
        var timeout: Double = 60

        @Option(help: "User-Agent sent to publishers (name the tool and a contact URL).")
        var userAgent: String?

        @Flag(help: "Refuse feeds that resolve to private, loopback or link-local addresses.")
        var refusePrivate = false

        func validate() throws {
            guard concurrency > 0, perHost > 0, timeout > 0 else { throw ValidationError("--concurrency, --per-host and --timeout must be positive") }
            guard concurrency <= 256, timeout <= 3600 else { throw ValidationError("--concurrency is at most 256 and --timeout at most 3600 seconds") }
        }

        func run() throws {
            let lock: PollLock
            do {
                lock = try PollLock(databasePath: global.databasePath)
            } catch let held as PollLock.Held {
                Terminal.warn("\(held)")
                throw ExitCode(Self.lockHeldExitCode)
            }
            defer { withExtendedLifetime(lock) {} }
            var options = FetchOptions()
            options.concurrency = concurrency
            options.perHost = perHost
            options.totalTimeout = timeout
            options.refusePrivateAddresses = refusePrivate
            if let userAgent { options.userAgent = userAgent }
            let pipeline = Pipeline(store: try global.openStore(), classifier: try global.loadClassifier(lenient: true))
            let showProgress = !global.quiet && isatty(2) == 1
            let summary = try pipeline.poll(all: all, fetcher: Fetcher(options: options)) { done, total, newArticles in
                if showProgress { FileHandle.standardError.write(Data("\r\(done)/\(total) feeds, \(newArticles) new articles".utf8)) }
            }
            if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            if format == .json {
                print(try Terminal.json(summary))
                return
            }
            if !global.quiet || summary.errors > 0 {
                for f in summary.failures { Terminal.warn("error: \(f.feed): \(f.error)") }
            }
            if !global.quiet {
                for m in summary.moved { Terminal.warn("moved: \(m)") }
                print(String(format: "%d feeds polled, %d not modified, %d new articles, %d events, %d errors in %.1f s",
                             summary.feeds, summary.notModified, summary.newArticles, summary.events, summary.errors, summary.seconds))
            }
        }
    }
}
