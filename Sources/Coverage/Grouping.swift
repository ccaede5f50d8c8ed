/// `indices` in groups of equal `key`, each group in the order given and the groups in the order
/// of their first members.
func groups<Key: Hashable>(of indices: some Sequence<Int>, by key: (Int) -> Key) -> [[Int]] {
    var groups: [[Int]] = [], groupOf: [Key: Int] = [:]
    for i in indices {
        let k = key(i)
        if let g = groupOf[k] { groups[g].append(i) } else {
            groupOf[k] = groups.count
            groups.append([i])
        }
    }
    return groups
}

/// Results made group by group put back in place: `results[g][k]` belongs at `groups[g][k]` of
/// `count` positions (nil where no group has one).
func scattered<T>(_ results: [[T]], of groups: [[Int]], count: Int) -> [T?] {
    var out = [T?](repeating: nil, count: count)
    for (group, made) in zip(groups, results) {
        for (i, r) in zip(group, made) { out[i] = r }
    }
    return out
}
