import Foundation

/// `s` in Unicode Normalization Form C (precomposed: "ễ" as one scalar), as every name is kept
/// internally. Vietnamese data often arrives decomposed (NFD) from macOS or from some GIS exports.
public func nfc(_ s: String) -> String {
    if isKnownNFC(s) { return s }
    return s.precomposedStringWithCanonicalMapping
}

/// True when every scalar is below U+0300 or in Latin Extended Additional (U+1E00–U+1EFF): such
/// text, which covers precomposed Vietnamese, is NFC as it stands (no combining marks, no
/// singletons), so Foundation's normaliser can be skipped. False means "maybe not".
public func isKnownNFC(_ s: String) -> Bool {
    var s = s
    return s.withUTF8 { u in
        var k = 0
        let n = u.count
        while k < n {
            let b = u[k]
            if b < 0x80 { k += 1 } else if b >= 0xC2 && b <= 0xCB { k += 2 } else if b == 0xE1 && k + 1 < n && u[k + 1] >= 0xB8 && u[k + 1] <= 0xBB {
                k += 3
            } else {
                return false
            }
        }
        return true
    }
}

/// A key for forgiving name matching: lowercased, diacritics removed, `đ`/`Đ` as `d`, runs of
/// whitespace collapsed to one space and trimmed. `searchKey("Xã  Vĩnh Kim") == "xa vinh kim"`, so
/// `searchKey(name).contains(searchKey(query))` finds "Xã Vĩnh Kim" from "vinh kim".
public func searchKey(_ s: String) -> String {
    var out = String.UnicodeScalarView()
    var pendingSpace = false
    for scalar in s.decomposedStringWithCanonicalMapping.lowercased().unicodeScalars {
        if scalar.properties.isWhitespace {
            pendingSpace = !out.isEmpty
            continue
        }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: continue
        default: break
        }
        if pendingSpace { out.append(" "); pendingSpace = false }
        switch scalar.value {
        case 0x0111, 0x0110: out.append("d")        // đ Đ do not decompose
        case 0x0131: out.append("i")                // dotless ı
        default: out.append(scalar)
        }
    }
    return String(out)
}

/// Text safe inside an XML attribute or element: markup characters escaped, characters XML 1.0
/// forbids (C0 controls other than tab and line breaks) replaced by U+FFFD.
public func xmlEscape(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count)
    for scalar in s.unicodeScalars {
        switch scalar {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&apos;"
        case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
        default:
            let v = scalar.value
            if v < 0x20 || v == 0xFFFE || v == 0xFFFF { out += "\u{FFFD}" } else { out.unicodeScalars.append(scalar) }
        }
    }
    return out
}
