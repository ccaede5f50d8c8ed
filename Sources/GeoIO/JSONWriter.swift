import Geo

/// Writes JSON text into a byte buffer, value by value, with commas and indentation handled.
///
/// - Object members come out in the order written (no sorting), so output is stable.
/// - Strings are escaped as RFC 8259 requires (`"`, `\` and control characters) and nothing else:
///   Vietnamese and every other non-ASCII text stays as UTF-8.
/// - Numbers: integral values print as integers (`3`, not `3.0`); others in the shortest form
///   that reads back to the same Double (`0.1`, `1e-07`). `fixed(_:decimals:)` rounds to a number
///   of decimals and trims trailing zeros, for coordinates.
/// - NaN and ±infinity have no JSON form: they are written as `null` (a reader then sees a missing
///   figure rather than a broken file). Callers who consider them bugs should check before writing.
///
/// ```swift
/// var w = JSONWriter(style: .pretty)
/// w.beginObject(); w.key("name"); w.string("Làng O2"); w.key("pct"); w.number(99.9); w.endObject()
/// ```
public struct JSONWriter: Sendable {
    public enum Style: Sendable, Hashable {
        /// No whitespace at all.
        case compact
        /// Each member and element on its own line, indented by two spaces per level.
        case pretty
    }

    /// The text written so far (UTF-8), or since the last `drain`.
    public private(set) var bytes: [UInt8]
    /// Bytes handed out by `drain` before those in `bytes`: the ranges `valueRange` and
    /// `rawRange` return count from the text's start.
    public private(set) var drained = 0
    /// Bytes of values whose text lies elsewhere (`rawElsewhere`): counted in the places the
    /// ranges give, not in `bytes`.
    public private(set) var elsewhere = 0
    public let style: Style
    /// Where the next byte goes in the whole text.
    private var offset: Int { drained + elsewhere + bytes.count }

    private struct Level: Sendable {
        var isObject: Bool
        var count: Int
    }
    private var levels: [Level] = []
    private var afterKey = false

    public init(style: Style = .compact, reservingCapacity: Int = 0) {
        self.style = style
        self.bytes = []
        bytes.reserveCapacity(reservingCapacity)
    }

    /// The text written so far as a String.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    // MARK: Structure

    public mutating func beginObject() {
        prepareValue()
        bytes.append(UInt8(ascii: "{"))
        levels.append(Level(isObject: true, count: 0))
    }

    public mutating func endObject() {
        precondition(levels.last?.isObject == true && !afterKey, "JSONWriter: endObject without a matching beginObject")
        close(UInt8(ascii: "}"))
    }

    public mutating func beginArray() {
        prepareValue()
        bytes.append(UInt8(ascii: "["))
        levels.append(Level(isObject: false, count: 0))
    }

    public mutating func endArray() {
        precondition(levels.last?.isObject == false, "JSONWriter: endArray without a matching beginArray")
        close(UInt8(ascii: "]"))
    }

    /// Writes a member name; the next value written is its value.
    public mutating func key(_ name: String) {
        precondition(levels.last?.isObject == true && !afterKey, "JSONWriter: key outside an object")
        separate()
        appendString(name)
        bytes.append(UInt8(ascii: ":"))
        if style == .pretty { bytes.append(UInt8(ascii: " ")) }
        afterKey = true
    }

    // MARK: Scalars

    public mutating func null() {
        prepareValue()
        bytes.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
    }

    public mutating func bool(_ value: Bool) {
        prepareValue()
        bytes.append(contentsOf: value ? Array("true".utf8) : Array("false".utf8))
    }

    public mutating func string(_ value: String) {
        prepareValue()
        appendString(value)
    }

    /// A string given as its UTF-8 bytes, written as `string(_:)` writes the String they spell
    /// (`value` must be valid UTF-8): long generated texts go in without becoming a String first.
    public mutating func string(utf8 value: [UInt8]) {
        prepareValue()
        value.withUnsafeBufferPointer { JSONWriter.appendString(utf8: $0, to: &bytes) }
    }

    /// Room for `count` more bytes of text: a long text then grows the buffer once instead of
    /// doubling it on the way (each doubling a copy into fresh memory).
    public mutating func reserveCapacity(adding count: Int) {
        bytes.reserveCapacity(bytes.count + count)
    }

    /// A number in its shortest round-trip form; integral values without a fraction. NaN/inf → null.
    public mutating func number(_ value: Double) {
        prepareValue()
        JSONWriter.appendNumber(value, to: &bytes)
    }

