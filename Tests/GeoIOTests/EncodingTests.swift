import XCTest
@testable import GeoIO

final class EncodingTests: XCTestCase {
    // "Vĩnh Kim" in each encoding: TCVN3 has ĩ as one byte 0xDC; VNI writes ĩ as 0xF3 ('ó').
    static let vinhKimTCVN3: [UInt8] = [0x56, 0xDC, 0x6E, 0x68, 0x20, 0x4B, 0x69, 0x6D]
    static let vinhKimVNI: [UInt8] = [0x56, 0xF3, 0x6E, 0x68, 0x20, 0x4B, 0x69, 0x6D]
    // "Làng Kà Bưng, xã Canh Liên, huyện Vân Canh" in TCVN3 (as iconv -t TCVN5712-1 writes it).
    static let kaBungTCVN3: [UInt8] = [
        0x4C, 0xB5, 0x6E, 0x67, 0x20, 0x4B, 0xB5, 0x20, 0x42, 0xAD, 0x6E, 0x67, 0x2C, 0x20, 0x78, 0xB7,
        0x20, 0x43, 0x61, 0x6E, 0x68, 0x20, 0x4C, 0x69, 0xAA, 0x6E, 0x2C, 0x20, 0x68, 0x75, 0x79, 0xD6,
        0x6E, 0x20, 0x56, 0xA9, 0x6E, 0x20, 0x43, 0x61, 0x6E, 0x68,
    ]
    // "Xã Vĩnh Kim, huyện Vĩnh Thạnh" in VNI-Windows: "Xaõ Vónh Kim, huyeän Vónh Thaïnh".
    static let vinhThanhVNI: [UInt8] = Array("Xa".utf8) + [0xF5] + Array(" V".utf8) + [0xF3] + Array("nh Kim, huye".utf8)
        + [0xE4] + Array("n V".utf8) + [0xF3] + Array("nh Tha".utf8) + [0xEF] + Array("nh".utf8)

    private func csvError(_ bytes: [UInt8]) -> String? {
        do { _ = try CSVReader.read(bytes: bytes, source: "villages.csv"); return nil } catch { return "\(error)" }
    }

    private func geojsonError(_ bytes: [UInt8]) -> String? {
        do { _ = try GeoJSONReader.read(bytes: bytes, source: "villages.geojson"); return nil } catch { return "\(error)" }
    }

    func testTCVN3IsNamed() {
        XCTAssertEqual(TextEncoding.guessLegacyEncoding(Self.vinhKimTCVN3), .tcvn3)
        XCTAssertEqual(TextEncoding.guessLegacyEncoding(Self.kaBungTCVN3), .tcvn3)
        XCTAssertEqual(csvError(Array("id,name\n1,".utf8) + Self.kaBungTCVN3 + [0x0A]),
                       "villages.csv line 2, column 4: the file is not UTF-8 (it looks like TCVN3); convert it to UTF-8")
        let json = Array(#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":""#.utf8)
            + Self.vinhKimTCVN3 + Array(#""},"geometry":null}]}"#.utf8)
        XCTAssertEqual(geojsonError(json),
                       "villages.geojson line 1, column 82: the file is not UTF-8 (it looks like TCVN3); convert it to UTF-8")
    }

    func testVNIIsNamed() {
        XCTAssertEqual(TextEncoding.guessLegacyEncoding(Self.vinhKimVNI), .vni)
        XCTAssertEqual(TextEncoding.guessLegacyEncoding(Self.vinhThanhVNI), .vni)
        XCTAssertEqual(csvError(Array("name\n".utf8) + Self.vinhThanhVNI + [0x0A]),
                       "villages.csv line 2, column 3: the file is not UTF-8 (it looks like VNI); convert it to UTF-8")
    }

    func testWindows1252IsNamed() {
        // "Café São Paulo" in Windows-1252.
        let bytes: [UInt8] = Array("name\nCaf".utf8) + [0xE9] + Array(" S".utf8) + [0xE3] + Array("o Paulo\n".utf8)
        XCTAssertEqual(TextEncoding.guessLegacyEncoding(bytes), .windows1252)
        XCTAssertEqual(csvError(bytes), "villages.csv line 2, column 4: the file is not UTF-8 (it looks like Windows-1252); convert it to UTF-8")
    }

    func testUTF16IsRefused() {
        let text = "name\nVĩnh Kim\n"
        let le = Array(text.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let be = Array(text.utf16).flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        let message = "villages.csv: the file is UTF-16; save it as UTF-8"
        XCTAssertEqual(csvError([0xFF, 0xFE] + le), message)
        XCTAssertEqual(csvError([0xFE, 0xFF] + be), message)
        XCTAssertEqual(csvError(le), message)
        XCTAssertEqual(csvError(be), message)
        XCTAssertEqual(geojsonError([0xFF, 0xFE] + Array("{}".utf16).flatMap { [UInt8($0), 0] }),
                       "villages.geojson: the file is UTF-16; save it as UTF-8")
    }

    func testValidUTF8Passes() throws {
        XCTAssertEqual(try TextEncoding.checkUTF8(Array("Xã Vĩnh Kim 😀".utf8), source: "x"), 0)
        XCTAssertEqual(try TextEncoding.checkUTF8([0xEF, 0xBB, 0xBF, 0x41], source: "x"), 3)
        XCTAssertEqual(try TextEncoding.checkUTF8([], source: "x"), 0)
    }

    func testInvalidUTF8IsFound() {
        func bad(_ b: [UInt8]) -> Int? { b.withUnsafeBufferPointer { TextEncoding.firstInvalidUTF8($0) } }
        XCTAssertNil(bad(Array("abcdefghijklmnopqrstuvwxyzễ".utf8)))
        XCTAssertEqual(bad([0x41, 0xC0, 0x80]), 1)                 // overlong
        XCTAssertEqual(bad([0x41, 0x42, 0xED, 0xA0, 0x80]), 2)     // surrogate
        XCTAssertEqual(bad([0xF4, 0x90, 0x80, 0x80]), 0)           // above U+10FFFF
        XCTAssertEqual(bad(Array("0123456789".utf8) + [0xE1, 0xBB]), 10)   // truncated at the end
        XCTAssertEqual(bad([0x80]), 0)
    }

    func testSyllableCheck() {
        func ok(_ s: String) -> Bool { TextEncoding.isPlausibleVietnameseSyllable(Array(s.unicodeScalars)) }
        for s in ["Vĩnh", "Kà", "Bưng", "huyện", "Thạnh", "quốc", "giữa", "nghiêng", "khuya", "Đồng", "oanh", "tuyết"] {
            XCTAssertTrue(ok(s), s)
        }
        for s in ["Vúnh", "Xaừ", "huyeọn", "Thaùnh", "hoàt", "Cafộ", "băo"] {
            XCTAssertFalse(ok(s), s)
        }
    }
}
