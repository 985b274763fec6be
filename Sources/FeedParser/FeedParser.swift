import Foundation
import TrackerModel

/// Reads RSS 0.90–2.0, RSS 1.0 (RDF), Atom 0.3/1.0 and JSON Feed 1.x; the format is told
/// by the bytes (root element or JSON `version`), never by file name or content type.
public enum FeedParser {
    enum NS {
        static let rss090 = "http://my.netscape.com/rdf/simple/0.9/"
        static let rss10 = "http://purl.org/rss/1.0/"
        static let rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
        static let atom10 = "http://www.w3.org/2005/Atom"
        static let atom03 = "http://purl.org/atom/ns#"
        static let content = "http://purl.org/rss/1.0/modules/content/"
        static let dc = "http://purl.org/dc/elements/1.1/"
        static let media = "http://search.yahoo.com/mrss/"
    }

    /// - Parameters:
    ///   - httpCharset: the `charset` of the HTTP Content-Type, when there was one.
    ///   - baseURL: where the document came from; relative links resolve against it.
    public static func parse(_ data: [UInt8], httpCharset: String? = nil, baseURL: String? = nil,
                             limits: FeedLimits = .default) throws -> ParsedFeed {
        guard data.count <= limits.maxBytes else {
            throw FeedError.limitExceeded("document is \(data.count) bytes, the limit is \(limits.maxBytes)")
        }
        let decoded = Transcoder.toUTF8(data, httpCharset: httpCharset)
        let bytes = decoded.bytes
        guard let first = bytes.first(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }) else { throw FeedError.empty }
        var feed: ParsedFeed
        if first == UInt8(ascii: "{") {
            feed = try JSONFeedReader.read(bytes, baseURL: baseURL)
        } else if first == UInt8(ascii: "<") {
            feed = try readXML(bytes, baseURL: baseURL)
        } else {
            throw FeedError.notAFeed("the document starts with neither '<' nor '{'")
        }
        feed.encoding = decoded.encoding
        if let warning = decoded.warning { feed.warnings.insert(warning, at: 0) }
        guard feed.items.count <= limits.maxItems else {
            throw FeedError.limitExceeded("\(feed.items.count) items, the limit is \(limits.maxItems)")
        }
        for item in feed.items where item.text.utf8.count > limits.maxFieldBytes || item.title.utf8.count > limits.maxFieldBytes {
            throw FeedError.limitExceeded("item \"\(item.title.prefix(60))\" has a field over \(limits.maxFieldBytes) bytes")
        }
        return feed
    }

    static func readXML(_ bytes: [UInt8], baseURL: String?) throws -> ParsedFeed {
        let tree = XMLReader.parse(bytes)
        guard let root = tree.root else {
            if let e = tree.error { throw FeedError.malformed(line: e.line, column: e.column, reason: e.message) }
            throw FeedError.notAFeed("no root element")
        }
        var mapper = FeedMapper(tree: tree)
        var feed: ParsedFeed
        switch (root.name.lowercased(), root.namespace) {
        case ("rss", _):
            feed = mapper.rss(root, baseURL: baseURL)
        case ("rdf", NS.rdf):
            feed = mapper.rdf(root, baseURL: baseURL)
        case ("feed", NS.atom10):
            feed = mapper.atom(root, atom03: false, baseURL: baseURL)
        case ("feed", NS.atom03), ("feed", ""):
            feed = mapper.atom(root, atom03: true, baseURL: baseURL)
        case ("html", _):
            throw FeedError.notAFeed("an HTML page")
        default:
            throw FeedError.notAFeed("root element <\(root.name)> is not rss, rdf:RDF or feed")
        }
        feed.warnings.insert(contentsOf: tree.warnings, at: 0)
        if let e = tree.error {
            let sound = feed.items.count
            guard sound > 0 else { throw FeedError.malformed(line: e.line, column: e.column, reason: e.message) }
            feed.warnings.append("malformed XML at line \(e.line), column \(e.column): \(e.message); kept the \(sound) complete items before it")
        }
        return feed
    }
}

/// The adapter from the XML tree to the shared model, one function per format family.
struct FeedMapper {
    typealias NS = FeedParser.NS
    let tree: XMLTree
    var warnings: [String] = []

    init(tree: XMLTree) { self.tree = tree }

    func text(_ e: XMLElement?) -> String? {
        guard let e else { return nil }
        let t = e.text.trimmedASCII
        return t.isEmpty ? nil : t
    }

    /// Titles and bodies may hold HTML (escaped or CDATA) in every format; make them text,
    /// straight from the element's bytes.
    func clean(_ e: XMLElement?) -> String? {
        guard let e else { return nil }
        let t = e.withText { HTMLText.text(utf8: $0) }
        return t.isEmpty ? nil : t
    }

