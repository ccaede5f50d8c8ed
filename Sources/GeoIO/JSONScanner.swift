/// The byte-level JSON (RFC 8259) reader shared by `JSONValue.parse` and `GeoJSONReader`.
///
/// It walks a buffer that `TextEncoding.checkUTF8` has already accepted, with no per-character line
/// tracking: line and column are worked out only when an error is raised.
public struct JSONScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    let base: UnsafePointer<UInt8>
    let count: Int
    let source: String
    var i: Int
    var depth = 0
    static let maxDepth = 512

    /// A key or string as it lies in the buffer, before unescaping.
    struct RawString {
        var start: Int
        var end: Int
        var escaped: Bool
        var ascii: Bool
    }

    init(_ bytes: UnsafeBufferPointer<UInt8>, start: Int, source: String) {
        self.bytes = bytes
        // An empty buffer still needs a valid pointer; `count == 0` keeps us from reading it.
        self.base = bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!
        self.count = bytes.count
        self.source = source
        self.i = start
    }

    // MARK: Errors

    func error(_ message: String, at offset: Int? = nil) -> InputError {
        let (line, column) = TextEncoding.lineAndColumn(bytes, offset: offset ?? i)
        return InputError(file: source, location: "line \(line), column \(column)", message: message)
    }

    /// What is at the cursor, for messages: `'x'`, `'ă'` or "the end of the file".
    func found(at offset: Int? = nil) -> String {
        let o = offset ?? i
        guard o < count else { return "the end of the file" }
        let b = base[o]
        if b == 0x0A || b == 0x0D { return "a line break" }
        if b < 0x20 { return "control character U+00" + (b < 16 ? "0" : "") + String(b, radix: 16, uppercase: true) }
        var end = o + 1
        while end < count, base[end] & 0xC0 == 0x80 { end += 1 }
        return "'" + String(decoding: UnsafeBufferPointer(start: base + o, count: end - o), as: UTF8.self) + "'"
    }

    // MARK: Structure

    @inline(__always) mutating func skipWhitespace() {
        while i < count {
            let b = base[i]
            if b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { i += 1 } else { return }
        }
    }

    @inline(__always) func peek() -> UInt8 { i < count ? base[i] : 0 }

    mutating func expect(_ byte: UInt8, _ what: String) throws {
        skipWhitespace()
        guard i < count, base[i] == byte else { throw error("expected \(what), found \(found())") }
        i += 1
    }

    /// After the whole document: only whitespace may follow.
    mutating func expectEnd() throws {
        skipWhitespace()
        if i < count { throw error("unexpected \(found()) after the end of the JSON document") }
    }

    /// Consumes `{`; returns false when the object is empty (its `}` consumed too).
    mutating func beginObject() throws -> Bool {
        try expect(UInt8(ascii: "{"), "'{'")
        depth += 1
        if depth > Self.maxDepth { throw error("JSON nested more than \(Self.maxDepth) levels deep") }
        skipWhitespace()
        if peek() == UInt8(ascii: "}") { i += 1; depth -= 1; return false }
        return true
    }

    /// Reads a member's key and the `:` after it.
    mutating func key() throws -> RawString {
        skipWhitespace()
        guard peek() == UInt8(ascii: "\"") else {
            throw error("expected a member name in double quotes, found \(found())")
        }
        let k = try rawString()
        try expect(UInt8(ascii: ":"), "':' after a member name")
        return k
    }

    /// After a member's value: true when a `,` announces another member, false at `}`.
    mutating func nextMember() throws -> Bool {
        skipWhitespace()
        guard i < count else { throw error("expected ',' or '}' in an object, found \(found())") }
        switch base[i] {
        case UInt8(ascii: ","): i += 1; return true
        case UInt8(ascii: "}"): i += 1; depth -= 1; return false
        default: throw error("expected ',' or '}' in an object, found \(found())")
        }
    }

    /// Consumes `[`; returns false when the array is empty (its `]` consumed too).
    mutating func beginArray() throws -> Bool {
        try expect(UInt8(ascii: "["), "'['")
        depth += 1
        if depth > Self.maxDepth { throw error("JSON nested more than \(Self.maxDepth) levels deep") }
        skipWhitespace()
        if peek() == UInt8(ascii: "]") { i += 1; depth -= 1; return false }
        return true
    }

    /// After an element: true when a `,` announces another element, false at `]`.
    mutating func nextElement() throws -> Bool {
        skipWhitespace()
        guard i < count else { throw error("expected ',' or ']' in an array, found \(found())") }
        switch base[i] {
        case UInt8(ascii: ","): i += 1; return true
        case UInt8(ascii: "]"): i += 1; depth -= 1; return false
        default: throw error("expected ',' or ']' in an array, found \(found())")
        }
    }

    // MARK: Values

    mutating func value() throws -> JSONValue {
        skipWhitespace()
        guard i < count else { throw error("expected a JSON value, found the end of the file") }
        switch base[i] {
        case UInt8(ascii: "{"):
            var object = JSONObject()
            var names = Set<String>()
            if try beginObject() {
                repeat {
                    skipWhitespace()
                    let start = i
                    let k = try key()
                    let name = try decoded(k)
                    guard names.insert(name).inserted else { i = start; throw duplicateMember(name) }
                    object.append(name, try value())
                } while try nextMember()
            }
            return .object(object)
        case UInt8(ascii: "["):
            var array: [JSONValue] = []
            if try beginArray() {
                repeat { array.append(try value()) } while try nextElement()
            }
            return .array(array)
        case UInt8(ascii: "\""):
            return .string(try decoded(try rawString()))
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try number())
        default:
            throw error("expected a JSON value, found \(found())")
        }
    }

    /// The error for a member name seen twice in one object: JSON readers disagree on which
    /// value wins, so a file that depends on it is refused.
    func duplicateMember(_ name: String) -> InputError {
        error("the member \"\(terminalSafe(name, limit: 200))\" appears twice in one object; give each member once")
    }

    /// Checks and steps over a value without building it.
    mutating func skipValue() throws {
        skipWhitespace()
        guard i < count else { throw error("expected a JSON value, found the end of the file") }
        switch base[i] {
        case UInt8(ascii: "{"):
            if try beginObject() {
                repeat { _ = try key(); try skipValue() } while try nextMember()
            }
        case UInt8(ascii: "["):
            if try beginArray() {
                repeat { try skipValue() } while try nextElement()
            }
        case UInt8(ascii: "\""): _ = try rawString()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): _ = try number()
        default: throw error("expected a JSON value, found \(found())")
        }
    }

    mutating func literal(_ word: StaticString) throws {
        let n = word.utf8CodeUnitCount
        let p = word.utf8Start
        if i + n <= count {
            var k = 0
            while k < n, base[i + k] == p[k] { k += 1 }
            if k == n {
                i += n
                if i < count, isIdentifierByte(base[i]) {
                    throw error("expected a JSON value, found \(found(at: i - n))")
                }
                return
            }
        }
        throw error("expected a JSON value, found \(found()) (JSON literals are true, false and null, in lowercase)")
    }

    @inline(__always) private func isIdentifierByte(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) || b == 0x5F
    }

    // MARK: Strings

    /// Steps over a string (cursor on its opening quote), checking escapes and control characters.
    mutating func rawString() throws -> RawString {
        let open = i
        i += 1
        let start = i
        var escaped = false
        var high: UInt8 = 0
        while true {
            while i < count {
                let b = base[i]
                if b == 0x22 || b == 0x5C || b < 0x20 { break }
                high |= b
                i += 1
            }
            guard i < count else { throw error("a string is not closed (it starts here)", at: open) }
            let b = base[i]
            if b == 0x22 {
                let s = RawString(start: start, end: i, escaped: escaped, ascii: high < 0x80)
                i += 1
                return s
            }
            if b < 0x20 {
                throw error("\(found()) inside a string; write it as an escape such as \\n")
            }
            // Backslash.
            escaped = true
            guard i + 1 < count else { throw error("a string is not closed (it starts here)", at: open) }
            switch base[i + 1] {
            case 0x22, 0x5C, 0x2F, UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"),
                 UInt8(ascii: "r"), UInt8(ascii: "t"):
                i += 2
            case UInt8(ascii: "u"):
                guard i + 6 <= count, (2..<6).allSatisfy({ hexValue(base[i + $0]) != nil }) else {
                    throw error("\\u must be followed by four hexadecimal digits")
                }
                i += 6
            default:
                throw error("invalid escape \\\(found(at: i + 1).dropFirst().dropLast()) in a string")
            }
        }
    }

    @inline(__always) func hexValue(_ b: UInt8) -> UInt32? {
        switch b {
        case 0x30...0x39: return UInt32(b - 0x30)
        case 0x41...0x46: return UInt32(b - 0x41 + 10)
        case 0x61...0x66: return UInt32(b - 0x61 + 10)
        default: return nil
        }
    }

    /// The string's value in NFC, refusing escapes of unpaired surrogates.
    @inline(__always) func decoded(_ raw: RawString) throws -> String {
        if raw.escaped { try checkSurrogates(raw) }
        return string(raw)
    }

    /// Whether the raw string is exactly `literal` (for keys and type names; escaped ones compare decoded).
    func equals(_ raw: RawString, _ literal: StaticString) -> Bool {
        if raw.escaped { return string(raw, normalize: false) == literal.description }
        let n = literal.utf8CodeUnitCount
        guard raw.end - raw.start == n else { return false }
        let p = literal.utf8Start
        for k in 0..<n where base[raw.start + k] != p[k] { return false }
        return true
    }

    /// The string's value, unescaped and (unless `normalize` is false) in NFC.
    func string(_ raw: RawString, normalize: Bool = true) -> String {
        let s: String
        if !raw.escaped {
            s = String(decoding: UnsafeBufferPointer(start: base + raw.start, count: raw.end - raw.start), as: UTF8.self)
        } else {
            s = unescape(raw)
        }
        return normalize && !raw.ascii ? nfc(s) : s
    }

    /// Decodes escapes; `rawString` has already checked their syntax, surrogates are checked here
    /// (an unpaired one becomes U+FFFD, as most parsers do; `checkSurrogates` reports it as an error).
    private func unescape(_ raw: RawString) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(raw.end - raw.start)
        var k = raw.start
        func hex4(_ at: Int) -> UInt32 {
            (hexValue(base[at])! << 12) | (hexValue(base[at + 1])! << 8) | (hexValue(base[at + 2])! << 4) | hexValue(base[at + 3])!
        }
        func appendScalar(_ v: UInt32) {
            let scalar = Unicode.Scalar(v) ?? "\u{FFFD}"
            out.append(contentsOf: Array(String(scalar).utf8))
        }
        while k < raw.end {
            let b = base[k]
            guard b == 0x5C else { out.append(b); k += 1; continue }
            let e = base[k + 1]
            switch e {
            case UInt8(ascii: "b"): out.append(0x08); k += 2
            case UInt8(ascii: "f"): out.append(0x0C); k += 2
            case UInt8(ascii: "n"): out.append(0x0A); k += 2
            case UInt8(ascii: "r"): out.append(0x0D); k += 2
            case UInt8(ascii: "t"): out.append(0x09); k += 2
            case UInt8(ascii: "u"):
                let u = hex4(k + 2)
                k += 6
                if u >= 0xD800 && u <= 0xDBFF, k + 6 <= raw.end, base[k] == 0x5C, base[k + 1] == UInt8(ascii: "u") {
                    let low = hex4(k + 2)
                    if low >= 0xDC00 && low <= 0xDFFF {
                        appendScalar(0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00))
                        k += 6
                        continue
                    }
                }
                appendScalar(u)   // lone surrogates are rejected earlier by `checkSurrogates`
            default: out.append(e); k += 2   // \" \\ \/
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// RFC 8259 §8.2: a \u escape of a lone surrogate is not a character; refuse it.
    func checkSurrogates(_ raw: RawString) throws {
        guard raw.escaped else { return }
        var k = raw.start
        while k < raw.end {
            guard base[k] == 0x5C else { k += 1; continue }
            guard base[k + 1] == UInt8(ascii: "u") else { k += 2; continue }
            let u = (hexValue(base[k + 2])! << 12) | (hexValue(base[k + 3])! << 8) | (hexValue(base[k + 4])! << 4) | hexValue(base[k + 5])!
            if u >= 0xDC00 && u <= 0xDFFF { throw error("\\u escape of an unpaired low surrogate", at: k) }
            if u >= 0xD800 && u <= 0xDBFF {
                let j = k + 6
                guard j + 6 <= raw.end, base[j] == 0x5C, base[j + 1] == UInt8(ascii: "u") else {
                    throw error("\\u escape of a high surrogate without its low surrogate", at: k)
                }
                let low = (hexValue(base[j + 2])! << 12) | (hexValue(base[j + 3])! << 8) | (hexValue(base[j + 4])! << 4) | hexValue(base[j + 5])!
                guard low >= 0xDC00 && low <= 0xDFFF else {
                    throw error("\\u escape of a high surrogate without its low surrogate", at: k)
                }
                k = j + 6
                continue
            }
            k += 6
        }
    }

    // MARK: Numbers

    /// 10^n for 0 ≤ n ≤ 22, all exact in a Double (a switch: no global-array access in the hot loop).
    @inlinable public static func powerOfTen(_ n: Int) -> Double {
        switch n {
        case 0: return 1e0
        case 1: return 1e1
        case 2: return 1e2
        case 3: return 1e3
        case 4: return 1e4
        case 5: return 1e5
        case 6: return 1e6
        case 7: return 1e7
        case 8: return 1e8
        case 9: return 1e9
        case 10: return 1e10
        case 11: return 1e11
        case 12: return 1e12
        case 13: return 1e13
        case 14: return 1e14
        case 15: return 1e15
        case 16: return 1e16
        case 17: return 1e17
        case 18: return 1e18
        case 19: return 1e19
        case 20: return 1e20
        case 21: return 1e21
        default: return 1e22
        }
    }

    /// Reads a number by the RFC 8259 grammar. Up to 19 significant digits with a small exponent
    /// are converted exactly by Clinger's fast path; the rest goes through the standard library's
    /// correctly rounded conversion. A number too large for a Double is an error.
    @inline(__always) mutating func number() throws -> Double {
        let start = i
        var negative = false
        if base[i] == UInt8(ascii: "-") {
            negative = true
            i += 1
        }
        var mantissa: UInt64 = 0
        var digits = 0            // significant digits taken into `mantissa`
        var exponent = 0
        var exact = true
        guard i < count, base[i] &- 0x30 < 10 else { throw error("a number needs a digit after '-'", at: start) }
        if base[i] == 0x30 {
            i += 1
            if i < count, base[i] &- 0x30 < 10 { throw error("numbers may not have leading zeros", at: start) }
        } else {
            while i < count {
                let d = base[i] &- 0x30
                if d >= 10 { break }
                if digits < 19 { mantissa = mantissa &* 10 &+ UInt64(d); digits += 1 } else { exponent += 1; exact = false }
                i += 1
            }
        }
        if i < count, base[i] == UInt8(ascii: ".") {
            i += 1
            let fracStart = i
            while i < count {
                let d = base[i] &- 0x30
                if d >= 10 { break }
                if digits < 19 {
                    if mantissa != 0 || d != 0 { digits += 1 }
                    mantissa = mantissa &* 10 &+ UInt64(d)
                    exponent -= 1
                } else if d != 0 { exact = false }
                i += 1
            }
            if i == fracStart { throw error("a number needs a digit after '.'", at: start) }
        }
        if i < count, base[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            var expNegative = false
            if i < count, base[i] == UInt8(ascii: "+") || base[i] == UInt8(ascii: "-") {
                expNegative = base[i] == UInt8(ascii: "-")
                i += 1
            }
            let expStart = i
            var e = 0
            while i < count {
                let d = base[i] &- 0x30
                if d >= 10 { break }
                if e < 100_000 { e = e * 10 + Int(d) }
                i += 1
            }
            if i == expStart { throw error("a number needs a digit in its exponent", at: start) }
            exponent += expNegative ? -e : e
        }
        if exact && mantissa <= (1 << 53) && exponent >= -22 && exponent <= 22 {
            var v = Double(mantissa)
            if exponent < 0 { v /= Self.powerOfTen(-exponent) } else { v *= Self.powerOfTen(exponent) }
            return negative ? -v : v
        }
        if mantissa == 0 && exact { return negative ? -0.0 : 0.0 }
        let text = String(decoding: UnsafeBufferPointer(start: base + start, count: i - start), as: UTF8.self)
        guard let v = Double(text), v.isFinite else {
            throw error("the number \(text) is too large", at: start)
        }
        return v
    }
}

