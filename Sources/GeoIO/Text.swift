import Foundation

/// `s` in Unicode Normalization Form C (precomposed: "ễ" as one scalar), as every name is kept
/// internally. Vietnamese data often arrives decomposed (NFD) from macOS or from some GIS exports.
public func nfc(_ s: String) -> String {
    // ASCII is already NFC; skipping Foundation here keeps big files fast.
    if s.utf8.allSatisfy({ $0 < 0x80 }) { return s }
    return s.precomposedStringWithCanonicalMapping
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
