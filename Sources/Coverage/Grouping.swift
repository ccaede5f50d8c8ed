import Geo
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `indices` in groups of equal `key`, each group in the order given and the groups in the order
/// of their first members.
///
/// Files list villages commune by commune: a key equal to the one before joins its group without
/// being hashed (hashing a Vietnamese name normalises it, each time).
public func groups<Key: Hashable>(of indices: some Sequence<Int>, by key: (Int) -> Key) -> [[Int]] {
    var groups: [[Int]] = [], groupOf: [Key: Int] = [:]
    var last: (key: Key, group: Int)?
    for i in indices {
        let k = key(i)
        if let l = last, l.key == k { groups[l.group].append(i); continue }
        if let g = groupOf[k] { groups[g].append(i); last = (k, g) } else {
            groupOf[k] = groups.count
            last = (k, groups.count)
            groups.append([i])
        }
    }
    return groups
}

/// Whether two names are equal as text, their bytes compared first: Swift compares two strings
/// not known to be in NFC by normalising both, every time, and names read from a file are mostly
/// byte for byte the one before. Names equal only once normalised (NFC against NFD) are still equal.
@inline(__always) func sameText(_ a: String, _ b: String) -> Bool {
    let sameBytes = a.utf8.withContiguousStorageIfAvailable { x in
        b.utf8.withContiguousStorageIfAvailable { y in
            x.count == y.count && (x.isEmpty || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0)
        }
    }
    return sameBytes == true || a == b
}

/// A name as a grouping key: equal as text (`String`'s equality and hash), compared by its bytes first.
public struct NameKey: Hashable, Sendable {
    public let text: String
    public init(_ text: String) { self.text = text }
    public static func == (a: NameKey, b: NameKey) -> Bool { sameText(a.text, b.text) }
    public func hash(into hasher: inout Hasher) { hasher.combine(text) }
}

/// A commune: communes of the same name in two districts are two communes.
public struct CommuneKey: Hashable, Sendable {
    public var district: String
    public var name: String

    public init(district: String, name: String) {
        self.district = district
        self.name = name
    }

    public static func == (a: CommuneKey, b: CommuneKey) -> Bool { sameText(a.name, b.name) && sameText(a.district, b.district) }
    public func hash(into hasher: inout Hasher) { hasher.combine(district); hasher.combine(name) }
}

/// Where each of `count` positions' result is among results made group by group: `(g, k)` for
/// the position `groups[g][k]`, nil where no group has the position.
func positions(of groups: [[Int]], count: Int) -> [(group: Int32, member: Int32)?] {
    var at = [(group: Int32, member: Int32)?](repeating: nil, count: count)
    for (g, members) in groups.enumerated() { for (k, i) in members.enumerated() { at[i] = (Int32(g), Int32(k)) } }
    return at
}

/// Results made group by group put back in place, on all cores: `results[g][k]` belongs at
/// `groups[g][k]` of `count` positions (nil where no group has one).
func scattered<T>(_ results: [[T]], of groups: [[Int]], count: Int) -> [T?] {
    let at = positions(of: groups, count: count)
    return concurrentMap(count, chunk: 1024) { i in at[i].map { results[Int($0.group)][Int($0.member)] } }
}

extension Array where Element == Sector {
    /// The operators of these sectors, each once, sorted. Tables list sectors site by site: an
    /// operator equal to the one before is not hashed again.
    var operatorNames: [String] {
        var names = Set<String>(), last: String?
        for s in self where last == nil || !sameText(s.operator, last!) {
            names.insert(s.operator)
            last = s.operator
        }
        return names.sorted()
    }
}
