import FeedParser
import Foundation
import Testing
import TrackerTesting

func fixture(_ name: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: PackagePaths.fixture("FeedParserTests", name)))
}

func parse(_ name: String, baseURL: String? = nil) throws -> ParsedFeed {
    try FeedParser.parse(fixture(name), baseURL: baseURL)
}

let iso: ISO8601DateFormatter = {
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withInternetDateTime]
    return f
}()

func utc(_ d: Date?) -> String? { d.map { iso.string(from: $0) } }

@Suite struct FormatTests {
    @Test(arguments: [
        ("rss090.rdf", FeedFormat.rss090, "RSS 0.90 Fixture", 2, "Nvidia unveils Blackwell B200 GPU", "https://rss090.example.com/news/blackwell-b200"),
        ("rss091.xml", .rss091, "RSS 0.91 Fixture", 2, "TSMC starts 3nm production in Arizona", "https://rss091.example.com/news/tsmc-arizona-3nm"),
        ("rss092.xml", .rss092, "RSS 0.92 Fixture", 2, "Intel earnings call: Gaudi 3 outlook", "https://rss092.example.com/podcast/intel-q4"),
        ("rss10.rdf", .rss10, "RSS 1.0 Fixture", 2, "ASML ships first High-NA EUV system to Intel", "https://rss10.example.com/news/asml-high-na"),
        ("rss20.xml", .rss20, "RSS 2.0 Fixture", 3, "Nvidia unveils Blackwell B200 GPU at GTC", "https://rss20.example.com/news/blackwell-b200"),
        ("atom10.xml", .atom10, "Atom 1.0 Fixture", 2, "Micron starts HBM3E volume production", "https://atom.example.com/news/a1"),
        ("atom03.xml", .atom03, "Atom 0.3 Fixture", 2, "Samsung wins 2nm order from Preferred Networks", "https://atom03.example.com/2024/03/samsung-2nm.html"),
        ("jsonfeed11.json", .jsonFeed11, "JSON Feed 1.1 Fixture", 2, "OpenAI raises $6.6 billion", "https://json.example.com/blog/posts/openai-funding"),
        ("jsonfeed10.json", .jsonFeed10, "JSON Feed 1.0 Fixture", 2, "AMD to acquire ZT Systems for $4.9 billion", "https://json10.example.com/news/2024/amd-zt-systems"),
    ])
    func readsEachFormat(file: String, format: FeedFormat, title: String, count: Int, firstTitle: String, firstLink: String) throws {
        let feed = try parse(file)
        #expect(feed.format == format)
        #expect(feed.title == title)
        #expect(feed.items.count == count)
        #expect(feed.items.first?.title == firstTitle)
        #expect(feed.items.first?.link == firstLink)
    }

    @Test func rss20NamespacesAndGuids() throws {
        let feed = try parse("rss20.xml")
        #expect(feed.ttlMinutes == 60)
        let first = feed.items[0]
        #expect(utc(first.published) == "2024-03-19T07:30:00Z")
        #expect(first.author == "Jane Roe")
        #expect(first.categories == ["GPUs", "Nvidia"])
        #expect(first.thumbnail == "https://rss20.example.com/img/b200.jpg")
        #expect(first.text == "Nvidia’s Blackwell B200 has 208 billion transistors & two dies.")
        // isPermaLink="false": the guid is an id, never the link.
        #expect(feed.items[1].id == "tag:rss20.example.com,2024:hbm3e-ramp")
        #expect(feed.items[1].link == "https://rss20.example.com/news/hbm3e-ramp")
        #expect(feed.items[1].author == "News Desk")
        // No <link> and a guid without isPermaLink: the guid is the link.
        #expect(feed.items[2].link == "https://rss20.example.com/news/gaudi-3")
    }

    @Test func rss10DublinCoreAndContent() throws {
        let item = try parse("rss10.rdf").items[0]
        #expect(item.id == "https://rss10.example.com/news/asml-high-na")
        #expect(utc(item.published) == "2024-03-19T04:00:00Z")
        #expect(item.author == "Erika Mustermann")
        #expect(item.categories == ["Lithography"])
        #expect(item.text == "ASML’s TWINSCAN EXE:5000 arrived at Intel’s D1X fab in Hillsboro, Oregon.")
    }

