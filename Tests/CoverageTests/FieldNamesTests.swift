import XCTest
@testable import Coverage
import GeoIO

final class FieldNamesTests: XCTestCase {
    func testVietnameseAndEnglishHeadersFindTheirFields() {
        let header = ["Mã trạm", "NHÀ MẠNG", "Vĩ độ", "kinh_do", "Công nghệ", "Góc phương vị", "Độ rộng búp sóng", "Bán kính (m)", "Ghi chú"]
        let r = FieldNames().renames(header, wanted: InputSet.siteFields)
        XCTAssertEqual(r, ["Mã trạm": "site_id", "NHÀ MẠNG": "operator", "Vĩ độ": "lat", "kinh_do": "lon", "Công nghệ": "tech",
                           "Góc phương vị": "azimuth", "Độ rộng búp sóng": "beamwidth", "Bán kính (m)": "radius_m"])
        let english = FieldNames().renames(["Site ID", "Operator", "Latitude", "Longitude", "Technology", "Azimuth", "Beamwidth", "Radius"],
                                           wanted: InputSet.siteFields)
        XCTAssertEqual(english.count, 8)
        XCTAssertEqual(english["Site ID"], "site_id")
        XCTAssertEqual(english["Radius"], "radius_m")
        // covgap's own names are left as they are.
        XCTAssertEqual(FieldNames().renames(["site_id", "operator", "lat", "lon", "tech"], wanted: InputSet.siteFields), [:])
    }

    func testChosenNamesWinAndTyposAreRefused() throws {
        let names = FieldNames(chosen: ["site_id": "MaTram", "lat": "Y_WGS84"])
        XCTAssertEqual(names.renames(["matram", "Y_WGS84", "Mã trạm"], wanted: InputSet.siteFields)["matram"], "site_id")
        XCTAssertEqual(names.renames(["matram", "Y_WGS84"], wanted: InputSet.siteFields)["Y_WGS84"], "lat")
        let table = CSVTable(source: "s.csv", header: ["Ma", "X"], rows: [])
        XCTAssertThrowsError(try names.applied(to: table, wanted: InputSet.siteFields)) { error in
            XCTAssertEqual("\(error)", "s.csv field lat, site_id: --field lat=Y_WGS84, site_id=MaTram names no column; the file has Ma, X")
        }
    }

    func testTechnologyNamesWithBands() {
        let cases: [(String, Tech, Double?)] = [
            ("GSM900", .g2, 900), ("GSM1800", .g2, 1800), ("DCS", .g2, 1800), ("WCDMA", .g3, nil), ("UMTS2100", .g3, 2100),
            ("4G LTE", .g4, nil), ("LTE1800", .g4, 1800), ("LTE-A", .g4, nil), ("L2600", .g4, 2600), ("U900", .g3, 900),
            ("5G NR", .g5, nil), ("NR3500", .g5, 3500), ("5G", .g5, nil), ("nr n78", .g5, nil), ("3g", .g3, nil),
        ]
        for (text, tech, band) in cases {
            XCTAssertEqual(TechName(text), TechName(tech: tech, frequencyMHz: band), text)
            XCTAssertEqual(Tech(parsing: text), tech, text)
        }
        for bad in ["4G NR", "LTE5G", "Wifi", "", "900", "G"] { XCTAssertNil(TechName(bad), bad) }
    }

    func testDecimalCommasOnlyWhenTheWholeFileUsesThem() throws {
        let vi = try CSVReader.read(bytes: Array("site_id;lat;lon\nA;13,7737;109,2343\nB;14;108,9\n".utf8), source: "vi.csv")
        let read = vi.withDecimalPoints(in: ["lat", "lon"])
        XCTAssertEqual(read.rows.map { [$0["lat"]!, $0["lon"]!] }, [["13.7737", "109.2343"], ["14", "108.9"]])
        // One point anywhere and nothing is changed: the comma then is not a decimal comma.
        let mixed = try CSVReader.read(bytes: Array("site_id;lat;lon\nA;13,7737;109.2343\n".utf8), source: "m.csv")
        XCTAssertEqual(mixed.withDecimalPoints(in: ["lat", "lon"]).rows[0]["lat"], "13,7737")
        let thousands = try CSVReader.read(bytes: Array("site_id;lat;lon\nA;1,377,37;109\n".utf8), source: "t.csv")
        XCTAssertEqual(thousands.withDecimalPoints(in: ["lat", "lon"]).rows[0]["lat"], "1,377,37")
    }

    func testCentreWrittenAsTextByFormatsWithoutArrays() {
        XCTAssertEqual(InputLoader.numberList("(2:108.900464,14.607314)"), [.number(108.900464), .number(14.607314)])
        XCTAssertEqual(InputLoader.numberList("[108.9, 14.6]"), [.number(108.9), .number(14.6)])
        XCTAssertNil(InputLoader.numberList("108.9; north"))
    }

    func testBandKeptOnTheSectorAndDefaultsCounted() throws {
        let table = try CSVReader.read(bytes: Array("""
        site_id,operator,lat,lon,tech,azimuth,beamwidth,radius_m,frequency_mhz
        A,Viettel,14.3,108.8,LTE1800,90,,,
        B,Viettel,14.3,108.8,4G,,,2000,2600
        C,Viettel,14.3,108.8,NR3500,10,65,,700

        """.utf8), source: "s.csv")
        var loader = InputLoader()
        let sectors = try loader.sectors(table)
        XCTAssertEqual(sectors.map(\.frequencyMHz), [1800, 2600, 700])
        XCTAssertEqual(sectors.map(\.beamwidth), [120, 360, 65])
        XCTAssertEqual(loader.warnings, [
            "s.csv: 2 of 3 sectors have no radius_m; each took its technology's radius (--radius-2g … --radius-5g)",
            "s.csv: 1 of 3 sectors has an azimuth and no beamwidth; each took 120°",
        ])
    }
}
