/// FNV-1a, 64 bit: a hash that is the same in every process and on every machine (Swift's
/// `Hasher` is seeded per process), for identities that are stored: content fingerprints and
/// the rule-set version.
public struct StableHash: Sendable {
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    @inline(__always)
    public mutating func add(_ byte: UInt8) {
        value = (value ^ UInt64(byte)) &* 0x100_0000_01b3
    }

    public var hex: String { String(value, radix: 16) }
}
