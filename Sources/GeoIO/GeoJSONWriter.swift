import FileCommit
import Foundation
import Geo

/// Writes RFC 7946 GeoJSON: a FeatureCollection, one feature per line, deterministic bytes.
///
/// Each feature's members come in the order `type`, `id` (when set), `properties`, `geometry`;
/// properties keep their order. Coordinates are written with `precision` decimals (trailing zeros
/// trimmed, never `-0`). Polygon exterior rings are written counter-clockwise and holes clockwise
/// (RFC 7946 §3.1.6), reversing rings as needed. No `crs` member is written: the coordinates must
/// already be WGS84 longitude/latitude.
///
/// ```
/// {"type":"FeatureCollection","features":[
/// {"type":"Feature","properties":{"name":"Làng O2"},"geometry":{"type":"Point","coordinates":[108.5,14.2]}}
/// ]}
/// ```
public struct GeoJSONWriter: Sendable {
    /// Decimals kept in coordinates (6 ≈ 0.1 m at the equator).
    public var precision: Int

    public init(precision: Int = 6) {
        self.precision = precision
    }

    /// The collection as GeoJSON bytes (its `crsName` is not written; see the type's comment).
    public func encode(_ collection: FeatureCollection) -> [UInt8] {
        encode(collection.features)
    }

    /// The features as a GeoJSON FeatureCollection (their `index` is not written).
    public func encode(_ features: [Feature]) -> [UInt8] {
        var out: [UInt8] = []
        whole(count: features.count, { features[$0] }) { out.append(contentsOf: $0) }
        return out
    }

    /// The same bytes as `encode(_:)`, handed to `write` piece by piece: a big collection is
    /// encoded a few thousand features at a time on all cores, so its text is never whole in memory.
    public func encode(_ features: [Feature], into write: ([UInt8]) throws -> Void) rethrows {
        try encode(count: features.count, { features[$0] }, into: write)
    }

    /// Features given as (properties, geometry) pairs, without ids, handed to `write` piece by piece.
    public func encode(_ features: [(properties: JSONObject, geometry: Shape?)], into write: ([UInt8]) throws -> Void) rethrows {
        try encode(count: features.count, { Feature(properties: features[$0].properties, geometry: features[$0].geometry) }, into: write)
    }

    private func encode(count: Int, _ feature: (Int) -> Feature, into write: ([UInt8]) throws -> Void) rethrows {
        try whole(count: count, feature) { try write(Array($0)) }
    }

    /// Every feature made (none given as text), the pieces handed to `write` where they lie.
    private func whole(count: Int, _ feature: (Int) -> Feature, into write: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        _ = try encode(count: count, append: { k, out in appendFeature(feature(k), to: &out); return nil }, into: write)
    }

    /// A feature to encode, or the text of one (as this writer wrote it, handed to `write` as it
    /// is; the bytes must stay valid until `encode` returns).
    public enum Piece {
        case feature(properties: JSONObject, geometry: Shape?)
        case text(UnsafeBufferPointer<UInt8>)
    }

    /// The features `piece` gives, handed to `write` as the other forms do; returns where each
    /// feature's text lies in the whole output. The features are made a batch at a time on all
    /// cores (`piece` is called from several threads), the next batch while one is handed to
    /// `write`: `batch` is told each batch's features, on the calling thread, once every feature
    /// before them is written (the first batch's before anything is made). A feature given as
    /// text is handed to `write` where it lies, not copied: with the features after it given as
    /// the text that follows it there (the separator between them included), as one piece. The
    /// bytes handed to `write` are valid until it returns.
    public func encode(count: Int, batch: (Range<Int>) -> Void = { _ in }, pieces piece: (Int) -> Piece,
                       into write: (UnsafeRawBufferPointer) throws -> Void) rethrows -> [Range<Int>] {
        try encode(count: count, batch: batch, append: { k, out in
            switch piece(k) {
            case .feature(let properties, let geometry):
                appendFeature(Feature(properties: properties, geometry: geometry), to: &out)
                return nil
            case .text(let text): return UnsafeRawBufferPointer(text)
            }
        }, into: write)
    }

    /// One batch's text: per piece of it, a buffer of the text made, the texts handed over as they
    /// are (each after the buffer's bytes up to `at`), and where each feature's text lies in the
    /// piece. The buffers are kept from batch to batch: fresh megabytes for every piece would each
    /// be faulted in by the kernel and handed back to it (a second of a national run).
    private final class BatchText: @unchecked Sendable {
        var buffers: [[UInt8]]
        var taken: [[(at: Int, text: UnsafeRawBufferPointer)]]
        var ranges: [[Range<Int>]] = []
        init(pieces: Int) {
            buffers = [[UInt8]](repeating: [], count: pieces)
            taken = [[(at: Int, text: UnsafeRawBufferPointer)]](repeating: [], count: pieces)
        }
    }

