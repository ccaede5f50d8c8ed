/// Text from data made safe to print on a terminal or into a log: every control character
/// (C0, DEL, C1: ESC sequences that retitle or clear a terminal, CR and LF that forge a line)
/// and every bidirectional override is written as an escape (`\n`, `\r`, `\t`, `\u{1B}`), and
/// text longer than `limit` characters is cut with "…" and the number of characters left out.
/// With `keepNewlines`, LF stays a line break (for multi-line output whose lines covgap made).
///
/// Every message, warning and table that covgap prints goes through this one function.
public func terminalSafe(_ s: String, limit: Int = 1000, keepNewlines: Bool = false) -> String {
    // Built as UTF-8 bytes: appending an escape to a `String.UnicodeScalarView` copies the whole
    // view each time, which made a 56,000-line list cost seconds.
    var out: [UInt8] = []
    out.reserveCapacity(s.utf8.count)
    var written = 0
    var left = 0
    for scalar in s.unicodeScalars {
        if written >= limit { left += 1; continue }
        let v = scalar.value
        let piece: String
        switch v {
        case 0x0A where keepNewlines: piece = "\n"
        case 0x0A: piece = "\\n"
        case 0x0D: piece = "\\r"
        case 0x09: piece = "\\t"
        case 0x00..<0x20, 0x7F..<0xA0, 0x202A...0x202E, 0x2066...0x2069, 0x2028, 0x2029:
            piece = "\\u{\(String(v, radix: 16, uppercase: true))}"
        default:
            UTF8.encode(scalar) { out.append($0) }
            written += 1
            continue
        }
        out.append(contentsOf: piece.utf8)
        written += piece.utf8.count      // escapes are ASCII: one scalar a byte
    }
    if left > 0 { out.append(contentsOf: "… (\(left) more characters)".utf8) }
    return String(decoding: out, as: UTF8.self)
}

/// The first control character of `s` (C0, DEL, C1) and its position, if any: names and ids
/// holding one are refused, so that no report carries one to a terminal or a spreadsheet.
public func firstControlCharacter(_ s: String) -> (scalar: Unicode.Scalar, offset: Int)? {
    // Most text holds none: its UTF-8 bytes say so (C0 and DEL are single bytes, C1 is C2 80–C2 9F).
    let clean = s.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
        var k = 0
        while k < bytes.count {
            let b = bytes[k]
            if b < 0x20 || b == 0x7F || (b == 0xC2 && k + 1 < bytes.count && bytes[k + 1] < 0xA0) { return false }
            k += 1
        }
        return true
    }
    if clean == true { return nil }
    for (k, scalar) in s.unicodeScalars.enumerated() {
        let v = scalar.value
        if v < 0x20 || (0x7F..<0xA0).contains(v) { return (scalar, k) }
    }
    return nil
}
