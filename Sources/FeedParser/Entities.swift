/// Character references shared by the XML and the HTML stage.
enum EntityDecoder {
    static let xmlPredefined: [String: UInt32] = ["lt": 0x3C, "gt": 0x3E, "amp": 0x26, "quot": 0x22, "apos": 0x27]

    /// Named references as feeds use them in HTML bodies: Latin-1, typography, common symbols.
    static let html: [String: UInt32] = {
        var t = xmlPredefined
        let latin1 = ["nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect", "uml", "copy", "ordf",
                      "laquo", "not", "shy", "reg", "macr", "deg", "plusmn", "sup2", "sup3", "acute", "micro",
                      "para", "middot", "cedil", "sup1", "ordm", "raquo", "frac14", "frac12", "frac34", "iquest",
                      "Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig", "Ccedil", "Egrave", "Eacute",
                      "Ecirc", "Euml", "Igrave", "Iacute", "Icirc", "Iuml", "ETH", "Ntilde", "Ograve", "Oacute",
                      "Ocirc", "Otilde", "Ouml", "times", "Oslash", "Ugrave", "Uacute", "Ucirc", "Uuml", "Yacute",
                      "THORN", "szlig", "agrave", "aacute", "acirc", "atilde", "auml", "aring", "aelig", "ccedil",
                      "egrave", "eacute", "ecirc", "euml", "igrave", "iacute", "icirc", "iuml", "eth", "ntilde",
                      "ograve", "oacute", "ocirc", "otilde", "ouml", "divide", "oslash", "ugrave", "uacute", "ucirc",
                      "uuml", "yacute", "thorn", "yuml"]
        for (offset, name) in latin1.enumerated() { t[name] = 0xA0 + UInt32(offset) }
        let more: [String: UInt32] = [
            "ndash": 0x2013, "mdash": 0x2014, "lsquo": 0x2018, "rsquo": 0x2019, "sbquo": 0x201A, "ldquo": 0x201C,
            "rdquo": 0x201D, "bdquo": 0x201E, "dagger": 0x2020, "Dagger": 0x2021, "bull": 0x2022, "hellip": 0x2026,
            "permil": 0x2030, "prime": 0x2032, "Prime": 0x2033, "lsaquo": 0x2039, "rsaquo": 0x203A, "euro": 0x20AC,
            "trade": 0x2122, "larr": 0x2190, "rarr": 0x2192, "uarr": 0x2191, "darr": 0x2193, "harr": 0x2194,
            "minus": 0x2212, "le": 0x2264, "ge": 0x2265, "ne": 0x2260, "asymp": 0x2248, "infin": 0x221E,
            "ensp": 0x2002, "emsp": 0x2003, "thinsp": 0x2009, "zwnj": 0x200C, "zwj": 0x200D, "lrm": 0x200E,
            "rlm": 0x200F, "OElig": 0x152, "oelig": 0x153, "Scaron": 0x160, "scaron": 0x161, "Yuml": 0x178,
            "fnof": 0x192, "circ": 0x2C6, "tilde": 0x2DC, "alpha": 0x3B1, "beta": 0x3B2, "gamma": 0x3B3,
            "delta": 0x3B4, "mu": 0x3BC, "pi": 0x3C0, "sigma": 0x3C3, "Delta": 0x394, "Omega": 0x3A9,
        ]
        t.merge(more) { a, _ in a }
        return t
    }()

    /// Decodes the reference starting at `s[at] == "&"`; nil if it is not a complete, known one.
    static func decode(_ s: UnsafeBufferPointer<UInt8>, at: Int, named table: [String: UInt32]) -> (UInt32, Int)? {
        var k = at + 1
        let limit = min(s.count, at + 34)
        guard k < limit else { return nil }
        if s[k] == UInt8(ascii: "#") {
            k += 1
            var hex = false
            if k < limit && (s[k] | 0x20) == UInt8(ascii: "x") { hex = true; k += 1 }
            var value: UInt32 = 0
            let digitsStart = k
            while k < limit {
                let c = s[k]
                let d: UInt32
                if c >= 0x30 && c <= 0x39 { d = UInt32(c - 0x30) }
                else if hex && (c | 0x20) >= 0x61 && (c | 0x20) <= 0x66 { d = UInt32((c | 0x20) - 0x61 + 10) }
                else { break }
                value = value &* (hex ? 16 : 10) &+ d
                if value > 0x10FFFF { return nil }
                k += 1
            }
            guard k > digitsStart, k < s.count, s[k] == UInt8(ascii: ";") else { return nil }
            // Windows-1252 numeric references (&#146;) are what old CMSes emit for quotes.
            if value >= 0x80 && value <= 0x9F, let mapped = Transcoder.windows1252High[Int(value - 0x80)] { value = mapped }
            if value == 0 || (value >= 0xD800 && value <= 0xDFFF) { value = 0xFFFD }
            return (value, k + 1 - at)
        }
        let nameStart = k
        while k < limit {
            let c = s[k]
            let isAlnum = (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A)
            if !isAlnum { break }
            k += 1
        }
        guard k > nameStart, k < s.count, s[k] == UInt8(ascii: ";") else { return nil }
        let name = String(decoding: UnsafeBufferPointer(rebasing: s[nameStart..<k]), as: UTF8.self)
        guard let value = table[name] else { return nil }
        return (value, k + 1 - at)
    }

    @inline(__always)
    static func appendUTF8(_ v: UInt32, to out: inout [UInt8]) {
        switch v {
        case 0..<0x80: out.append(UInt8(v))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (v >> 6)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (v >> 12)))
            out.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (v >> 18)))
            out.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        }
    }
}

extension String {
    /// ASCII whitespace trimmed off both ends, on UTF-8 bytes: Foundation's
    /// `trimmingCharacters(in:)` goes through NSString and UTF-16 on Linux, a hot spot here.
    var trimmedASCII: String {
        let u = utf8
        var start = u.startIndex, end = u.endIndex
        func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 }
        while start < end, isSpace(u[start]) { start = u.index(after: start) }
        while end > start, isSpace(u[u.index(before: end)]) { end = u.index(before: end) }
        if start == u.startIndex && end == u.endIndex { return self }
        return String(self[start..<end])
    }

    /// Whether `needle` occurs in the string, compared byte by byte: Foundation's
    /// `contains(_:)` goes through NSString on Linux, and feeds ask this per link.
    func containsBytes(_ needle: String) -> Bool {
        let n = Array(needle.utf8), h = Array(utf8)
        guard n.count <= h.count else { return n.isEmpty }
        return (0...(h.count - n.count)).contains { h[$0..<($0 + n.count)].elementsEqual(n) }
    }
}
