import Geo

/// A small reader of WKT polygons, as Ookla's open-data tiles carry them in their `tile` column:
/// `POLYGON((x y, x y, …), (…))` and `MULTIPOLYGON(((…)), ((…)))`, 2D, case-insensitive.
public enum WKT {
    /// Why a text is not a WKT polygon: the message and the 1-based character position.
    public struct SyntaxError: Error, CustomStringConvertible, Sendable {
        public var message: String
        public var position: Int
        public var description: String { "\(message) at character \(position)" }
    }

    /// The polygon or multipolygon the text describes.
    public static func polygon(_ text: String) throws -> Shape {
        var p = Parser(Array(text.utf8))
        let shape = try p.shape()
        p.skipSpaces()
        if p.i < p.bytes.count { throw p.fail("unexpected text after the geometry") }
        return shape
    }

    private struct Parser {
        let bytes: [UInt8]
        var i = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        func fail(_ message: String) -> SyntaxError { SyntaxError(message: message, position: i + 1) }

        mutating func skipSpaces() { while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D { i += 1 } }

        mutating func expect(_ c: UInt8) throws {
            skipSpaces()
            guard i < bytes.count, bytes[i] == c else { throw fail("expected '\(Character(Unicode.Scalar(c)))'") }
            i += 1
        }

        mutating func peek(_ c: UInt8) -> Bool {
            skipSpaces()
            return i < bytes.count && bytes[i] == c
        }

        mutating func word() -> String {
            skipSpaces()
            let start = i
            while i < bytes.count, (bytes[i] | 0x20) >= 0x61, (bytes[i] | 0x20) <= 0x7A { i += 1 }
            return String(decoding: bytes[start..<i], as: UTF8.self).uppercased()
        }

        mutating func shape() throws -> Shape {
            let start = i
            let kind = word()
            let dimension = word()
            if !dimension.isEmpty && dimension != "Z" && dimension != "M" && dimension != "ZM" {
                i = start
                throw fail("\"\(dimension)\" is not a dimension (Z, M, ZM)")
            }
            if dimension == "" && peekEmpty() { throw fail("an EMPTY geometry has no tile") }
            switch kind {
            case "POLYGON": return .polygon(try polygonBody())
            case "MULTIPOLYGON":
                try expect(0x28)
                var polygons = [try polygonBody()]
                while peek(0x2C) { i += 1; polygons.append(try polygonBody()) }
                try expect(0x29)
                return .multiPolygon(polygons)
            default:
                i = start
                throw fail(kind.isEmpty ? "expected POLYGON or MULTIPOLYGON" : "a \(kind) is not a polygon (POLYGON or MULTIPOLYGON expected)")
            }
        }

        mutating func peekEmpty() -> Bool {
            let save = i
            if word() == "EMPTY" { return true }
            i = save
            return false
        }

        mutating func polygonBody() throws -> [[Coordinate]] {
            try expect(0x28)
            var rings = [try ring()]
            while peek(0x2C) { i += 1; rings.append(try ring()) }
            try expect(0x29)
            return rings
        }

        mutating func ring() throws -> [Coordinate] {
            try expect(0x28)
            var ring = [try position()]
            while peek(0x2C) { i += 1; ring.append(try position()) }
            try expect(0x29)
            if ring.count < 4 { throw fail("a ring needs at least 4 positions, got \(ring.count)") }
            if ring.first != ring.last { throw fail("a ring must end where it starts") }
            return ring
        }

        mutating func position() throws -> Coordinate {
            let x = try number(), y = try number()
            // A Z or M value is read and dropped.
            skipSpaces()
            while i < bytes.count, bytes[i] != 0x2C, bytes[i] != 0x29 { _ = try number(); skipSpaces() }
            return Coordinate(x, y)
        }

        mutating func number() throws -> Double {
            skipSpaces()
            let start = i
            while i < bytes.count, (bytes[i] >= 0x30 && bytes[i] <= 0x39) || bytes[i] == 0x2E || bytes[i] == 0x2D || bytes[i] == 0x2B
                || bytes[i] == 0x65 || bytes[i] == 0x45 { i += 1 }
            guard i > start, let d = Double(String(decoding: bytes[start..<i], as: UTF8.self)), d.isFinite else {
                i = start
                throw fail("expected a number")
            }
            return d
        }
    }
}
