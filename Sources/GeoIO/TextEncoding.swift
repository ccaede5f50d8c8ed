#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An 8-bit encoding that Vietnamese files still arrive in, named in the error that refuses them.
public enum LegacyEncoding: String, Sendable, CaseIterable {
    /// TCVN 5712:1993 VN3 ("ABC", the .Vn fonts): one byte 0xA1–0xFE per precomposed lowercase letter.
    case tcvn3 = "TCVN3"
    /// VNI-Windows (the VNI- fonts): an ASCII base letter followed by Windows-1252 bytes as marks.
    case vni = "VNI"
    /// Windows-1252 / ISO 8859-1 (Western European), what Excel writes on a Western Windows.
    case windows1252 = "Windows-1252"
}

/// The check both readers run before parsing: the bytes must be UTF-8 (a UTF-8 BOM is allowed and
/// skipped). Anything else is refused with an error that names the encoding it looks like.
public enum TextEncoding {
    /// Returns how many bytes to skip (3 after a UTF-8 BOM, else 0) or throws an `InputError`
    /// naming `source`, e.g. "sites.csv line 2, column 5: the file is not UTF-8 (it looks like
    /// TCVN3); convert it to UTF-8".
    public static func checkUTF8(_ bytes: UnsafeBufferPointer<UInt8>, source: String) throws -> Int {
        let n = bytes.count
        if n >= 4, (bytes[0] == 0xFF && bytes[1] == 0xFE && bytes[2] == 0 && bytes[3] == 0)
            || (bytes[0] == 0 && bytes[1] == 0 && bytes[2] == 0xFE && bytes[3] == 0xFF) {
            throw InputError(file: source, message: "the file is UTF-32; save it as UTF-8")
        }
        if n >= 2, (bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF) {
            throw InputError(file: source, message: "the file is UTF-16; save it as UTF-8")
        }
        if looksLikeUTF16WithoutBOM(bytes) {
            throw InputError(file: source, message: "the file is UTF-16; save it as UTF-8")
        }
        // No text format here holds NUL; a file with one is binary (or UTF-16 that the test above missed).
        if let base = bytes.baseAddress, let nul = memchr(base, 0, n) {
            let offset = UnsafeRawPointer(nul) - UnsafeRawPointer(base)
            let (line, column) = lineAndColumn(bytes, offset: offset)
            throw InputError(file: source, location: "line \(line), column \(column)",
                             message: "the file holds a NUL byte: it is binary data, not UTF-8 text")
        }
        let start = (n >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF) ? 3 : 0
        if let bad = firstInvalidUTF8(bytes, from: start) {
            let (line, column) = lineAndColumn(bytes, offset: bad)
            let how: String
            switch guessLegacyEncoding(bytes) {
            case .some(let e): how = "the file is not UTF-8 (it looks like \(e.rawValue)); convert it to UTF-8"
            case .none:
                how = "the file is not UTF-8 (byte 0x" + String(bytes[bad], radix: 16, uppercase: true)
                    + " is not valid here); convert it to UTF-8"
            }
            throw InputError(file: source, location: "line \(line), column \(column)", message: how)
        }
        return start
    }

    /// `checkUTF8` for an array.
    public static func checkUTF8(_ bytes: [UInt8], source: String) throws -> Int {
        try bytes.withUnsafeBufferPointer { try checkUTF8($0, source: source) }
    }