    func base(_ e: XMLElement, _ parent: String?) -> String? {
        guard let b = e.attribute("base", namespace: XMLNamespace.xml) else { return parent }
        return URLs.resolve(b, against: parent)
    }

    mutating func date(_ raw: String?, item title: String) -> (Date?, String?) {
        guard let raw else { return (nil, nil) }
        if let d = DateParser.parse(raw) { return (d, nil) }
        warnings.append("item \"\(title.prefix(60))\": unparseable date \"\(raw)\"; using the fetch time")
        return (nil, raw)
    }

    func media(_ item: XMLElement) -> String? {
        if let t = item.child("thumbnail", NS.media)?.attribute("url") { return t }
        if let g = item.child("group", NS.media), let t = g.child("thumbnail", NS.media)?.attribute("url") { return t }
        if let c = item.child("content", NS.media), c.attribute("medium") == "image" || (c.attribute("type") ?? "").hasPrefix("image") {
            return c.attribute("url")
        }
        return nil
    }

    // MARK: RSS 0.9x / 2.0

    mutating func rss(_ root: XMLElement, baseURL: String?) -> ParsedFeed {
        let version = root.attribute("version") ?? "2.0"
        let format: FeedFormat = switch version {
        case "0.91": .rss091
        case "0.92": .rss092
        case "0.93": .rss093
        case "0.94": .rss094
        case "0.90": .rss090
        default: .rss20
        }
        let channel = root.child("channel", "") ?? root
        let channelBase = base(channel, base(root, baseURL))
        var items: [FeedItem] = []
        // Some RSS 0.9x feeds put items beside the channel instead of inside it.
        let itemElements = channel.children("item", "") + (channel === root ? [] : root.children("item", ""))
        for item in itemElements where item.complete {
            items.append(rssItem(item, ns: "", base: base(item, channelBase)))
        }
        let site = text(channel.child("link", "")).map { URLs.resolve($0, against: channelBase) }
        return ParsedFeed(format: format, encoding: "UTF-8", title: clean(channel.child("title", "")), siteURL: site,
                          description: clean(channel.child("description", "")),
                          language: text(channel.child("language", "")) ?? text(channel.child("language", NS.dc)),
                          ttlMinutes: text(channel.child("ttl", "")).flatMap { Int($0) }.map { min(max($0, 0), 7 * 24 * 60) }, items: items, warnings: warnings)
    }

    /// RSS `<author>` is "email (Name)" by the spec; people want the name.
    static func personName(_ raw: String) -> String {
        if let open = raw.firstIndex(of: "("), raw.hasSuffix(")"), raw[..<open].contains("@") {
            return String(raw[raw.index(after: open)..<raw.index(before: raw.endIndex)]).trimmedASCII
        }
        return raw
    }

    // MARK: RSS 0.90 and 1.0 (RDF)

    mutating func rdf(_ root: XMLElement, baseURL: String?) -> ParsedFeed {
        let ns = root.child("channel", NS.rss10) != nil || root.child("item", NS.rss10) != nil ? NS.rss10 : NS.rss090
        let channel = root.child("channel", ns)
        let rootBase = base(root, baseURL)
        var items: [FeedItem] = []
        for item in root.children("item", ns) where item.complete {
            var parsed = rssItem(item, ns: ns, base: base(item, rootBase))
            if parsed.id == nil, let about = item.attribute("about", namespace: NS.rdf) { parsed.id = about }
            items.append(parsed)
        }
        return ParsedFeed(format: ns == NS.rss10 ? .rss10 : .rss090, encoding: "UTF-8",
                          title: clean(channel?.child("title", ns)),
                          siteURL: text(channel?.child("link", ns)).map { URLs.resolve($0, against: rootBase) },
                          description: clean(channel?.child("description", ns)),
                          language: text(channel?.child("language", NS.dc)), ttlMinutes: nil, items: items, warnings: warnings)
    }