extension JSONValue {
    /// Parses a complete JSON document (RFC 8259). The bytes must be UTF-8 (a BOM is skipped);
    /// strings come back in NFC. Errors name `source` and the line and column.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>, source: String) throws -> JSONValue {
        let start = try TextEncoding.checkUTF8(bytes, source: source)
        var scanner = JSONScanner(bytes, start: start, source: source)
        let v = try scanner.value()
        try scanner.expectEnd()
        return v
    }

    /// Parses a complete JSON document in raw memory (for example a memory-mapped file).
    public static func parse(_ raw: UnsafeRawBufferPointer, source: String) throws -> JSONValue {
        try parse(raw.bindMemory(to: UInt8.self), source: source)
    }

    /// Parses a complete JSON document held in `bytes`.
    public static func parse(bytes: [UInt8], source: String) throws -> JSONValue {
        try bytes.withUnsafeBufferPointer { try parse($0, source: source) }
    }

    /// Parses a JSON string (handy in tests and for small inline documents).
    public static func parse(_ text: String, source: String = "<string>") throws -> JSONValue {
        try parse(bytes: Array(text.utf8), source: source)
    }

    /// Reads and parses the JSON file at `path`.
    public static func parse(path: String) throws -> JSONValue {
        try parse(bytes: try InputFile.read(path), source: path)
    }
}
