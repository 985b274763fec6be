import Foundation
import TrackerModel

public enum URLs {
    /// Query parameters that only track the click and never change the page.
    static let trackingParameters: Set<String> = ["fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "yclid", "_hsenc", "_hsmi", "ref_src"]

    /// `link` resolved against `base` (the item's or feed's xml:base or the feed URL).
    public static func resolve(_ link: String, against base: String?) -> String {
        let trimmed = link.trimmedASCII
        if trimmed.hasPrefix("http://") || trimmed.hasPrefix("https://") || base == nil { return trimmed }
        guard let base, let baseURL = URL(string: base), let url = URL(string: trimmed, relativeTo: baseURL) else { return trimmed }
        return url.absoluteString
    }

    /// The identity of a page: lower-case scheme and host, no default port, no fragment,
    /// no `utm_*`/`fbclid`/`gclid`-style parameters. Nil for anything that is not http(s).
    public static func canonical(_ link: String) -> String? {
        let s = link.trimmedASCII
        guard let schemeEnd = s.range(of: "://") else { return nil }
        let scheme = s[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        var rest = s[schemeEnd.upperBound...]
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        let hostEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        var host = rest[..<hostEnd].lowercased()
        if let at = host.lastIndex(of: "@") { host = String(host[host.index(after: at)...]) }
        if (scheme == "http" && host.hasSuffix(":80")) || (scheme == "https" && host.hasSuffix(":443")) {
            host = String(host[..<host.lastIndex(of: ":")!])
        }
        guard !host.isEmpty else { return nil }
        var path = rest[hostEnd...]
        var query: Substring = ""
        if let q = path.firstIndex(of: "?") {
            query = path[path.index(after: q)...]
            path = path[..<q]
        }
        let kept = query.split(separator: "&").filter { pair in
            let name = pair.split(separator: "=", maxSplits: 1).first.map { $0.lowercased() } ?? ""
            return !name.isEmpty && !name.hasPrefix("utm_") && !trackingParameters.contains(name)
        }
        var result = scheme + "://" + host + (path.isEmpty ? "/" : String(path))
        if !kept.isEmpty { result += "?" + kept.joined(separator: "&") }
        return result
    }
}

/// A stable content hash (FNV-1a, 64 bit) of the normalised title and opening of the text:
/// the same story reposted with a new guid or URL gets the same fingerprint.
public enum Fingerprint {
    public static func of(title: String, text: String) -> String {
        var hash = StableHash()
        // Letters and digits only, ASCII lower-cased, over UTF-8 bytes: punctuation, spacing
        // and markup differences between reposts do not change the fingerprint.
        func feed(_ s: String, limit: Int) {
            var count = 0
            for var byte in s.utf8 where count < limit {
                if byte >= 0x41 && byte <= 0x5A { byte |= 0x20 }
                guard (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte >= 0x80 else { continue }
                hash.add(byte)
                count += 1
            }
        }
        feed(title, limit: 400)
        feed(text, limit: 600)
        return hash.hex
    }
}