    mutating func rssItem(_ item: XMLElement, ns: String, base: String?) -> FeedItem {
        let title = clean(item.child("title", ns)) ?? ""
        var link = text(item.child("link", ns))
        if link == nil, let atomLink = item.children("link", NS.atom10).first(where: { ($0.attribute("rel") ?? "alternate") == "alternate" }) {
            link = atomLink.attribute("href")
        }
        let guidElement = item.child("guid", ns)
        var id = text(guidElement)
        if link == nil, let guid = id, guidElement?.attribute("isPermaLink") != "false", guid.hasPrefix("http") { link = guid }
        link = link.map { URLs.resolve($0, against: base) }
        if let guid = id, guid.hasPrefix("/") { id = URLs.resolve(guid, against: base) }
        let rawDate = text(item.child("pubDate", ns)) ?? text(item.child("date", NS.dc)) ?? text(item.child("updated", NS.atom10))
        let (published, unparsed) = date(rawDate, item: title)
        let body = clean(item.child("encoded", NS.content)) ?? clean(item.child("description", ns)) ?? ""
        let categories = (item.children("category", ns) + item.children("subject", NS.dc)).compactMap { text($0) }
        let enclosures = item.children("enclosure", ns).compactMap { $0.attribute("url").map { URLs.resolve($0, against: base) } }
        return FeedItem(id: id, title: title, link: link, published: published, rawDate: unparsed,
                        author: text(item.child("creator", NS.dc)) ?? text(item.child("author", ns)).map(Self.personName),
                        categories: categories, text: body, thumbnail: media(item), enclosures: enclosures,
                        language: text(item.child("language", NS.dc)))
    }

    // MARK: Atom 0.3 / 1.0

    mutating func atom(_ root: XMLElement, atom03: Bool, baseURL: String?) -> ParsedFeed {
        let ns = root.namespace
        let feedBase = base(root, baseURL)
        var items: [FeedItem] = []
        let feedAuthor = root.child("author", ns).flatMap { text($0.child("name", ns)) }
        for entry in root.children("entry", ns) where entry.complete {
            var item = atomEntry(entry, ns: ns, atom03: atom03, base: base(entry, feedBase))
            item.author = item.author ?? feedAuthor
            items.append(item)
        }
        let site = alternateLink(root, ns: ns).map { URLs.resolve($0, against: feedBase) }
        return ParsedFeed(format: atom03 ? .atom03 : .atom10, encoding: "UTF-8", title: atomText(root.child("title", ns), atom03: atom03),
                          siteURL: site, description: atomText(root.child("subtitle", ns) ?? root.child("tagline", ns), atom03: atom03),
                          language: root.attribute("lang", namespace: XMLNamespace.xml), ttlMinutes: nil, items: items, warnings: warnings)
    }

    func alternateLink(_ e: XMLElement, ns: String) -> String? {
        let links = e.children("link", ns)
        let preferred = links.first { ($0.attribute("rel") ?? "alternate") == "alternate" && $0.attribute("type").map { $0.containsBytes("html") } != false }
        return (preferred ?? links.first { ($0.attribute("rel") ?? "alternate") == "alternate" })?.attribute("href")
    }

    /// Atom text constructs: `type="text"` as is, `html` (or 0.3 `mode="escaped"`) as HTML,
    /// `xhtml` (or 0.3 `mode="xml"`) from the raw inline markup.
    func atomText(_ e: XMLElement?, atom03: Bool) -> String? {
        guard let e else { return nil }
        let type = (e.attribute("type") ?? "text").lowercased()
        let mode = e.attribute("mode")?.lowercased()
        let t: String
        if type == "xhtml" || mode == "xml" || (atom03 && type.containsBytes("xhtml")) {
            t = tree.withRaw(e) { HTMLText.text(utf8: $0) }
        } else if mode != "escaped" && (type == "text" || type == "text/plain") {
            t = e.withText { HTMLText.plainText(utf8: $0) }
        } else {
            return clean(e)
        }
        return t.isEmpty ? nil : t
    }

    mutating func atomEntry(_ entry: XMLElement, ns: String, atom03: Bool, base: String?) -> FeedItem {
        let title = atomText(entry.child("title", ns), atom03: atom03) ?? ""
        let rawDate = text(entry.child("published", ns)) ?? text(entry.child("issued", ns)) ?? text(entry.child("created", ns))
            ?? text(entry.child("updated", ns)) ?? text(entry.child("modified", ns))
        let (published, unparsed) = date(rawDate, item: title)
        let content = entry.child("content", ns)
        let body = atomText(content, atom03: atom03) ?? atomText(entry.child("summary", ns), atom03: atom03) ?? ""
        let categories = entry.children("category", ns).compactMap { $0.attribute("term") ?? text($0) } + entry.children("subject", NS.dc).compactMap { text($0) }
        let enclosures = entry.children("link", ns).filter { $0.attribute("rel") == "enclosure" }.compactMap { $0.attribute("href").map { URLs.resolve($0, against: base) } }
        let author = entry.child("author", ns).flatMap { text($0.child("name", ns)) } ?? text(entry.child("creator", NS.dc))
        return FeedItem(id: text(entry.child("id", ns)), title: title,
                        link: alternateLink(entry, ns: ns).map { URLs.resolve($0, against: base) },
                        published: published, rawDate: unparsed, author: author, categories: categories, text: body,
                        thumbnail: media(entry), enclosures: enclosures, language: entry.attribute("lang", namespace: XMLNamespace.xml))
    }
}