    @Test func atomBaseLinksXhtmlAndInheritedAuthor() throws {
        let feed = try parse("atom10.xml")
        #expect(feed.siteURL == "https://atom.example.com/")
        let a1 = feed.items[0]
        #expect(a1.enclosures == ["https://atom.example.com/base/entries/media/a1.mp3"])
        #expect(utc(a1.published) == "2024-02-26T13:00:00Z")
        #expect(a1.author == "Ada Lovelace")
        #expect(a1.categories == ["memory"])
        #expect(a1.text == "Volume production of HBM3E began in Boise, Idaho.")
        let a2 = feed.items[1]
        #expect(a2.title == "AMD <3 open source: ROCm 6.1")
        #expect(a2.link == "https://atom.example.com/base/news/a2")
        #expect(utc(a2.published) == "2024-02-25T13:00:00Z")
        #expect(a2.author == "Feed Desk")
    }

    @Test func inlineXhtmlWithNestingCommentsAndPlainTextTitles() throws {
        let atom = """
        <feed xmlns="http://www.w3.org/2005/Atom"><title type="text">Chips &amp; &lt;AI&gt;   weekly</title>
        <entry><title type="text">Intel &lt;b&gt;not bold&lt;/b&gt;</title><id>e1</id>
        <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><div><p>TSMC builds a fab.</p></div>
        <!-- </div> inside a comment --><p>In <b>Arizona</b>.<br/></p></div></content></entry>
        <entry><title>Second</title><id>e2</id><summary>Still read.</summary></entry></feed>
        """
        let feed = try FeedParser.parse(Array(atom.utf8))
        #expect(feed.title == "Chips & <AI> weekly")
        #expect(feed.items.map(\.title) == ["Intel <b>not bold</b>", "Second"])
        #expect(feed.items[0].text == "TSMC builds a fab.\n\nIn Arizona.")
        #expect(feed.items[1].text == "Still read.")
        // Cut inside the inline XHTML: the entry before stays, with a warning.
        let cut = "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><title>Kept</title><id>k</id></entry><entry><title>Lost</title><content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\"><p>half"
        let partial = try FeedParser.parse(Array(cut.utf8))
        #expect(partial.items.map(\.title) == ["Kept"])
        #expect(partial.warnings.contains { $0.contains("truncated") })
    }

    @Test func atom03EscapedAndXmlContent() throws {
        let feed = try parse("atom03.xml")
        #expect(feed.items[0].text == "Samsung’s SF2 process wins & grows.")
        #expect(utc(feed.items[0].published) == "2024-03-19T08:00:00Z")
        #expect(feed.items[1].author == "Feed Owner")
        #expect(feed.items[1].text == "Plain text content in xml mode.")
    }

    @Test func jsonFeedIdsAuthorsAndRelativeURLs() throws {
        let v10 = try parse("jsonfeed10.json")
        #expect(v10.items[0].id == "1001")
        #expect(v10.items[1].author == "Redaktion")
        let v11 = try parse("jsonfeed11.json")
        #expect(v11.items[0].author == "Jane Roe")
        #expect(utc(v11.items[0].published) == "2024-10-02T17:05:00Z")
        #expect(v11.items[0].categories == ["funding", "OpenAI"])
        #expect(v11.items[1].title == "")
    }
}

@Suite struct EncodingTests {
    @Test(arguments: [
        ("latin1.xml", "Übernahme für 5 Mio. Euro: «Größe & Maße»"),
        ("cp1252.xml", "\u{201C}KI-Chips\u{201D} kosten 40.000 \u{20AC} \u{2013} Nvidia\u{2019}s H100"),
        ("mislabelled-utf8.xml", "M\u{FC}ller \u{2013} KI"),
        ("undeclared-cp1252.xml", "Caf\u{E9}-Umsatz steigt auf 3 Mio. \u{20AC}"),
        ("utf16le-bom.xml", "Gr\u{F6}\u{DF}e \u{2013} \u{5317}\u{4EAC} \u{2013} \u{20AC} \u{2013} \u{1F680}"),
        ("utf16be-bom.xml", "Gr\u{F6}\u{DF}e \u{2013} \u{5317}\u{4EAC} \u{2013} \u{20AC} \u{2013} \u{1F680}"),
        ("utf8-bom.xml", "Gr\u{F6}\u{DF}e \u{2013} \u{20AC}"),
    ])
    func decodesToCorrectUTF8(file: String, title: String) throws {
        let feed = try parse(file)
        #expect(feed.items.first?.title == title)
        #expect(feed.title?.first != "\u{FEFF}")
    }

