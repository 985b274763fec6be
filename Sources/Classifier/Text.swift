/// Sentence splitting and boilerplate removal, on UTF-8 bytes.
enum TextSegmenter {
    /// Words after which a full stop does not end a sentence ("Co.", "Inc.", "Mrd.", "z.B.").
    static let abbreviations: Set<String> = [
        "co", "inc", "corp", "ltd", "llc", "plc", "ag", "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "vs", "etc",
        "no", "nr", "mrd", "mio", "bzw", "ca", "ggf", "inkl", "evtl", "usw", "sog", "bspw", "vgl", "zb", "ua", "dh",
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "okt", "nov", "dec", "dez", "approx",
        "est", "gov", "sen", "rep", "gen", "tsd", "abs", "bn", "mn", "fig", "dt", "hr", "hrn", "fr", "bd", "mill", "mia", "bio",
    ]
    /// Words after which "19." is an ordinal, not the end of a sentence ("am 19. Januar", "im 3. Quartal").
    static let wordsAfterOrdinal: Set<String> = [
        "januar", "februar", "marz", "märz", "april", "mai", "juni", "juli", "august", "september", "oktober", "november", "dezember",
        "jänner", "quartal", "jahrhundert", "platz", "stelle",
    ]

    /// Abbreviations and ordinal-taking words as packed keys (see `WordKey`), so that the
    /// check at every full stop costs no String.
    static let abbreviationKeys = Set(abbreviations.map { WordKey(Array($0.utf8)[...]) })
    static let wordsAfterOrdinalKeys = Set(wordsAfterOrdinal.map { WordKey(Array($0.utf8)[...]) })

    /// A word of up to 15 bytes, ASCII-lower-cased, packed with its length into two integers;
    /// longer words all get one key that no listed word has.
    struct WordKey: Hashable {
        var low: UInt64 = 0, high: UInt64 = 0
        init(_ w: ArraySlice<UInt8>) {
            guard w.count <= 15 else { low = .max; high = .max; return }
            low = UInt64(w.count)
            for (i, c) in w.enumerated() {
                let byte = UInt64(FoldedText.asciiLower(c))
                if i < 7 { low |= byte << (8 * UInt64(i + 1)) } else { high |= byte << (8 * UInt64(i - 7)) }
            }
        }
    }

    /// Sentences as byte ranges of `text`. A line break always ends a sentence; so does
    /// `.`, `!` or `?` before whitespace and a capital, digit or quote, unless the word
    /// before is an abbreviation, a single letter ("U.S."), or a day number before a month.
    static func sentences(_ text: String) -> [Range<Int>] { sentences(Array(text.utf8)) }

    static func sentences(_ b: [UInt8]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var start = 0
        func close(_ end: Int) {
            var s = start, e = end
            while s < e && (b[s] == 0x20 || b[s] == 0x0A || b[s] == 0x09 || b[s] == 0x0D) { s += 1 }
            while e > s && (b[e - 1] == 0x20 || b[e - 1] == 0x0A || b[e - 1] == 0x09 || b[e - 1] == 0x0D) { e -= 1 }
            if e > s { out.append(s..<e) }
        }
        var i = 0
        while i < b.count {
            let c = b[i]
            if c == 0x0A {
                close(i)
                start = i + 1
            } else if (c == 0x2E || c == 0x21 || c == 0x3F), i + 1 < b.count, b[i + 1] == 0x20 || b[i + 1] == 0x0A {
                var j = i + 1
                while j < b.count && b[j] == 0x20 { j += 1 }
                if j < b.count && startsSentence(b, j) && !(c == 0x2E && isNonTerminal(b, dot: i, next: j)) {
                    close(i + 1)
                    start = j
                    i = j
                    continue
                }
            }
            i += 1
        }
        close(b.count)
        return out
    }

    static func startsSentence(_ b: [UInt8], _ j: Int) -> Bool {
        let c = b[j]
        return (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39) || c == 0x22 || c == 0x27 || c == 0xC3 || c == 0xE2 || c == 0x28
    }

    static func isNonTerminal(_ b: [UInt8], dot: Int, next: Int) -> Bool {
        var k = dot
        while k > 0 && b[k - 1] != 0x20 && b[k - 1] != 0x0A && b[k - 1] != 0x28 { k -= 1 }
        let word = b[k..<dot]
        // "U.S.", "z.B.": letters around an inner dot (a figure is no abbreviation: "2.9%.", "$6.6bn.").
        @inline(__always) func isLetter(_ c: UInt8) -> Bool { (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A }
        if word.indices.dropFirst().dropLast().contains(where: { word[$0] == 0x2E && isLetter(word[$0 - 1]) && isLetter(word[$0 + 1]) }) { return true }
        if word.count == 1, let c = word.first, (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A { return true }  // "J. Smith"
        if abbreviationKeys.contains(WordKey(word)) { return true }
        if !word.isEmpty, word.count <= 2, word.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            // "am 19. Januar", "im 3. Quartal"
            var e = next
            while e < b.count && b[e] != 0x20 && b[e] != 0x2C { e += 1 }
            return wordsAfterOrdinalKeys.contains(WordKey(b[next..<e]))
        }
        return false
    }

    /// Quoted speech of at least `minWords` words ("„Man kann Nvidia nicht schlagen …“, sagte
    /// Keller"), as byte ranges of `b`: what someone says is colour, not the news the sentence
    /// around it reports. Openers: “ „ « and ASCII "; closers: ” “ » and ASCII ". A quotation
    /// ends at its paragraph's end if it is not closed before.
    static func quotations(_ b: [UInt8], minWords: Int = 6) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var open: Int?
        var words = 0
        func close(_ end: Int) {
            if let o = open, words + 1 >= minWords { out.append(o..<end) }
            open = nil
        }
        var i = 0
        while i < b.count {
            let c = b[i]
            if c == 0x22 {
                if open == nil { open = i; words = 0 } else { close(i + 1) }
            } else if c == 0xE2, i + 2 < b.count, b[i + 1] == 0x80, b[i + 2] == 0x9C || b[i + 2] == 0x9D || b[i + 2] == 0x9E {
                // “ opens in English and closes in German; ” closes; „ opens.
                if open == nil && b[i + 2] != 0x9D { open = i; words = 0 } else if open != nil && b[i + 2] != 0x9E { close(i + 3) }
                i += 3
                continue
            } else if c == 0xC2, i + 1 < b.count, b[i + 1] == 0xAB || b[i + 1] == 0xBB {
                if open == nil && b[i + 1] == 0xAB { open = i; words = 0 } else if open != nil && b[i + 1] == 0xBB { close(i + 2) }
                i += 2
                continue
            } else if c == 0x0A {
                close(i)
            } else if c == 0x20 {
                words += 1
            }
            i += 1
        }
        close(b.count)
        return out
    }
}
