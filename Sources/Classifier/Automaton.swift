/// Aho–Corasick over folded UTF-8 bytes: every pattern of the rule set (entity aliases,
/// triggers, cues) is found in one left-to-right pass, however many patterns there are.
/// Transitions are a dense table over byte classes (only bytes that occur in patterns get
/// their own class), so the scan costs one table lookup per byte.
struct Automaton {
    private var classOf = [UInt8](repeating: 0, count: 256)
    private var classCount = 1
    /// `delta[state * classCount + class]` = the next state, failure transitions already folded
    /// in. States are numbered so that those with outputs come last (from `firstOutputState`):
    /// the scan tests one comparison per byte. The table is 16-bit while the states fit, half
    /// the cache footprint of 32-bit entries (the scan is bound by cache misses in this table).
    private enum Table { case narrow([UInt16]), wide([UInt32]) }
    private var delta: Table = .wide([])
    private var firstOutputState = 0
    /// First output of a state (index into `outputs`), or -1.
    private var outputStart: [Int32] = []
    /// Chain of outputs: (pattern id, next index or -1). A state's outputs include its suffixes'.
    private var outputs: [(pattern: Int32, next: Int32)] = []
    private(set) var patternLengths: [Int32] = []
    var stateCount: Int { outputStart.count }
    var byteClasses: Int { classCount }

    /// Per pattern: 1 = may continue to the left, 2 = may continue to the right (`*` in rules).
    private var openEnds: [UInt8] = []

    /// `openEnds[i]`: bit 1 lets pattern i start inside a word, bit 2 end inside one; all
    /// other occurrences are dropped inside the scan, before any callback.
    init(patterns: [[UInt8]], openEnds: [UInt8]) {
        self.openEnds = openEnds
        for p in patterns { for c in p where classOf[Int(c)] == 0 { classOf[Int(c)] = UInt8(truncatingIfNeeded: classCount); classCount += 1 } }
        precondition(classCount <= 256, "too many distinct bytes")
        // Build the trie with sparse children, then the dense table breadth-first.
        var children: [[Int32: Int32]] = [[:]]
        var terminal: [[Int32]] = [[]]
        for (id, p) in patterns.enumerated() {
            patternLengths.append(Int32(p.count))
            guard !p.isEmpty else { continue }
            var s: Int32 = 0
            for c in p {
                let k = Int32(classOf[Int(c)])
                if let next = children[Int(s)][k] { s = next } else {
                    let next = Int32(children.count)
                    children.append([:])
                    terminal.append([])
                    children[Int(s)][k] = next
                    s = next
                }
            }
            terminal[Int(s)].append(Int32(id))
        }
        // Number states breadth-first, so that the shallow states every scan keeps returning to
        // have their table rows next to each other (and stay in cache).
        var order: [Int32] = [0]
        var head0 = 0
        while head0 < order.count {
            let s = order[head0]; head0 += 1
            for k in children[Int(s)].keys.sorted() { order.append(children[Int(s)][k]!) }
        }
        var renumber = [Int32](repeating: 0, count: children.count)
        for (new, old) in order.enumerated() { renumber[Int(old)] = Int32(new) }
        var bfsChildren = [[Int32: Int32]](repeating: [:], count: children.count)
        var bfsTerminal = [[Int32]](repeating: [], count: children.count)
        for old in 0..<children.count {
            bfsChildren[Int(renumber[old])] = children[old].mapValues { renumber[Int($0)] }
            bfsTerminal[Int(renumber[old])] = terminal[old]
        }
        children = bfsChildren
        terminal = bfsTerminal

        let stateCount = children.count
        var delta = [Int32](repeating: 0, count: stateCount * classCount)
        outputStart = [Int32](repeating: -1, count: stateCount)
        var fail = [Int32](repeating: 0, count: stateCount)
        var queue: [Int32] = []
        queue.reserveCapacity(stateCount)
        precondition(stateCount * classCount < Int(Int32.max), "automaton too large")
        for (k, child) in children[0] { delta[Int(k)] = child; queue.append(child) }
        var head = 0
        // Root outputs first (none), then each state: its own terminals, then its failure state's chain.
        while head < queue.count {
            let s = queue[head]; head += 1
            var chain = outputStart[Int(fail[Int(s)])]
            for id in terminal[Int(s)].reversed() {
                outputs.append((id, chain))
                chain = Int32(outputs.count - 1)
            }
            outputStart[Int(s)] = chain
            let base = Int(s) * classCount
            let failBase = Int(fail[Int(s)]) * classCount
            for k in 0..<classCount {
                if let child = children[Int(s)][Int32(k)] {
                    delta[base + k] = child
                    fail[Int(child)] = delta[failBase + k]
                    queue.append(child)
                } else {
                    delta[base + k] = delta[failBase + k]
                }
            }
        }
        // Move the states with outputs after all others (breadth-first order kept within each
        // part; the root has none and stays 0), so the scan tests one comparison per byte.
        let last = (0..<stateCount).filter { outputStart[$0] < 0 } + (0..<stateCount).filter { outputStart[$0] >= 0 }
        firstOutputState = outputStart.lazy.filter { $0 < 0 }.count
        var moved = [Int32](repeating: 0, count: stateCount)
        for (new, old) in last.enumerated() { moved[old] = Int32(new) }
        var table = [Int32](repeating: 0, count: stateCount * classCount)
        for (new, old) in last.enumerated() {
            for k in 0..<classCount { table[new * classCount + k] = moved[Int(delta[old * classCount + k])] }
        }
        outputStart = last.map { outputStart[$0] }
        self.delta = stateCount <= Int(UInt16.max) + 1 ? .narrow(table.map { UInt16($0) }) : .wide(table.map { UInt32($0) })
    }

    /// Calls `hit(pattern, end)` for every occurrence at word boundaries (as the pattern's
    /// open ends allow); `end` is one past the last byte.
    @inline(__always)
    func scan(_ text: UnsafeBufferPointer<UInt8>, _ hit: (Int, Int) -> Void) {
        switch delta {
        case .narrow(let table): scan(text, table, hit)
        case .wide(let table): scan(text, table, hit)
        }
    }

    @inline(__always)
    private func scan<State: FixedWidthInteger & UnsignedInteger>(_ text: UnsafeBufferPointer<UInt8>, _ delta: [State], _ hit: (Int, Int) -> Void) {
        var s = 0
        let cc = classCount
        let n = text.count
        let firstOutput = firstOutputState
        delta.withUnsafeBufferPointer { d in
        classOf.withUnsafeBufferPointer { cls in
        outputStart.withUnsafeBufferPointer { outs in
        outputs.withUnsafeBufferPointer { outputs in
        patternLengths.withUnsafeBufferPointer { lengths in
        openEnds.withUnsafeBufferPointer { open in
            for i in 0..<n {
                let next = Int(d[s &+ Int(cls[Int(text[i])])])
                s = next &* cc
                if next < firstOutput { continue }
                var o = outs[next]
                let endsWord = i + 1 == n || !FoldedText.isWordByte(text[i + 1])
                while o >= 0 {
                    let entry = outputs[Int(o)]
                    o = entry.next
                    let p = Int(entry.pattern)
                    let ends = open[p]
                    if ends & 2 == 0 && !endsWord { continue }
                    let start = i + 1 - Int(lengths[p])
                    if ends & 1 == 0 && start > 0 && FoldedText.isWordByte(text[start - 1]) { continue }
                    hit(p, i + 1)
                }
            }
        }}}}}}
    }
}
