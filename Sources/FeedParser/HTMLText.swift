/// HTML fragments (feed titles and bodies) to clean text: tags removed, entities decoded,
/// `<script>`/`<style>` dropped, block elements turned into paragraph breaks, whitespace
/// collapsed. Byte-level, one pass; plain text with no `<` or `&` only has its whitespace tidied.
public enum HTMLText {
    private static let blockTags: Set<String> = [
        "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "blockquote", "section",
        "article", "header", "footer", "pre", "hr", "figure", "figcaption", "dl", "dt", "dd", "address", "aside",
        "nav", "main", "form", "tbody", "thead", "center",
    ]
    private static let droppedTags: Set<String> = ["script", "style", "noscript", "template", "iframe", "svg", "object"]

    enum TagKind { case block, lineBreak, dropped, cell }

    /// Tag names packed into an integer (first 8 lower-cased bytes and the length), so that
    /// classifying a tag costs no String: descriptions are full of them.
    private static func key(_ name: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var k = UInt64(min(name.count, 255))
        for (i, c) in name.prefix(7).enumerated() { k |= UInt64(c | 0x20) << (8 * UInt64(i + 1)) }
        return k
    }

    private static let tagKinds: [UInt64: TagKind] = {
        var t: [UInt64: TagKind] = [:]
        func add(_ names: [String], _ kind: TagKind) {
            for n in names { let b = Array(n.utf8); b.withUnsafeBufferPointer { t[key($0)] = kind } }
        }
        add(Array(blockTags), .block)
        add(Array(droppedTags), .dropped)
        add(["br"], .lineBreak)
        add(["td", "th", "img"], .cell)
        return t
    }()

    public static func text(_ html: String) -> String {
        var html = html
        return html.withUTF8 { text(utf8: $0) }
    }

    /// Plain text (Atom `type="text"`, JSON Feed `content_text`): only whitespace is tidied;
    /// a `<` or `&` in it is a character, not markup.
    public static func plainText(_ text: String) -> String {
        var text = text
        return text.withUTF8 { plainText(utf8: $0) }
    }

    static func text(utf8 bytes: UnsafeBufferPointer<UInt8>) -> String {
        if isAlreadyClean(bytes) { return String(decoding: bytes, as: UTF8.self) }
        // The text is never longer than its HTML: tags and entities only shrink.
        return String(unsafeUninitializedCapacity: bytes.count) { convert(bytes, markup: true, into: $0) }
    }

    static func plainText(utf8 bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(unsafeUninitializedCapacity: bytes.count) { convert(bytes, markup: false, into: $0) }
    }

    /// No markup, no entities, no whitespace to tidy: the common case for titles.
    static func isAlreadyClean(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = s.first, let last = s.last, first != 0x20, last != 0x20 else { return s.isEmpty }
        var previousSpace = false
        for c in s {
            if c == UInt8(ascii: "<") || c == UInt8(ascii: "&") || c == 0x0A || c == 0x09 || c == 0x0D || c == 0xC2 { return false }
            if c == 0x20 { if previousSpace { return false }; previousSpace = true } else { previousSpace = false }
        }
        return true
    }