    /// `append` adds feature `k`'s text to a buffer, or returns the text it already has.
    private func encode(count: Int, batch prepare: (Range<Int>) -> Void = { _ in }, append: (Int, inout [UInt8]) -> UnsafeRawBufferPointer?,
                        into write: (UnsafeRawBufferPointer) throws -> Void) rethrows -> [Range<Int>] {
        let head = Array(#"{"type":"FeatureCollection","features":["#.utf8)
        try head.withUnsafeBytes(write)
        var written = head.count
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(count)
        let piece = 256, perBatch = 16, batch = piece * perBatch
        let batches = (count + batch - 1) / batch
        func features(_ b: Int) -> Range<Int> { (b * batch)..<min(count, (b + 1) * batch) }
        // Two batches' texts: one is written (by the kernel, one write at a time) while the next is
        // made on the other threads. `BatchText` is `@unchecked Sendable`: the thread making a batch
        // is waited for before its text is read, and a text is made again only once written.
        let texts = [BatchText(pieces: perBatch), BatchText(pieces: perBatch)]
        try withoutActuallyEscaping(append) { append in
            func make(_ b: Int) {
                let text = texts[b % 2], span = features(b)
                let pieces = (span.count + piece - 1) / piece
                text.ranges = text.buffers.withUnsafeMutableBufferPointer { buffers in
                    text.taken.withUnsafeMutableBufferPointer { taken in
                        concurrentMap(pieces, chunk: 1) { p in
                            let first = span.lowerBound + p * piece
                            return Self.makePiece(first..<min(span.upperBound, first + piece), append: append, into: &buffers[p], taken: &taken[p])
                        }
                    }
                }
            }
            if batches > 0 {
                prepare(features(0))
                make(0)
            }
            for b in 0..<batches {
                let next = b + 1 < batches ? BackgroundTask { make(b + 1) } : nil
                // The next batch is made before this one's text is left (written or not).
                defer { _ = try? next?.wait() }
                let text = texts[b % 2]
                for (p, pieceRanges) in text.ranges.enumerated() {
                    for r in pieceRanges { ranges.append((r.lowerBound + written)..<(r.upperBound + written)) }
                    try text.buffers[p].withUnsafeBytes { own in
                        var from = 0
                        for t in text.taken[p] {
                            if t.at > from { try write(UnsafeRawBufferPointer(rebasing: own[from..<t.at])) }
                            do { try write(t.text) } catch let error as FileWriteError where error.errno == EFAULT {
                                // Its file cut short by another program since it was mapped.
                                MappedRegions.endIfCutShort(at: t.text.baseAddress)
                                throw error
                            }
                            from = t.at
                            written += t.text.count
                        }
                        if own.count > from || text.taken[p].isEmpty { try write(UnsafeRawBufferPointer(rebasing: own[from...])) }
                        written += own.count
                    }
                }
                if b + 1 < batches { prepare(features(b + 1)) }
            }
        }
        try Array("\n]}\n".utf8).withUnsafeBytes(write)
        return ranges
    }

    /// What goes between two features' texts.
    private static let separator: [UInt8] = [0x2C, 0x0A]

    /// Features `ks` of one piece: each after its separator, made into `buffer`, or, given as text,
    /// put in `taken` (after the buffer's bytes up to its `at`). Returns where each feature's text
    /// lies in the piece (the buffer with the taken texts in it).
    private static func makePiece(_ ks: Range<Int>, append: (Int, inout [UInt8]) -> UnsafeRawBufferPointer?,
                                  into buffer: inout [UInt8], taken: inout [(at: Int, text: UnsafeRawBufferPointer)]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        buffer.removeAll(keepingCapacity: true)
        taken.removeAll(keepingCapacity: true)
        // Bytes of this piece taken as they lie so far.
        var takenBytes = 0
        for k in ks {
            let before = buffer.count
            if k > 0 { buffer.append(contentsOf: separator) } else { buffer.append(0x0A) }
            let start = buffer.count + takenBytes
            guard let text = append(k, &buffer) else {
                ranges.append(start..<(buffer.count + takenBytes))
                continue
            }
            if k > 0, buffer.count == before + separator.count, let last = taken.last, last.at == before, let joined = joined(last.text, text) {
                // The same bytes as the separator made and the text, taken as one.
                buffer.removeLast(separator.count)
                taken[taken.count - 1].text = joined
                takenBytes += separator.count
            } else {
                taken.append((buffer.count, text))
            }
            takenBytes += text.count
            ranges.append(start..<(start + text.count))
        }
        return ranges
    }

    /// `first`, a separator and `second` as one text, when `second` lies right after `first` with
    /// the separator between them.
    private static func joined(_ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        guard let start = first.baseAddress, start + first.count + separator.count == second.baseAddress,
              UnsafeRawBufferPointer(start: start + first.count, count: separator.count).elementsEqual(separator) else { return nil }
        return UnsafeRawBufferPointer(start: start, count: first.count + separator.count + second.count)
    }

    /// Features given as (properties, geometry) pairs, without ids.
    public func encode(_ features: [(properties: JSONObject, geometry: Shape?)]) -> [UInt8] {
        var out: [UInt8] = []
        whole(count: features.count, { Feature(properties: features[$0].properties, geometry: features[$0].geometry) }) { out.append(contentsOf: $0) }
        return out
    }

    /// Writes the features to `path` atomically (see `AtomicFile`).
    public func write(_ features: [Feature], to path: String) throws {
        try AtomicFile.write(encode(features), to: path)
    }

    /// One feature as a compact JSON object.
    public func encode(feature: Feature) -> [UInt8] {
        var out: [UInt8] = []
        appendFeature(feature, to: &out)
        return out
    }

    /// A geometry as a compact GeoJSON geometry object (rings oriented as above).
    public func encode(geometry: Shape) -> [UInt8] {
        var out: [UInt8] = []
        appendGeometry(geometry, to: &out)
        return out
    }

    private func appendFeature(_ f: Feature, to out: inout [UInt8]) {
        out.append(contentsOf: #"{"type":"Feature","#.utf8)
        if let id = f.id {
            out.append(contentsOf: #""id":"#.utf8)
            out.append(contentsOf: id.encoded())
            out.append(0x2C)
        }
        out.append(contentsOf: #""properties":"#.utf8)
        out.append(contentsOf: JSONValue.object(f.properties).encoded())
        out.append(contentsOf: #","geometry":"#.utf8)
        if let g = f.geometry { appendGeometry(g, to: &out) } else { out.append(contentsOf: "null".utf8) }
        out.append(0x7D)
    }

    private func appendGeometry(_ shape: Shape, to out: inout [UInt8]) {
        out.append(contentsOf: #"{"type":""#.utf8)
        out.append(contentsOf: shape.typeName.utf8)
        if case .geometryCollection(let members) = shape {
            out.append(contentsOf: #"","geometries":["#.utf8)
            for (k, g) in members.enumerated() {
                if k > 0 { out.append(0x2C) }
                appendGeometry(g, to: &out)
            }
            out.append(contentsOf: "]}".utf8)
            return
        }
        out.append(contentsOf: #"","coordinates":"#.utf8)
        switch shape {
        case .point(let c): appendPosition(c, to: &out)
        case .multiPoint(let cs), .lineString(let cs): appendPositions(cs, to: &out)
        case .multiLineString(let ls): appendList(ls, to: &out) { appendPositions($0, to: &$1) }
        case .polygon(let rings): appendRings(rings, to: &out)
        case .multiPolygon(let ps): appendList(ps, to: &out) { appendRings($0, to: &$1) }
        case .geometryCollection: break
        }
        out.append(0x7D)
    }

    private func appendList<T>(_ items: [T], to out: inout [UInt8], _ body: (T, inout [UInt8]) -> Void) {
        out.append(0x5B)
        for (k, item) in items.enumerated() {
            if k > 0 { out.append(0x2C) }
            body(item, &out)
        }
        out.append(0x5D)
    }

    /// Exterior first and counter-clockwise, holes clockwise.
    private func appendRings(_ rings: [[Coordinate]], to out: inout [UInt8]) {
        out.append(0x5B)
        for (k, ring) in rings.enumerated() {
            if k > 0 { out.append(0x2C) }
            appendPositions(Shape.oriented(ring, exterior: k == 0), to: &out)
        }
        out.append(0x5D)
    }

    /// The positions formatted into one buffer and appended at once: a byte at a time, the
    /// appends' checks cost more than the digits.
    private func appendPositions(_ cs: [Coordinate], to out: inout [UInt8]) {
        let done = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 2 + cs.count * (Self.positionTextLimit + 1)) { buffer -> Bool in
            let text = buffer.baseAddress!
            text[0] = 0x5B
            var p = 1
            for (k, c) in cs.enumerated() {
                if k > 0 { text[p] = 0x2C; p += 1 }
                guard let n = writePosition(c, to: text + p) else { return false }
                p += n
            }
            text[p] = 0x5D
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[..<(p + 1)]))
            return true
        }
        // A coordinate that is not finite or does not fit the fast path: one at a time.
        if !done { appendList(cs, to: &out) { appendPosition($0, to: &$1) } }
    }

    /// The most bytes `writePosition` writes: two numbers, their brackets and comma.
    private static let positionTextLimit = 2 * JSONWriter.fixedTextLimit + 3

    /// Writes `[x,y]` at `text` (room for `positionTextLimit` bytes) and returns its length; nil
    /// when a coordinate needs `appendFixed`'s general path.
    @inline(__always) private func writePosition(_ c: Coordinate, to text: UnsafeMutablePointer<UInt8>) -> Int? {
        text[0] = 0x5B
        guard let x = JSONWriter.writeFixed(c.x, decimals: precision, to: text + 1) else { return nil }
        text[1 + x] = 0x2C
        guard let y = JSONWriter.writeFixed(c.y, decimals: precision, to: text + 2 + x) else { return nil }
        text[2 + x + y] = 0x5D
        return 3 + x + y
    }

    @inline(__always) private func appendPosition(_ c: Coordinate, to out: inout [UInt8]) {
        out.append(0x5B)
        JSONWriter.appendFixed(c.x, decimals: precision, to: &out)
        out.append(0x2C)
        JSONWriter.appendFixed(c.y, decimals: precision, to: &out)
        out.append(0x5D)
    }
}
