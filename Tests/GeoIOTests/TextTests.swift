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
}