    public mutating func number(_ value: Int) {
        prepareValue()
        bytes.append(contentsOf: String(value).utf8)
    }

    /// `value` rounded to `decimals` places (half away from zero, on the exact binary value),
    /// trailing zeros trimmed, never `-0`: `108.5`, `14.123457`, `0`. NaN/inf → null.
    public mutating func fixed(_ value: Double, decimals: Int) {
        prepareValue()
        JSONWriter.appendFixed(value, decimals: decimals, to: &bytes)
    }

    /// Writes a whole value (objects keep their member order).
    public mutating func value(_ value: JSONValue) {
        switch value {
        case .null: null()
        case .bool(let b): bool(b)
        case .number(let d): number(d)
        case .string(let s): string(s)
        case .array(let a):
            beginArray()
            for v in a { self.value(v) }
            endArray()
        case .object(let o):
            beginObject()
            for m in o { key(m.key); self.value(m.value) }
            endObject()
        }
    }

    /// Appends text that the caller guarantees is one complete, valid JSON value.
    public mutating func raw(_ json: [UInt8]) {
        _ = rawRange(json)
    }

    /// Writes `value` and returns where its text lies in the text (without the separator before it).
    public mutating func valueRange(_ value: JSONValue) -> Range<Int> {
        prepareValue()
        afterKey = true  // the separator is written: the value's own first step writes none
        let start = offset
        self.value(value)
        return start..<offset
    }

    /// `rawRange` for bytes in an array: copied in one step (the generic form goes byte by byte
    /// where it is not specialised, as in another module).
    public mutating func rawRange(_ json: [UInt8]) -> Range<Int> {
        prepareValue()
        let start = offset
        bytes.append(contentsOf: json)
        return start..<offset
    }

    /// Appends `json`, the text `valueRange` returned for a value written at this same depth (the
    /// caller guarantees it), and returns where it lies in the text.
    public mutating func rawRange<Text: Collection<UInt8>>(_ json: Text) -> Range<Int> {
        prepareValue()
        let start = offset
        bytes.append(contentsOf: json)
        return start..<offset
    }

    /// A value of `count` bytes, the text `valueRange` returned for a value written at this same
    /// depth, that the caller puts in at `at` (an index of `bytes`) as it writes `bytes` out:
    /// separated as `rawRange` separates it, but not copied here. Returns where it lies in the text.
    public mutating func rawElsewhere(count: Int) -> (range: Range<Int>, at: Int) {
        prepareValue()
        let start = offset
        elsewhere += count
        return (start..<(start + count), bytes.count)
    }

    /// Hands the text written since the last drain to `write` and empties `bytes`, keeping its
    /// memory: a long text goes out in pieces through one buffer. The writer goes on where it was.
    public mutating func drain(_ write: ([UInt8]) throws -> Void) rethrows {
        try write(bytes)
        drained += bytes.count
        bytes.removeAll(keepingCapacity: true)
    }

    /// Ends the document with a newline (files end in one); call when everything is closed.
    public mutating func finish() {
        precondition(levels.isEmpty, "JSONWriter: finish with unclosed objects or arrays")
        bytes.append(0x0A)
    }

    // MARK: Internals

    private mutating func separate() {
        guard !levels.isEmpty else { return }
        if levels[levels.count - 1].count > 0 { bytes.append(UInt8(ascii: ",")) }
        levels[levels.count - 1].count += 1
        if style == .pretty { newline(depth: levels.count) }
    }

    private mutating func prepareValue() {
        if afterKey { afterKey = false; return }
        precondition(levels.last?.isObject != true, "JSONWriter: a value in an object needs a key first")
        separate()
    }

    private mutating func close(_ bracket: UInt8) {
        let level = levels.removeLast()
        if style == .pretty && level.count > 0 { newline(depth: levels.count) }
        bytes.append(bracket)
    }

    private mutating func newline(depth: Int) {
        bytes.append(0x0A)
        bytes.append(contentsOf: repeatElement(0x20, count: 2 * depth))
    }

