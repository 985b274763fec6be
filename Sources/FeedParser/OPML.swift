import TrackerModel

/// OPML 2.0 subscription lists, the format every feed reader imports and exports.
/// Nested outlines name the category of the feeds inside them, unless a feed says its own.
public enum OPML {
    public static func parse(_ data: [UInt8]) throws -> [Feed] {
        let tree = XMLReader.parse(Transcoder.toUTF8(data).bytes)
        if let e = tree.error { throw FeedError.malformed(line: e.line, column: e.column, reason: e.message) }
        guard let root = tree.root, root.name == "opml", let body = root.child("body", "") else {
            throw FeedError.notAFeed("not an OPML document (no <opml><body>)")
        }
        var feeds: [Feed] = []
        func walk(_ outline: XMLElement, category: String?) {
            if let url = outline.attribute("xmlUrl") {
                feeds.append(Feed(url: url, title: outline.attribute("title") ?? outline.attribute("text"),
                                  siteURL: outline.attribute("htmlUrl"), category: outline.attribute("category") ?? category,
                                  language: outline.attribute("language")))
            }
            let label = outline.attribute("xmlUrl") == nil ? (outline.attribute("text") ?? outline.attribute("title")) : category
            for child in outline.children("outline", "") { walk(child, category: label ?? category) }
        }
        for outline in body.children("outline", "") { walk(outline, category: nil) }
        return feeds
    }

    public static func render(_ feeds: [Feed], title: String = "tracker subscriptions") -> String {
        func esc(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n  <head><title>\(esc(title))</title></head>\n  <body>\n"
        let groups = Dictionary(grouping: feeds) { $0.category ?? "" }
        for category in groups.keys.sorted() {
            let indent = category.isEmpty ? "    " : "      "
            if !category.isEmpty { out += "    <outline text=\"\(esc(category))\">\n" }
            for f in groups[category]! {
                var attrs = "type=\"rss\" text=\"\(esc(f.title ?? f.url))\""
                if let t = f.title { attrs += " title=\"\(esc(t))\"" }
                attrs += " xmlUrl=\"\(esc(f.url))\""
                if let s = f.siteURL { attrs += " htmlUrl=\"\(esc(s))\"" }
                if let c = f.category { attrs += " category=\"\(esc(c))\"" }
                if let l = f.language { attrs += " language=\"\(esc(l))\"" }
                out += "\(indent)<outline \(attrs)/>\n"
            }
            if !category.isEmpty { out += "    </outline>\n" }
        }
        return out + "  </body>\n</opml>\n"
    }
}
