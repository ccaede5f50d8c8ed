import XCTest
@testable import GeoIO

final class TextTests: XCTestCase {
    func testNFC() {
        let nfd = "Vie\u{0323}\u{0302}t Nam, Xa\u{0303} Vi\u{0303}nh Kim"
        XCTAssertEqual(nfc(nfd), "Việt Nam, Xã Vĩnh Kim")
        XCTAssertEqual(nfc(nfd).unicodeScalars.count, 21)
        XCTAssertEqual(nfc("ascii"), "ascii")
    }

    func testSearchKey() {
        XCTAssertEqual(searchKey("Xã  Vĩnh\tKim "), "xa vinh kim")
        XCTAssertTrue(searchKey("Xã Vĩnh Kim").contains(searchKey("vinh kim")))
        XCTAssertTrue(searchKey("Làng Kà Bưng").contains(searchKey("ka bung")))
        XCTAssertEqual(searchKey("Đồng Đà đường"), "dong da duong")
        XCTAssertEqual(searchKey("Xa\u{0303} VI\u{0303}NH KIM"), "xa vinh kim")   // NFD and capitals
        XCTAssertEqual(searchKey("Huyện Vân Canh"), "huyen van canh")
    }

    /// The first control character (C0, DEL, C1) and its position in scalars, whether the text
    /// holds none (found from its bytes) or one (Vietnamese, emoji and U+00A0 around it).
    func testFirstControlCharacter() {
        XCTAssertNil(firstControlCharacter("Làng O2, xã Vĩnh Kim 🗼 \u{A0}x"))
        XCTAssertNil(firstControlCharacter(""))
        XCTAssertNil(firstControlCharacter("Thôn\u{A0}Một ¡¢ ÿ \u{202E}"))   // U+00A0–U+00FF and overrides are not controls here
        let cases: [(String, UInt32, Int)] = [("\u{0}", 0, 0), ("Làng\tO2", 9, 4), ("Vĩnh\u{7F}", 0x7F, 4), ("xã\u{80}", 0x80, 2),
                                              ("🗼 Kim\u{9F}", 0x9F, 5), ("a\u{1B}]0;x\u{7}", 0x1B, 1), ("Ṽ\r\n", 0x0D, 1)]
        for (text, value, offset) in cases {
            let found = firstControlCharacter(text)
            XCTAssertEqual(found?.scalar.value, value, text.debugDescription)
            XCTAssertEqual(found?.offset, offset, text.debugDescription)
        }
    }

    func testTerminalSafeEscapesControlsAndOverrides() {
        XCTAssertEqual(terminalSafe("Xã\u{1B}]0;pwned\u{07} Kim\r\n\tx"),
                       "Xã\\u{1B}]0;pwned\\u{7} Kim\\r\\n\\tx")
        XCTAssertEqual(terminalSafe("a\u{202E}b\u{2066}c\u{85}d\u{7F}"),
                       "a\\u{202E}b\\u{2066}c\\u{85}d\\u{7F}")
        XCTAssertEqual(terminalSafe("một\nhai\n", keepNewlines: true), "một\nhai\n")
        XCTAssertEqual(terminalSafe("Làng O2"), "Làng O2")
        // The limit counts characters as written: an escape counts its own characters.
        XCTAssertEqual(terminalSafe("ĐĐĐĐĐĐ", limit: 4), "ĐĐĐĐ… (2 more characters)")
        XCTAssertEqual(terminalSafe("\u{1B}abc", limit: 6), "\\u{1B}… (3 more characters)")
    }

    func testTerminalSafeOfALongListIsTheListItself() {
        // 60,000 lines of names with escapes between them: the same text as joining each line
        // made safe on its own (and made in linear time: the whole list of a 100,000-village run
        // goes through it once).
        let lines = (0..<60_000).map { "  Thôn \($0)\u{1B}[2J  mobile uncovered (0.0 % covered)" }
        let safe = terminalSafe(lines.joined(separator: "\n"), limit: .max, keepNewlines: true)
        XCTAssertEqual(safe, lines.map { terminalSafe($0) }.joined(separator: "\n"))
        XCTAssertEqual(safe.split(separator: "\n").count, 60_000)
        XCTAssertFalse(safe.unicodeScalars.contains("\u{1B}"))
    }
}