    private mutating func appendString(_ s: String) {
        JSONWriter.appendString(s, to: &bytes)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Appends `s` as a quoted JSON string.
    static func appendString(_ s: String, to bytes: inout [UInt8]) {
        var s = s
        s.withUTF8 { appendString(utf8: $0, to: &bytes) }
    }

    /// Appends the string whose UTF-8 bytes are `utf8` as a quoted JSON string.
    static func appendString(utf8: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8]) {
        bytes.append(0x22)
        var runStart = 0
        for (k, b) in utf8.enumerated() where b < 0x20 || b == 0x22 || b == 0x5C {
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<k]))
            runStart = k + 1
            bytes.append(0x5C)
            switch b {
            case 0x22: bytes.append(0x22)
            case 0x5C: bytes.append(0x5C)
            case 0x0A: bytes.append(UInt8(ascii: "n"))
            case 0x0D: bytes.append(UInt8(ascii: "r"))
            case 0x09: bytes.append(UInt8(ascii: "t"))
            case 0x08: bytes.append(UInt8(ascii: "b"))
            case 0x0C: bytes.append(UInt8(ascii: "f"))
            default:
                bytes.append(contentsOf: [UInt8(ascii: "u"), 0x30, 0x30, hexDigits[Int(b >> 4)], hexDigits[Int(b & 15)]])
            }
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        bytes.append(0x22)
    }

    /// Appends `value` in its shortest round-trip form (`null` for NaN/inf).
    static func appendNumber(_ value: Double, to bytes: inout [UInt8]) {
        guard value.isFinite else { bytes.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C]); return }
        if value.rounded(.towardZero) == value && abs(value) < 1e15 {
            bytes.append(contentsOf: String(Int64(value)).utf8)   // also turns -0.0 into 0
            return
        }
        // Swift's description is the shortest representation that round-trips ("0.1", "1e-07",
        // "1e+20"), all of it valid JSON once a trailing ".0" is gone.
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
    }

    /// Appends `value` rounded to `decimals` places with trailing zeros trimmed (`null` for NaN/inf).
    static func appendFixed(_ value: Double, decimals: Int, to bytes: inout [UInt8]) {
        guard value.isFinite else { bytes.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C]); return }
        var buffer: (UInt64, UInt64, UInt64) = (0, 0, 0)
        let written = withUnsafeMutableBytes(of: &buffer) { raw -> Bool in
            guard let count = writeFixed(value, decimals: decimals, to: raw.baseAddress!.assumingMemoryBound(to: UInt8.self)) else { return false }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[..<count]))
            return true
        }
        if !written { appendFixedExact(value, decimals: max(0, decimals), to: &bytes) }   // beyond 64 bits: rare
    }

    /// The most bytes `writeFixed` writes: a sign, 20 digits and a point.
    static let fixedTextLimit = 22

    /// Writes `value` rounded to `decimals` places with trailing zeros trimmed, as `appendFixed`
    /// does, at `out` (room for `fixedTextLimit` bytes) and returns how many bytes it wrote; nil,
    /// with nothing written, for NaN, infinities and values whose rounding does not fit 64 bits.
    @inline(__always)
    static func writeFixed(_ value: Double, decimals: Int, to out: UnsafeMutablePointer<UInt8>) -> Int? {
        let decimals = max(0, decimals)
        guard value.isFinite, let units = roundedScaled(abs(value), decimals: decimals) else { return nil }
        if units == 0 { out[0] = 0x30; return 1 }   // never "-0"
        var p = 0
        if value < 0 { out[0] = UInt8(ascii: "-"); p = 1 }
        var scale: UInt64 = 1
        for _ in 0..<decimals { scale &*= 10 }
        p += writeDigits(units / scale, minimumCount: 1, to: out + p)
        var fraction = units % scale
        guard fraction != 0 else { return p }
        var places = decimals
        while fraction % 10 == 0 { fraction /= 10; places -= 1 }
        out[p] = UInt8(ascii: ".")
        p += 1
        return p + writeDigits(fraction, minimumCount: places, to: out + p)
    }

    /// "00", "01" … "99": the digits are written two at a time.
    private static let digitPairs: StaticString = """
        00010203040506070809101112131415161718192021222324252627282930313233343536373839\
        40414243444546474849505152535455565758596061626364656667686970717273747576777879\
        8081828384858687888990919293949596979899
        """

    /// Writes the decimal digits of `value`, left-padded with zeros to `minimumCount` (at most 20),
    /// and returns how many it wrote.
    @inline(__always) private static func writeDigits(_ value: UInt64, minimumCount: Int, to out: UnsafeMutablePointer<UInt8>) -> Int {
        var count = 1, power: UInt64 = 10
        while count < 20 && value >= power {
            count += 1
            power &*= 10   // wraps only after the last comparison that needs it
        }
        count = max(count, minimumCount)
        let pairs = digitPairs.utf8Start
        var v = value, k = count
        while k >= 2 {
            let r = Int(v % 100)
            v /= 100
            out[k - 1] = pairs[2 * r + 1]
            out[k - 2] = pairs[2 * r]
            k -= 2
        }
        if k == 1 { out[0] = UInt8(truncatingIfNeeded: v % 10) + 0x30 }
        return count
    }

    /// round(a · 10^decimals) for a ≥ 0, half away from zero, as if computed exactly; nil when the
    /// result does not fit 64 bits.
    static func roundedScaled(_ a: Double, decimals: Int) -> UInt64? {
        guard decimals <= 19 else { return nil }
        // Most values are decided by the product in doubles: 10^d is exact, so a·10^d is off the
        // exact product by at most half an ulp (s·2^-53). A fraction farther than four times that
        // from one half rounds the same either way; the rest (infinities and NaN among them, which
        // fail `s < 2^50`) take the exact path.
        let s = a * JSONScanner.powerOfTen(decimals)
        if s < 0x1p50 {
            let units = UInt64(s)   // s ≥ 0: truncated is rounded down
            let fraction = s - Double(units)
            if abs(fraction - 0.5) > s * 0x1p-51 { return units + (fraction > 0.5 ? 1 : 0) }
        }
        return exactlyRoundedScaled(a, decimals: decimals)
    }

    /// `roundedScaled` computed exactly for every value: a = m·2^e, so the scaled value is
    /// (m·10^d) >> -e in 128-bit arithmetic, and the bit just below the cut decides the rounding.
    static func exactlyRoundedScaled(_ a: Double, decimals: Int) -> UInt64? {
        guard decimals <= 19, a.isFinite else { return nil }
        if a == 0 { return 0 }
        let m: UInt64 = a.significandBitPattern | (a.isNormal ? 1 << 52 : 0)
        let e = a.isNormal ? Int(a.exponentBitPattern) - 1075 : -1074
        var p: UInt64 = 1
        for _ in 0..<decimals { p *= 10 }
        let (hi, lo) = m.multipliedFullWidth(by: p)
        if e >= 0 {
            guard hi == 0, e < 64, lo <= (UInt64.max >> UInt64(e)) else { return nil }
            return lo << UInt64(e)
        }
        func shiftRight(_ s: Int) -> (UInt64, UInt64) {
            if s == 0 { return (hi, lo) }
            if s >= 128 { return (0, 0) }
            if s >= 64 { return (0, hi >> UInt64(s - 64)) }
            return (hi >> UInt64(s), (lo >> UInt64(s)) | (hi << UInt64(64 - s)))
        }
        let (qh, ql) = shiftRight(-e)
        guard qh == 0 else { return nil }
        let roundBit = shiftRight(-e - 1).1 & 1
        let (q, overflow) = ql.addingReportingOverflow(roundBit)
        return overflow ? nil : q
    }

    /// Exact rounding via the value's full decimal expansion: a Double is m·2^e, and with e < 0
    /// its decimal digits are those of m·5^-e, so the expansion is built with big-integer-free
    /// long multiplication on a digit array.
    static func appendFixedExact(_ value: Double, decimals: Int, to bytes: inout [UInt8]) {
        let negative = value < 0
        let m = abs(value).significandBitPattern | (abs(value).isNormal ? (1 << 52) : 0)
        var e = Int(abs(value).exponentBitPattern) - 1075
        if !abs(value).isNormal { e = -1074 }
        // digits (most significant first) of m·2^e as an integer part and a fraction part.
        var number: [UInt8] = Array(String(m).utf8).map { $0 - 0x30 }
        var fractionDigits = 0
        if e >= 0 {
            for _ in 0..<e { multiply(&number, by: 2) }
        } else {
            for _ in 0..<(-e) { multiply(&number, by: 5) }
            fractionDigits = -e
        }
        if number.count <= fractionDigits {
            number.insert(contentsOf: repeatElement(0, count: fractionDigits - number.count + 1), at: 0)
        }
        // Keep `decimals` fraction digits, rounding half away from zero on the next one.
        let keep = number.count - fractionDigits + decimals
        var kept = Array(number[0..<min(keep, number.count)])
        if keep < number.count && number[keep] >= 5 {
            var k = kept.count - 1
            while k >= 0 {
                if kept[k] == 9 { kept[k] = 0; k -= 1 } else { kept[k] += 1; break }
            }
            if k < 0 { kept.insert(1, at: 0) }
        }
        while kept.count < number.count - fractionDigits + decimals { kept.append(0) }
        let point = kept.count - decimals
        var intPart = Array(kept[0..<point])
        while intPart.count > 1 && intPart[0] == 0 { intPart.removeFirst() }
        var frac = Array(kept[point...])
        while let last = frac.last, last == 0 { frac.removeLast() }
        let isZero = intPart.allSatisfy { $0 == 0 } && frac.isEmpty
        if negative && !isZero { bytes.append(UInt8(ascii: "-")) }
        bytes.append(contentsOf: (intPart.isEmpty ? [0] : intPart).map { $0 + 0x30 })
        if !frac.isEmpty {
            bytes.append(UInt8(ascii: "."))
            bytes.append(contentsOf: frac.map { $0 + 0x30 })
        }
    }

    private static func multiply(_ digits: inout [UInt8], by factor: UInt8) {
        var carry = 0
        for k in stride(from: digits.count - 1, through: 0, by: -1) {
            let v = Int(digits[k]) * Int(factor) + carry
            digits[k] = UInt8(v % 10)
            carry = v / 10
        }
        while carry > 0 { digits.insert(UInt8(carry % 10), at: 0); carry /= 10 }
    }
}

