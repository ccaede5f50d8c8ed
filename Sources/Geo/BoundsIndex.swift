/// A packed R-tree (sort-tile-recursive) over a fixed list of boxes, answering with their indices.
///
/// For items known only by their boxes (sector footprints, before any GEOS geometry is made for
/// them): built once, then only read, so any number of threads may query it. Results are sorted
/// ascending, so that everything computed from them is deterministic.
public struct BoundsIndex: Sendable {
    /// A node's box and the range of its children in the level below (or, at the leaves, in `items`).
    struct Node {
        var box: Bounds
        var first: Int32
        var count: Int32
    }

    /// `levels[0]` holds the leaves; the last level is the root's.
    private let levels: [[Node]]
    /// The items, grouped by leaf.
    private let items: [(box: Bounds, id: Int32)]
    public let count: Int

    public init(_ boxes: [Bounds?], nodeCapacity: Int = 16) {
        count = boxes.count
        let capacity = max(nodeCapacity, 2)
        /// One node over each run of `capacity` consecutive entries.
        func pack(_ entries: [(box: Bounds, id: Int32)]) -> [Node] {
            stride(from: 0, to: entries.count, by: capacity).map { start in
                let end = min(start + capacity, entries.count)
                let box = entries[start + 1..<end].reduce(entries[start].box) { $0.union($1.box) }
                return Node(box: box, first: Int32(start), count: Int32(end - start))
            }
        }
        // Leaves over the items, then nodes over nodes, each level tiled the same way; a level
        // is stored in its parents' tiling order, so that each parent's children are contiguous.
        var entries = boxes.enumerated().compactMap { i, b in b.map { (box: $0, id: Int32(i)) } }
        Self.tile(&entries, capacity: capacity)
        items = entries
        var levels: [[Node]] = []
        var level = pack(entries)
        while level.count > 1 {
            var parents = level.enumerated().map { (box: $1.box, id: Int32($0)) }
            Self.tile(&parents, capacity: capacity)
            levels.append(parents.map { level[Int($0.id)] })
            level = pack(parents)
        }
        levels.append(level)
        self.levels = levels
    }

    /// Sort-tile-recursive order: vertical slices by centre x, each sorted by centre y, ties by id.
    /// The ids differ, so no two keys are equal and any sort gives this order (`sortDistinct`):
    /// keys (a centre, the id, the entry's place) are sorted, the slices on all cores, and the
    /// entries moved once.
    private static func tile(_ entries: inout [(box: Bounds, id: Int32)], capacity: Int) {
        let n = entries.count
        if n <= capacity { return }
        let leaves = (n + capacity - 1) / capacity
        let slices = Int(Double(leaves).squareRoot().rounded(.up))
        let sliceSize = slices * capacity
        typealias Key = (centre: Double, id: Int32, at: Int32)
        func sort(_ keys: UnsafeMutableBufferPointer<Key>) {
            sortDistinct(keys, key: \.centre) { a, b in a.centre != b.centre ? a.centre < b.centre : a.id < b.id }
        }
        let boxes = entries
        var keys = boxes.indices.map { (centre: boxes[$0].box.minX + boxes[$0].box.maxX, id: boxes[$0].id, at: Int32($0)) }
        keys.withUnsafeMutableBufferPointer { keys in
            sort(keys)
            let all = keys
            // A small index is sorted on the calling thread alone.
            _ = concurrentMap((n + sliceSize - 1) / sliceSize, jobs: n < 1 << 14 ? 1 : defaultJobs, chunk: 1) { s in
                let slice = UnsafeMutableBufferPointer(rebasing: all[(s * sliceSize)..<min((s + 1) * sliceSize, n)])
                for k in slice.indices { slice[k].centre = boxes[Int(slice[k].at)].box.minY + boxes[Int(slice[k].at)].box.maxY }
                sort(slice)
            }
        }
        entries = keys.map { boxes[Int($0.at)] }
    }

    /// Indices of the boxes that intersect `box` (touching counts), ascending.
    public func query(_ box: Bounds) -> [Int] {
        var hits: [Int] = []
        guard let root = levels.last, !root.isEmpty else { return hits }
        var stack: [(level: Int, node: Int)] = root.indices.map { (levels.count - 1, $0) }
        while let (l, n) = stack.popLast() {
            let node = levels[l][n]
            guard node.box.intersects(box) else { continue }
            let range = Int(node.first)..<Int(node.first + node.count)
            if l == 0 {
                for i in range where items[i].box.intersects(box) { hits.append(Int(items[i].id)) }
            } else {
                for c in range { stack.append((l - 1, c)) }
            }
        }
        hits.sort()
        return hits
    }
}
