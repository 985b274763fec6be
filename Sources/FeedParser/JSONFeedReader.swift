import Foundation

/// JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1).
enum JSONFeedReader {
    static func read(_ bytes: [UInt8], baseURL: String?) throws -> ParsedFeed {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(bytes))
        } catch {
            throw FeedError.invalidJSON("not parseable JSON (\((error as NSError).userInfo[NSDebugDescriptionErrorKey] ?? error.localizedDescription))")
        }
        guard let feed = object as? [String: Any] else { throw FeedError.invalidJSON("the top level is not an object") }
        guard let version = feed["version"] as? String, version.contains("jsonfeed.org/version/") else {
            throw FeedError.notAFeed("JSON without a jsonfeed.org \"version\"")
        }
        guard let rawItems = feed["items"] as? [Any] else { throw FeedError.invalidJSON("\"items\" is missing or not an array") }
        let base = (feed["feed_url"] as? String) ?? (feed["home_page_url"] as? String) ?? baseURL
        var warnings: [String] = []
        let feedAuthors = (feed["authors"] as? [[String: Any]]) ?? ((feed["author"] as? [String: Any]).map { [$0] } ?? [])
        var items: [FeedItem] = []
        for (index, raw) in rawItems.enumerated() {
            guard let item = raw as? [String: Any] else {
                warnings.append("item \(index) is not an object; skipped")
                continue
            }
            let title = (item["title"] as? String).map(HTMLText.text) ?? ""
            let body: String
            if let html = item["content_html"] as? String { body = HTMLText.text(html) }
            else if let text = item["content_text"] as? String { body = HTMLText.plainText(text) }
            else { body = (item["summary"] as? String) ?? "" }
            let rawDate = (item["date_published"] as? String) ?? (item["date_modified"] as? String)
            var published: Date?
            if let rawDate {
                published = DateParser.parse(rawDate)
                if published == nil { warnings.append("item \"\(title.prefix(60))\": unparseable date \"\(rawDate)\"; using the fetch time") }
            }
            let authors = (item["authors"] as? [[String: Any]]) ?? ((item["author"] as? [String: Any]).map { [$0] } ?? [])
            let id: String? = (item["id"] as? String) ?? (item["id"] as? NSNumber).map { $0.stringValue }
            items.append(FeedItem(id: id, title: title,
                                  link: ((item["url"] as? String) ?? (item["external_url"] as? String)).map { URLs.resolve($0, against: base) },
                                  published: published, rawDate: published == nil ? rawDate : nil,
                                  author: (authors + feedAuthors).compactMap { $0["name"] as? String }.first,
                                  categories: (item["tags"] as? [String]) ?? [], text: body,
                                  thumbnail: (item["image"] as? String) ?? (item["banner_image"] as? String), enclosures: [],
                                  language: item["language"] as? String))
        }
        return ParsedFeed(format: version.hasSuffix("1.1") ? .jsonFeed11 : .jsonFeed10, encoding: "UTF-8",
                          title: (feed["title"] as? String).map(HTMLText.text), siteURL: feed["home_page_url"] as? String,
                          description: feed["description"] as? String, language: feed["language"] as? String,
                          ttlMinutes: nil, items: items, warnings: warnings)
    }
}