extension JSONValue {
    /// The value as JSON text (UTF-8), compact or indented by two spaces; no trailing newline.
    public func encoded(style: JSONWriter.Style = .compact) -> [UInt8] {
        var w = JSONWriter(style: style)
        w.value(self)
        return w.bytes
    }

    /// The value as a JSON string.
    public func jsonText(style: JSONWriter.Style = .compact) -> String {
        String(decoding: encoded(style: style), as: UTF8.self)
    }
}

/// The shortest decimal text of `value` as JSON writes it ("3", "0.1", "1e-07"; "null" for NaN/inf).
public func jsonNumberText(_ value: Double) -> String {
    var b: [UInt8] = []
    JSONWriter.appendNumber(value, to: &b)
    return String(decoding: b, as: UTF8.self)
}

/// The number `fixed(value, decimals)` reads back as: `Double(fixed(value, decimals))`, computed
/// without the text. The rounded value is an integer n of units of 10^-decimals; when n < 2^53 and
/// 10^decimals ≤ 10^22 both are exact doubles, and IEEE division rounds n / 10^decimals correctly,
/// as reading the text does. Otherwise (or for NaN/inf) it goes through the text.
public func writtenValue(_ value: Double, _ decimals: Int) -> Double {
    let decimals = max(0, decimals)
    if decimals <= 19, let units = JSONWriter.roundedScaled(abs(value), decimals: decimals), units < 1 << 53 {
        if units == 0 { return 0 }   // "0", never "-0"
        let x = Double(units) / JSONScanner.powerOfTen(decimals)
        return value < 0 ? -x : x
    }
    return Double(fixed(value, decimals)) ?? value
}

/// `shape` with every coordinate as `writtenValue` makes it (what report.geojson holds of it),
/// the same bits, a ring at a time, in this module (where `writtenValue` is inlined): a ring none
/// of whose numbers change is kept, not copied (coordinates read with `decimals` decimals or fewer
/// stay as they are).
public func writtenShape(_ shape: Shape, _ decimals: Int) -> Shape {
    @inline(__always) func written(_ v: Double) -> Double { writtenValue(v, decimals) }
    return shape.mapRings { cs in
        // Bits, not values: -0 is written 0.
        @inline(__always) func same(_ v: Double) -> Bool { written(v).bitPattern == v.bitPattern }
        guard let first = cs.indices.first(where: { !same(cs[$0].x) || !same(cs[$0].y) }) else { return cs }
        var out = cs
        for i in first..<out.count { out[i] = Coordinate(written(out[i].x), written(out[i].y)) }
        return out
    }
}

/// `value` rounded to `decimals` places, trailing zeros trimmed, never "-0" ("108.5", "14.123457").
public func fixed(_ value: Double, _ decimals: Int) -> String {
    var b: [UInt8] = []
    JSONWriter.appendFixed(value, decimals: decimals, to: &b)
    return String(decoding: b, as: UTF8.self)
}