    @Test func latin1BodyAndMislabelWarning() throws {
        #expect(try parse("latin1.xml").items[0].text == "Straßenbau-Zulieferer kauft Bär GmbH, 10 °C, ½ Preis, © 2024")
        #expect(try parse("cp1252.xml").items[0].text == "Caf\u{E9}-Gespr\u{E4}ch: \u{2018}Preis\u{2019} \u{2026} \u{2022} \u{2122}")
        #expect(try parse("mislabelled-utf8.xml").warnings.contains { $0.contains("valid UTF-8") })
        #expect(try parse("undeclared-cp1252.xml").warnings.contains { $0.contains("windows-1252") })
    }

    @Test func httpCharsetIsUsedWhenBytesAreNotUTF8() throws {
        let bytes = Array("<rss version=\"2.0\"><channel><title>x</title><item><title>".utf8) + [0xA4] + Array("</title></item></channel></rss>".utf8)
        #expect(try FeedParser.parse(bytes, httpCharset: "iso-8859-15").items[0].title == "€")
    }
}

@Suite struct DateTests {
    @Test func everyFormOfDatesXML() throws {
        let expected: [String?] = [
            "2024-01-20T11:14:25Z", "2024-01-20T10:14:25Z", "2024-01-20T16:14:00Z", "2024-01-20T10:14:25Z",
            "2024-01-20T11:14:25Z", "2024-01-20T10:14:25Z", "2024-01-20T11:14:25Z", "2024-01-20T11:14:25Z",
            "2024-01-20T11:14:00Z", "2024-01-20T11:14:00Z", "2024-01-20T10:14:25Z", nil,
        ]
        let feed = try parse("dates.xml")
        #expect(feed.items.count == 12)
        for (item, want) in zip(feed.items, expected) {
            #expect(utc(item.published) == want, "\(item.title)")
        }
        // The unparseable date is reported and the item kept, dated at fetch time.
        #expect(feed.warnings.contains { $0.contains("not a date at all") })
        let fetched = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(feed.items[11].article(fetched: fetched, feedLanguage: nil).published == fetched)
    }

    @Test func absurdDatesAndHintsAreRejectedNotCrashed() throws {
        #expect(DateParser.parse("99999999999999999999999 Jan 2024") == nil)
        #expect(DateParser.parse("1/20/99999999999999999999 11:14") == nil)
        let huge = Array("<rss version=\"2.0\"><channel><title>t</title><ttl>9999999999999999999999999</ttl></channel></rss>".utf8)
        #expect(try FeedParser.parse(huge).ttlMinutes == nil)
        let big = Array("<rss version=\"2.0\"><channel><title>t</title><ttl>999999999</ttl></channel></rss>".utf8)
        #expect(try FeedParser.parse(big).ttlMinutes == 7 * 24 * 60)
    }

    @Test func seedArticleDateAndPMHours() {
        #expect(utc(DateParser.parse("1/20/2024 11:14:25 AM")) == "2024-01-20T11:14:25Z")
        #expect(utc(DateParser.parse("1/20/2024 1:14:25 PM")) == "2024-01-20T13:14:25Z")
        #expect(utc(DateParser.parse("Mon, 02 Dec 2024 14:05:00 -0500")) == "2024-12-02T19:05:00Z")
        #expect(utc(DateParser.parse("3. März 2025, 08:00 Uhr")) == "2025-03-03T08:00:00Z")
    }
}

@Suite struct TextAndURLTests {
    @Test func htmlBodiesBecomeCleanText() throws {
        let feed = try parse("html-heavy.xml")
        let expected = "Samsung & SK hynix will supply HBM3E — Café talk… Line one Line two Line three 8-high stacks 12-high stacks Vendor Share SK hynix 53% Samsung 38% Read more at html.example.com."
        for item in feed.items {
            // Paragraph breaks are kept as newlines; compare with whitespace collapsed.
            #expect(item.text.split(whereSeparator: \.isWhitespace).joined(separator: " ") == expected)
            for bad in ["should not appear", "color: red", "document.write", "<", "&amp;", "&nbsp;"] { #expect(!item.text.contains(bad)) }
        }
        #expect(feed.items[0].title == "Samsung & SK hynix — HBM supply …")
        #expect(feed.items[0].text.contains("\n"))
    }

    @Test func relativeLinksResolveAgainstXMLBase() throws {
        let feed = try parse("relative-urls.xml")
        #expect(feed.siteURL == "https://rel.example.com/blog/")
        #expect(feed.items.map(\.link) == ["https://rel.example.com/blog/2024/one.html", "https://other.example.net/news/two", "https://rel.example.com/abs/three"])
    }

    @Test func canonicalURLsDropTrackingAndFragments() throws {
        let feed = try parse("tracking-params.xml")
        #expect(feed.items.map(\.canonicalURL) == [
            "https://news.example.com/Articles/Nvidia-Earnings", "https://news.example.com/articles/amd-mi325x",
            "https://news.example.com/articles/tsmc-capex?id=42", "https://news.example.com/articles/intel-18a/",
            "https://news.example.com/articles/asml?page=2",
        ])
    }

    @Test func fingerprintsRecogniseTheSameStory() throws {
        let items = try parse("duplicates.xml").items
        let now = Date()
        let articles = items.map { $0.article(fetched: now, feedLanguage: "en") }
        #expect(articles[4].fingerprint == articles[5].fingerprint)
        #expect(articles[0].fingerprint != articles[4].fingerprint)
        #expect(articles[2].canonicalURL == articles[3].canonicalURL)
    }
}