    /// Writes the text of `s` into `out` (at least `s.count` bytes) and returns its length.
    /// Without `markup`, tags and entities are left as they are and only whitespace changes.
    static func convert(_ s: UnsafeBufferPointer<UInt8>, markup: Bool, into out: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var count = 0
        var pendingSpace = false
        var pendingBreak = 0  // 1: line break, 2: paragraph break
        var k = 0
        let n = s.count

        @inline(__always) func emit(_ c: UInt8) {
            if count > 0 {
                if pendingBreak > 0 {
                    out[count] = 0x0A; count += 1
                    if pendingBreak > 1 { out[count] = 0x0A; count += 1 }
                } else if pendingSpace {
                    out[count] = 0x20; count += 1
                }
            }
            pendingBreak = 0
            pendingSpace = false
            out[count] = c
            count += 1
        }

        while k < n {
            let c = s[k]
            if markup, c == UInt8(ascii: "<"), k + 1 < n, isTagStart(s[k + 1]) {
                if s[k + 1] == UInt8(ascii: "!") {
                    if k + 3 < n, s[k + 2] == UInt8(ascii: "-"), s[k + 3] == UInt8(ascii: "-") {
                        k = firstIndex(of: "-->", in: s, from: k + 4).map { $0 + 3 } ?? n
                    } else {
                        k = (firstIndex(of: ">", in: s, from: k) ?? n - 1) + 1
                    }
                    continue
                }
                let closing = s[k + 1] == UInt8(ascii: "/")
                var j = k + (closing ? 2 : 1)
                let nameStart = j
                while j < n, isNameChar(s[j]) { j += 1 }
                let nameBytes = UnsafeBufferPointer(rebasing: s[nameStart..<j])
                let kind = tagKinds[key(nameBytes)]
                k = endOfTag(s, from: j)
                switch kind {
                case .dropped? where !closing:
                    // Skip to the matching end tag, case-insensitively.
                    k = findClosing(s, String(decoding: nameBytes, as: UTF8.self).lowercased(), from: k) ?? n
                case .lineBreak?: pendingBreak = max(pendingBreak, 1)
                case .block?: pendingBreak = 2
                case .cell?: pendingSpace = true
                default: break
                }
                continue
            }
            if markup, c == UInt8(ascii: "&"), let (scalar, length) = EntityDecoder.decode(s, at: k, named: EntityDecoder.html) {
                k += length
                if scalar == 0xA0 || scalar == 0x20 || scalar == 0x09 || scalar == 0x0A || scalar == 0x2009 || scalar == 0x2002 || scalar == 0x2003 {
                    pendingSpace = true
                    continue
                }
                if scalar == 0xAD || scalar == 0x200B || scalar == 0x200C || scalar == 0x200D { continue }
                var tmp: [UInt8] = []
                EntityDecoder.appendUTF8(scalar, to: &tmp)
                emit(tmp[0])
                for b in tmp.dropFirst() { out[count] = b; count += 1 }
                continue
            }
            if c == 0x20 || c == 0x0A || c == 0x09 || c == 0x0D || c == 0x0C {
                pendingSpace = true
                k += 1
                continue
            }
            if c == 0xC2, k + 1 < n, s[k + 1] == 0xA0 {  // no-break space
                pendingSpace = true
                k += 2
                continue
            }
            emit(c)
            k += 1
            // Copy the rest of the word in one go: most bytes are plain text.
            while k < n {
                let d = s[k]
                if d == 0x20 || d == UInt8(ascii: "<") || d == UInt8(ascii: "&") || d < 0x20 || d == 0xC2 { break }
                out[count] = d
                count += 1
                k += 1
            }
        }
        return count
    }

    @inline(__always) private static func isTagStart(_ c: UInt8) -> Bool {
        c == UInt8(ascii: "/") || c == UInt8(ascii: "!") || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A)
    }

    @inline(__always) private static func isNameChar(_ c: UInt8) -> Bool {
        (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A || (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: "-") || c == UInt8(ascii: ":")
    }

    private static func endOfTag(_ s: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
        var j = from
        var quote: UInt8 = 0
        while j < s.count {
            let c = s[j]
            if quote != 0 { if c == quote { quote = 0 } }
            else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") { quote = c }
            else if c == UInt8(ascii: ">") { return j + 1 }
            j += 1
        }
        return s.count
    }

    private static func findClosing(_ s: UnsafeBufferPointer<UInt8>, _ name: String, from: Int) -> Int? {
        let target = Array(name.utf8)
        var j = from
        while j + 2 + target.count <= s.count {
            if s[j] == UInt8(ascii: "<") && s[j + 1] == UInt8(ascii: "/") {
                var hit = true
                for t in 0..<target.count where (s[j + 2 + t] | 0x20) != target[t] { hit = false; break }
                if hit { return endOfTag(s, from: j + 2 + target.count) }
            }
            j += 1
        }
        return nil
    }
}
