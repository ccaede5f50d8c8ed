import Coverage
import XCTest

/// The language from the locale: LC_ALL, then LC_MESSAGES, then LANG; Vietnamese when it starts with "vi".
final class LanguageFromLocaleTests: XCTestCase {
    func testTheFirstSetVariableDecides() {
        XCTAssertEqual(Language.fromEnvironment([:]), .en)
        XCTAssertEqual(Language.fromEnvironment(["LANG": "vi_VN.UTF-8"]), .vi)
        XCTAssertEqual(Language.fromEnvironment(["LANG": "vi"]), .vi)
        XCTAssertEqual(Language.fromEnvironment(["LANG": "en_US.UTF-8"]), .en)
        XCTAssertEqual(Language.fromEnvironment(["LANG": "C"]), .en)
        XCTAssertEqual(Language.fromEnvironment(["LANG": "VI_VN"]), .vi)
        XCTAssertEqual(Language.fromEnvironment(["LANG": "vi_VN.UTF-8", "LC_ALL": "C"]), .en)
        XCTAssertEqual(Language.fromEnvironment(["LANG": "en_GB.UTF-8", "LC_MESSAGES": "vi_VN"]), .vi)
        XCTAssertEqual(Language.fromEnvironment(["LANG": "vi_VN", "LC_MESSAGES": "en_US", "LC_ALL": ""]), .en)
        XCTAssertEqual(Language.fromEnvironment(["LANG": "vi_VN", "LC_ALL": ""]), .vi)
    }

    func testStatusWords() {
        XCTAssertEqual(MobileStatus.uncovered.words(.vi), "chưa phủ sóng")
        XCTAssertEqual(MobileStatus.partial.words(.en), "partial")
    }
}
