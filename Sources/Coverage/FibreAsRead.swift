import FileCommit
import Foundation
import Geo
import GeoIO

/// The fibre file as a run read it (its routes and access nodes, and the reader's warnings), kept
/// in the side file: a `--since` run whose fibre file and reading options are unchanged takes its
/// features from there instead of parsing the file again (docs/incremental.md).
public struct FibreAsRead: Sendable {
    /// What the features read depend on (see `key(display:sha256:inputCRS:)`).
    public var key: String
    /// The reader's warnings about the file, in order.
    public var warnings: [String]
    public var features: [FibreFeature]
    /// The side file's bytes for these features (one part), when they were read from one: written again as they are.
    var encoded: EncodedParts?

    public init(key: String, warnings: [String], features: [FibreFeature]) {
        self.key = key; self.warnings = warnings; self.features = features
    }

    /// The fibre as read, to keep, when every feature is one a side file may hold (`isAsRead`);
    /// else nil (a later run parses the file).
    public static func keptIfAsRead(key: String, warnings: [String], features: [FibreFeature]) -> FibreAsRead? {
        features.allSatisfy(isAsRead) ? FibreAsRead(key: key, warnings: warnings, features: features) : nil
    }

    /// SHA-256 of what decides the features read from a fibre file covgap parses itself: its
    /// SHA-256, the name warnings give it and `--input-crs` (no `--field` names a fibre field).
    public static func key(display: String, sha256: String, inputCRS: String?) -> String {
        SHA256.hex(Array(["fibre", display, sha256, inputCRS ?? ""].joined(separator: "\u{0}").utf8))
    }

    /// Whether `f` is a feature the fibre reader can have made: an id and operator, when given,
    /// plain text; a LineString or MultiLineString of lines of two positions or more, or a Point or
    /// MultiPoint, every position a lon/lat one. A run keeps the fibre as read only when every
    /// feature is one (`keptIfAsRead`); a side file holding any other is damaged.
    static func isAsRead(_ f: FibreFeature) -> Bool {
        for case let text? in [f.id, f.operator] where firstControlCharacter(text) != nil { return false }
        func line(_ cs: [Coordinate]) -> Bool { cs.count >= 2 && cs.allSatisfy(InputLoader.isLonLat) }
        switch f.shape {
        case .point(let c): return InputLoader.isLonLat(c)
        case .multiPoint(let cs): return !cs.isEmpty && cs.allSatisfy(InputLoader.isLonLat)
        case .lineString(let cs): return line(cs)
        case .multiLineString(let ls): return ls.allSatisfy(line)
        default: return false
        }
    }
}

extension IncrementalState.Writer {
    /// The kept fibre: key, warnings, count, then per feature whether it has an id and an
    /// operator (bits 0 and 1), those strings and its shape (compact rings). The bytes so far and
    /// the features' bytes go to `flush` as they are.
    mutating func fibreAsRead(_ kept: FibreAsRead, flush: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        try bytes.withUnsafeBytes(flush)
        bytes.removeAll(keepingCapacity: true)
        if let encoded = kept.encoded { try encoded.withPart(0, flush); return }
        string(kept.key)
        varint(UInt64(kept.warnings.count))
        kept.warnings.forEach { string($0) }
        varint(UInt64(kept.features.count))
        for f in kept.features {
            varint((f.id == nil ? 0 : 1) | (f.operator == nil ? 0 : 2))
            if let id = f.id { string(id) }
            if let op = f.operator { string(op) }
            shape(f.shape, compact: true)
            if bytes.count >= 1 << 20 {
                try bytes.withUnsafeBytes(flush)
                bytes.removeAll(keepingCapacity: true)
            }
        }
        try bytes.withUnsafeBytes(flush)
        bytes.removeAll(keepingCapacity: true)
    }
}

extension IncrementalState.Reader {
    mutating func fibreAsRead() throws -> FibreAsRead {
        let start = at
        let key = try string()
        let warnings = try (0..<(try count())).map { _ in try string() }
        // At least three bytes a feature: its flags, a shape's type and a count.
        let count = try self.count()
        guard count * 3 <= end - at else { throw Self.damaged }
        var features: [FibreFeature] = []
        features.reserveCapacity(count)
        for _ in 0..<count {
            let flags = try varint()
            guard flags < 4 else { throw Self.damaged }
            let id = flags & 1 != 0 ? try string() : nil
            let op = flags & 2 != 0 ? try string() : nil
            let f = FibreFeature(id: id, operator: op, shape: try shape(compact: true))
            guard FibreAsRead.isAsRead(f) else { throw Self.damaged }
            features.append(f)
        }
        var kept = FibreAsRead(key: key, warnings: warnings, features: features)
        kept.encoded = keep([start..<at], from: start)
        return kept
    }
}