    /// The offset of the first byte that breaks UTF-8 (overlongs, surrogates and values above
    /// U+10FFFF included), or nil when all of `bytes[from...]` is valid.
    public static func firstInvalidUTF8(_ bytes: UnsafeBufferPointer<UInt8>, from: Int = 0) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        let n = bytes.count
        var i = from
        while i < n {
            // Eight ASCII bytes at a time: the common case for GeoJSON and CSV.
            while i + 8 <= n {
                let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                if word & 0x8080_8080_8080_8080 != 0 { break }
                i += 8
            }
            if i >= n { break }
            let b = base[i]
            if b < 0x80 { i += 1; continue }
            func cont(_ k: Int) -> Bool { i + k < n && base[i + k] & 0xC0 == 0x80 }
            switch b {
            case 0xC2...0xDF:
                guard cont(1) else { return i }
                i += 2
            case 0xE0...0xEF:
                guard cont(1), cont(2) else { return i }
                let b1 = base[i + 1]
                if b == 0xE0 && b1 < 0xA0 { return i }       // overlong
                if b == 0xED && b1 > 0x9F { return i }       // UTF-16 surrogate
                i += 3
            case 0xF0...0xF4:
                guard cont(1), cont(2), cont(3) else { return i }
                let b1 = base[i + 1]
                if b == 0xF0 && b1 < 0x90 { return i }
                if b == 0xF4 && b1 > 0x8F { return i }
                i += 4
            default:
                return i
            }
        }
        return nil
    }

    /// 1-based line and column (in characters, counting each UTF-8 sequence or stray byte as one)
    /// of `offset`. Only used to report errors, so it rescans from the start.
    static func lineAndColumn(_ bytes: UnsafeBufferPointer<UInt8>, offset: Int) -> (Int, Int) {
        var line = 1
        var lineStart = 0
        let end = min(offset, bytes.count)
        var i = 0
        while i < end {
            if bytes[i] == 0x0A { line += 1; lineStart = i + 1 }
            i += 1
        }
        var column = 1
        i = lineStart
        while i < end {
            if bytes[i] & 0xC0 != 0x80 || bytes[i] < 0x80 { column += 1 }
            i += 1
        }
        return (line, column)
    }

    /// UTF-16 without a BOM: ASCII-range text then has a NUL in every other byte.
    static func looksLikeUTF16WithoutBOM(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = min(bytes.count, 4096) & ~1
        guard n >= 2 else { return false }
        var evenZeros = 0, oddZeros = 0
        var i = 0
        while i < n {
            if bytes[i] == 0 { evenZeros += 1 }
            if bytes[i + 1] == 0 { oddZeros += 1 }
            i += 2
        }
        let pairs = n / 2
        return (oddZeros * 10 >= pairs * 3 && evenZeros * 10 < pairs)
            || (evenZeros * 10 >= pairs * 3 && oddZeros * 10 < pairs)
    }

    // MARK: Guessing the legacy encoding

    /// The legacy encoding that `bytes` (known not to be UTF-8) most plausibly are in: the
    /// Vietnamese candidate under which most words containing high bytes decode to well-formed
    /// Vietnamese syllables, else Windows-1252 when the high bytes look like Latin letters.
    public static func guessLegacyEncoding(_ bytes: UnsafeBufferPointer<UInt8>) -> LegacyEncoding? {
        var tcvnValid = 0, vniValid = 0, words = 0
        var latinLetters = 0, highBytes = 0
        var i = 0
        let n = bytes.count
        let limit = 1 << 20   // a megabyte of words is plenty to tell
        while i < n && i < limit && words < 2000 {
            guard isWordByte(bytes[i]) else { i += 1; continue }
            let start = i
            var hasHigh = false
            while i < n, isWordByte(bytes[i]) {
                if bytes[i] >= 0x80 {
                    hasHigh = true
                    highBytes += 1
                    if bytes[i] >= 0xC0 && bytes[i] != 0xD7 && bytes[i] != 0xF7 { latinLetters += 1 }
                }
                i += 1
            }
            guard hasHigh else { continue }
            let word = Array(bytes[start..<i])
            words += 1
            if let w = decodeTCVN3(word), isPlausibleVietnameseSyllable(w) { tcvnValid += 1 }
            if let w = decodeVNI(word), isPlausibleVietnameseSyllable(w) { vniValid += 1 }
        }
        guard words > 0 else { return nil }
        // Real Vietnamese text decodes to syllables almost word for word; Latin-1 text only by chance.
        let best = max(tcvnValid, vniValid)
        if best * 3 >= words * 2 {
            return vniValid > tcvnValid ? .vni : .tcvn3
        }
        if highBytes > 0 && latinLetters * 2 >= highBytes { return .windows1252 }
        return nil
    }

    /// `guessLegacyEncoding` for an array.
    public static func guessLegacyEncoding(_ bytes: [UInt8]) -> LegacyEncoding? {
        bytes.withUnsafeBufferPointer { guessLegacyEncoding($0) }
    }

    private static func isWordByte(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b >= 0x80
    }

    /// TCVN3 bytes, in the order of `tcvn3Letters`.
    private static let tcvn3Bytes: [UInt8] =
        Array(0xA8...0xAE) + Array(0xB5...0xB9) + [0xBB, 0xBC, 0xBD, 0xBE, 0xC6] + Array(0xC7...0xCB)
        + [0xCC, 0xCE, 0xCF, 0xD0, 0xD1] + Array(0xD2...0xD6) + [0xD7, 0xD8, 0xDC, 0xDD, 0xDE]
        + [0xDF, 0xE1, 0xE2, 0xE3, 0xE4] + Array(0xE5...0xE9) + Array(0xEA...0xEE)
        + [0xEF, 0xF1, 0xF2, 0xF3, 0xF4] + Array(0xF5...0xF9) + Array(0xFA...0xFE) + Array(0xA1...0xA7)
    private static let tcvn3Letters = Array(
        "ăâêôơưđàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵĂÂÊÔƠƯĐ".unicodeScalars)
    private static let tcvn3Table: [UInt8: Unicode.Scalar] = {
        var t: [UInt8: Unicode.Scalar] = [:]
        for (b, s) in zip(tcvn3Bytes, tcvn3Letters) { t[b] = s }
        return t
    }()

    /// VNI-Windows: bytes standing for whole letters.
    private static let vniLetters: [UInt8: Unicode.Scalar] = {
        var t: [UInt8: Unicode.Scalar] = [:]
        for (b, s) in zip([0xF1, 0xEC, 0xED, 0xE6, 0xF3, 0xF2, 0xF4, 0xF6, 0xEE,
                           0xD1, 0xCC, 0xCD, 0xC6, 0xD3, 0xD2, 0xD4, 0xD6, 0xCE] as [UInt8],
                          "đìíỉĩịơưỵĐÌÍỈĨỊƠƯỴ".unicodeScalars) { t[b] = s }
        return t
    }()

    /// VNI-Windows: bytes standing for marks on the preceding vowel (shape mark, then tone mark).
    private static let vniMarks: [UInt8: [UInt32]] = {
        let grave: UInt32 = 0x300, acute: UInt32 = 0x301, hook: UInt32 = 0x309, tilde: UInt32 = 0x303
        let dot: UInt32 = 0x323, circ: UInt32 = 0x302, breve: UInt32 = 0x306
        let lower: [(UInt8, [UInt32])] = [
            (0xF8, [grave]), (0xF9, [acute]), (0xFB, [hook]), (0xF5, [tilde]), (0xEF, [dot]),
            (0xE2, [circ]), (0xE0, [circ, grave]), (0xE1, [circ, acute]), (0xE5, [circ, hook]),
            (0xE3, [circ, tilde]), (0xE4, [circ, dot]),
            (0xEA, [breve]), (0xE8, [breve, grave]), (0xE9, [breve, acute]), (0xFA, [breve, hook]),
            (0xFC, [breve, tilde]), (0xEB, [breve, dot]),
        ]
        let upperBytes: [UInt8] = [0xD8, 0xD9, 0xDB, 0xD5, 0xCF, 0xC2, 0xC0, 0xC1, 0xC5, 0xC3, 0xC4,
                                   0xCA, 0xC8, 0xC9, 0xDA, 0xDC, 0xCB]
        var t: [UInt8: [UInt32]] = [:]
        for (i, (b, m)) in lower.enumerated() { t[b] = m; t[upperBytes[i]] = m }
        return t
    }()

    /// The word as Unicode scalars, or nil when a byte has no meaning in TCVN3.
    static func decodeTCVN3(_ word: [UInt8]) -> [Unicode.Scalar]? {
        var out: [Unicode.Scalar] = []
        for b in word {
            if b < 0x80 { out.append(Unicode.Scalar(b)) } else if let s = tcvn3Table[b] { out.append(s) } else { return nil }
        }
        return out
    }

    /// The word as Unicode scalars (decomposed), or nil when a byte has no meaning in VNI or a
    /// mark follows something other than a vowel.
    static func decodeVNI(_ word: [UInt8]) -> [Unicode.Scalar]? {
        var out: [Unicode.Scalar] = []
        for b in word {
            if b < 0x80 { out.append(Unicode.Scalar(b)); continue }
            if let s = vniLetters[b] { out.append(s); continue }
            guard let marks = vniMarks[b], let last = out.last,
                  "aeiouyAEIOUYơưƠƯ".unicodeScalars.contains(last) else { return nil }
            out.append(contentsOf: marks.map { Unicode.Scalar($0)! })
        }
        return out
    }

    private static let vowels = Set("aăâeêioôơuưy".unicodeScalars)
    private static let initials: Set<String> = [
        "", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh", "nh",
        "p", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x",
    ]
    private static let finals: Set<String> = ["", "c", "ch", "m", "n", "ng", "nh", "p", "t"]
    /// Vowel nuclei that may take a final consonant.
    private static let closableNuclei: Set<String> = [
        "a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "iê", "oa", "oă", "oe", "oo", "uâ",
        "uê", "uô", "uơ", "uy", "ươ", "yê", "uyê",
    ]
    /// Vowel nuclei ending in a glide, which take no final consonant.
    private static let openNuclei: Set<String> = [
        "ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iu", "oi", "ôi", "ơi", "ua", "ui", "ưa",
        "ưi", "ưu", "iêu", "yêu", "oai", "oao", "oay", "oeo", "uây", "uôi", "ươi", "ươu", "uya", "uyu",
    ]

    /// Whether `word` is shaped like one Vietnamese syllable: known initial, vowel nucleus and
    /// final, at most one tone mark, and only sắc or nặng before a stop (p, t, c, ch).
    static func isPlausibleVietnameseSyllable(_ word: [Unicode.Scalar]) -> Bool {
        var s = String.UnicodeScalarView()
        s.append(contentsOf: word)
        let decomposed = String(s).lowercased().decomposedStringWithCanonicalMapping
        var letters: [Unicode.Scalar] = []
        var tone: UInt32 = 0
        for u in decomposed.unicodeScalars {
            switch u.value {
            case 0x300, 0x301, 0x309, 0x303, 0x323:
                if tone != 0 { return false }
                tone = u.value
            case 0x302, 0x306, 0x31B:
                guard let base = letters.popLast() else { return false }
                let combined: Character
                switch (base, u.value) {
                case ("a", 0x302): combined = "â"
                case ("a", 0x306): combined = "ă"
                case ("e", 0x302): combined = "ê"
                case ("o", 0x302): combined = "ô"
                case ("o", 0x31B): combined = "ơ"
                case ("u", 0x31B): combined = "ư"
                default: return false
                }
                letters.append(combined.unicodeScalars.first!)
            default:
                guard (u.value >= 0x61 && u.value <= 0x7A) || u.value == 0x111 else { return false }
                letters.append(u)
            }
        }
        guard let firstVowel = letters.firstIndex(where: { vowels.contains($0) }) else { return false }
        var vowelEnd = firstVowel
        while vowelEnd < letters.count, vowels.contains(letters[vowelEnd]) { vowelEnd += 1 }
        var initial = String(String.UnicodeScalarView(letters[..<firstVowel]))
        var nucleus = String(String.UnicodeScalarView(letters[firstVowel..<vowelEnd]))
        let final = String(String.UnicodeScalarView(letters[vowelEnd...]))
        if final.unicodeScalars.contains(where: { vowels.contains($0) }) { return false }
        if initial == "q" && nucleus.hasPrefix("u") && nucleus.count > 1 {
            initial = "qu"; nucleus.removeFirst()
        } else if initial == "g" && nucleus.hasPrefix("i") && nucleus.count > 1 {
            initial = "gi"; nucleus.removeFirst()
        }
        guard initials.contains(initial), finals.contains(final) else { return false }
        if final.isEmpty {
            guard closableNuclei.contains(nucleus) || openNuclei.contains(nucleus) else { return false }
        } else {
            guard closableNuclei.contains(nucleus) else { return false }
            let last = nucleus.unicodeScalars.last!
            if final == "nh" || final == "ch" {
                guard "aêiy".unicodeScalars.contains(last) else { return false }
            }
            if final == "ng" || final == "c" {
                if "iy".unicodeScalars.contains(last) { return false }
                if last == "ê" && !["iê", "yê", "uyê"].contains(nucleus) { return false }
            }
            if ["p", "t", "c", "ch"].contains(final) && !(tone == 0x301 || tone == 0x323) { return false }
        }
        return true
    }
}
