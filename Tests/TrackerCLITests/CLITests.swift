import Foundation
import Testing
import TrackerTesting

/// The built `tracker` binary, run as a user runs it, against a temp database.
@Suite struct CLITests {
    let dir = TempDirectory()
    var db: String { dir.path("t.sqlite") }
    let rules = PackagePaths.rules.path

    @Test func ingestTheSampleFeedsTwiceStoresEachArticleOnce() throws {
        let samples = PackagePaths.feeds.appendingPathComponent("samples").path
        let first = try TrackerProcess.run(["ingest", "--db", db, "--rules", rules, samples])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("RSS 2.0"))
        #expect(first.stdout.contains("Atom 1.0"))
        #expect(first.stdout.contains("JSON Feed 1.1"))
        let summary = try #require(first.stdout.split(separator: "\n").last)
        #expect(summary.contains("5 files"))
        #expect(!summary.contains(" 0 new"))
        let again = try TrackerProcess.run(["ingest", "--db", db, "--rules", rules, "--format", "json", samples])
        let reports = try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as! [[String: Any]]
        #expect(reports.count == 5)
        #expect(reports.allSatisfy { ($0["new"] as? Int) == 0 && ($0["duplicates"] as? Int ?? 0) > 0 })
    }

    @Test func ingestReportsABadFileAndStoresTheRest() throws {
        dir.write("feeds/bad.xml", "<rss><channel><item><title>x</titel></item></channel></rss>")
        dir.write("feeds/good.xml", "<rss version=\"2.0\"><channel><title>G</title><item><title>Nvidia ships Blackwell</title><link>https://g.example/1</link></item></channel></rss>")
        let out = try TrackerProcess.run(["ingest", "--db", db, "--rules", rules, dir.path("feeds")])
        #expect(out.status == 1)
        #expect(out.stderr.contains("bad.xml: malformed XML at line 1"))
        #expect(out.stdout.contains("1 new"))
    }

    @Test func classifyExplainSaysWhyATriggerToldNoEvent() throws {
        dir.write("article.txt", "Tech week\nMicrosoft will invest $80 billion in AI data centers this fiscal year.\n")
        let out = try TrackerProcess.run(["classify", "--rules", rules, "--lang", "en", "--explain", dir.path("article.txt")])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("no event from:"))
        #expect(out.stdout.contains("funding_round  trigger \"invest ... in\": vetoed by \"invest* ... data cent*\""))
    }

    @Test func trainWritesAModelAndEvalSaysWhenItScoresInSample() throws {
        let dev = PackagePaths.root.appendingPathComponent("Tests/Corpus/dev").path
        let out = try TrackerProcess.run(["train", "--rules", rules, "--corpora", dev, "--folds", "0", "--out", dir.path("model/evidence.tsv")])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("1 corpora, 72 labelled articles classified with the rules alone"))
        let written = try String(contentsOfFile: dir.path("model/evidence.tsv"), encoding: .utf8)
        #expect(written.contains("\ncorpora\tdev\n"))
        let args = ["eval", "--rules", rules, "--articles", dev + "/articles", "--labels", dev + "/labels.yaml"]
        let eval = try TrackerProcess.run(args)
        #expect(eval.status == 0)
        #expect(eval.stderr.contains("note: the evidence model was trained on corpus 'dev', so these figures are in-sample"))
        let alone = try TrackerProcess.run(args + ["--rules-only"])
        #expect(alone.status == 0 && alone.stderr.isEmpty)
        let bad = try TrackerProcess.run(["train", "--rules", rules, "--corpora", dir.path("nowhere")])
        #expect(bad.status != 0 && bad.stderr.contains("nowhere"))
    }

    @Test func parsePrintsItemsAsJSONWhenPiped() throws {
        let out = try TrackerProcess.run(["parse", PackagePaths.fixture("FeedParserTests", "rss20.xml").path])
        #expect(out.status == 0)
        let feed = try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as! [String: Any]
        #expect(feed["format"] as? String == "RSS 2.0")
        #expect((feed["items"] as? [Any])?.count == 3)
        let listing = try TrackerProcess.run(["parse", "--format", "table", PackagePaths.fixture("FeedParserTests", "dates.xml").path])
        #expect(listing.stdout.contains("published: unknown (\"not a date at all\")"))
        #expect(listing.stderr.contains("unparseable date"))
    }

    @Test func errorsAreOneLineWithNonZeroExit() throws {
        let out = try TrackerProcess.run(["parse", PackagePaths.fixture("FeedParserTests", "not-a-feed.html").path])
        #expect(out.status != 0)
        #expect(out.stderr.contains("not a feed: an HTML page"))
        #expect(out.stderr.split(separator: "\n").count == 1)
        let missing = try TrackerProcess.run(["ingest", "--db", db, "--rules", rules, "/no/such/file.xml"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no such file or folder: /no/such/file.xml"))
        let badRules = try TrackerProcess.run(["rules", "lint", "--rules", "/no/such/rules"])
        #expect(badRules.status == 1)
        #expect(badRules.stderr.split(separator: "\n").count == 1)
        #expect(badRules.stderr.contains("rule error: /no/such/rules:0: no rule files"))
    }

    @Test func feedsImportListExportAndRemove() throws {
        let opml = PackagePaths.feeds.appendingPathComponent("german.opml").path
        let imported = try TrackerProcess.run(["feeds", "import", "--db", db, opml])
        #expect(imported.status == 0)
        #expect(imported.stdout.contains("imported 16 feeds"))
        let exported = try TrackerProcess.run(["feeds", "export", "--db", db])
        #expect(exported.stdout.contains("<opml version=\"2.0\">"))
        #expect(exported.stdout.components(separatedBy: "xmlUrl=").count - 1 == 16)
        #expect(try TrackerProcess.run(["feeds", "add", "--db", db, "https://example.com/feed.xml", "--title", "Example", "--category", "Test"]).status == 0)
        #expect(try TrackerProcess.run(["feeds", "list", "--db", db]).stdout.contains("17 feeds"))
        #expect(try TrackerProcess.run(["feeds", "remove", "--db", db, "https://example.com/feed.xml"]).status == 0)
        let refused = try TrackerProcess.run(["feeds", "add", "--db", db, "file:///etc/passwd"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("only http and https"))
    }

    @Test func databaseComesFromTheEnvironment() throws {
        let samples = PackagePaths.feeds.appendingPathComponent("samples/chipwire-rss2.xml").path
        let out = try TrackerProcess.run(["ingest", "--rules", rules, samples], environment: ["TRACKER_DB": db])
        #expect(out.status == 0)
        #expect(FileManager.default.fileExists(atPath: db))
    }
}

@Suite struct PollCLITests {
    @Test func twoPollsStartedTogetherOnePollsOneExits() throws {
        let dir = TempDirectory()
        let db = dir.path("t.sqlite")
        // Slow feeds keep the first poll busy for about two seconds.
        let server = try LoopbackServer { r in
            .init(headers: [("Content-Type", "application/rss+xml")],
                  body: .slow(Array("<rss version=\"2.0\"><channel><title>s</title><item><title>Feed \(r.path)</title><guid>\(r.path)</guid></item></channel></rss>".utf8), bytesPerSecond: 60))
        }
        for i in 0..<3 {
            #expect(try TrackerProcess.run(["feeds", "add", "--db", db, server.url("/slow/\(i)")]).status == 0)
        }
        final class Box: @unchecked Sendable { var output: TrackerProcess.Output? }
        let first = Box()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            first.output = try? TrackerProcess.run(["poll", "--db", db, "--rules", PackagePaths.rules.path])
            group.leave()
        }
        Thread.sleep(forTimeInterval: 0.8)
        let second = try TrackerProcess.run(["poll", "--db", db, "--rules", PackagePaths.rules.path])
        group.wait()
        // Whichever got the lock polls (on a busy machine the later start can win); the other exits 75.
        let both = [try #require(first.output), second]
        let waiting = try #require(both.first { $0.status == 75 }, "\(both.map(\.stderr))")
        #expect(waiting.stderr.contains("another tracker poll is running"))
        let out = try #require(both.first { $0.status != 75 })
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("3 feeds polled, 0 not modified, 3 new articles"))
        // The database is consistent: each article once, every feed with its state.
        let status = try TrackerProcess.run(["feeds", "status", "--db", db, "--format", "json"])
        let states = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as! [[String: Any]]
        #expect(states.count == 3)
        #expect(states.allSatisfy { ($0["lastStatus"] as? String)?.hasPrefix("200 OK") == true })
        let again = try TrackerProcess.run(["poll", "--db", db, "--rules", PackagePaths.rules.path, "--all", "--format", "json"])
        let summary = try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as! [String: Any]
        #expect(summary["newArticles"] as? Int == 0)
        #expect(summary["duplicates"] as? Int == 3)
    }
}