@Suite struct BadInputTests {
    @Test func truncatedFeedKeepsCompleteItemsWithAWarning() throws {
        let feed = try parse("truncated.xml")
        #expect(feed.items.map(\.title) == ["First complete item", "Second complete item", "Third complete item"])
        #expect(feed.warnings.contains { $0.contains("line 23") })
    }

    @Test func malformedFeedReportsLineAndColumn() throws {
        #expect(throws: FeedError.malformed(line: 7, column: 15, reason: "end tag </titel> does not match <title>")) { try parse("malformed.xml") }
    }

    @Test func nonFeedsAndEmptyFilesAreClearErrors() throws {
        #expect(throws: FeedError.notAFeed("an HTML page")) { try parse("not-a-feed.html") }
        #expect(throws: FeedError.empty) { try parse("empty.xml") }
        #expect(throws: FeedError.self) { try FeedParser.parse(Array("{\"hello\": 1}".utf8)) }
    }

    @Test func entityExpansionIsNeverPerformed() throws {
        let start = Date()
        let laughs = try parse("billion-laughs.xml")
        #expect(Date().timeIntervalSince(start) < 1)
        #expect(laughs.items[0].title.count < 100)
        #expect(laughs.items[0].link == "https://lol.example.com/news/1")
        let xxe = try parse("xxe.xml")
        #expect(xxe.items[0].title == "Leak:")
        #expect(!xxe.items[0].title.contains("root:"))
    }

    @Test func limitsAreErrorsNotCrashes() throws {
        // A 50 MB feed, made here rather than committed.
        var big = Array("<rss version=\"2.0\"><channel><title>big</title>".utf8)
        let item = Array("<item><title>Nvidia H100 order</title><description>\(String(repeating: "x", count: 1000))</description></item>".utf8)
        while big.count < 50_000_000 { big += item }
        big += Array("</channel></rss>".utf8)
        #expect(throws: FeedError.limitExceeded("document is \(big.count) bytes, the limit is \(FeedLimits.default.maxBytes)")) { try FeedParser.parse(big) }
        let small = Array(big.prefix(200_000)) + Array("</channel></rss>".utf8)
        let items = try FeedParser.parse(small).items.count
        #expect(throws: FeedError.limitExceeded("\(items) items, the limit is 10")) { try FeedParser.parse(small, limits: FeedLimits(maxItems: 10)) }
        #expect(throws: FeedError.limitExceeded("item \"Nvidia H100 order\" has a field over 500 bytes")) { try FeedParser.parse(small, limits: FeedLimits(maxFieldBytes: 500)) }
    }
}

@Suite struct NamespaceTests {
    /// The same prefix bound to different namespaces in sibling items resolves per item.
    @Test func prefixesAreResolvedInTheirOwnScope() throws {
        let xml = """
            <rss version="2.0"><channel><title>N</title>
            <item xmlns:c="http://purl.org/rss/1.0/modules/content/"><title>One</title><c:encoded>&lt;p&gt;Body one&lt;/p&gt;</c:encoded></item>
            <item xmlns:c="http://purl.org/dc/elements/1.1/"><title>Two</title><description>Body two</description><c:encoded>not content</c:encoded><c:creator>Zoe</c:creator></item>
            </channel></rss>
            """
        let feed = try FeedParser.parse(Array(xml.utf8))
        #expect(feed.items.map(\.text) == ["Body one", "Body two"])
        #expect(feed.items.map(\.author) == [nil, "Zoe"])
    }
}
