import Foundation
import XCTest

/// A priority-places file whose category column has another name: found by its Vietnamese name,
/// or named with --field category=…; a --field naming no column of it is refused.
final class PlaceFieldsTests: XCTestCase {
    static let bundled = CLI.root.appendingPathComponent("GeoData/binh-dinh")

    /// The bundled places with their `category` property renamed to `column`.
    func places(renamingCategoryTo column: String, in dir: URL) throws -> String {
        let data = try Data(contentsOf: Self.bundled.appendingPathComponent("places.geojson"))
        var json = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        json["features"] = (json["features"] as! [[String: Any]]).map { f in
            var f = f
            var p = f["properties"] as! [String: Any]
            p[column] = p.removeValue(forKey: "category")
            f["properties"] = p
            return f
        }
        let path = dir.appendingPathComponent("places-\(column).geojson").path
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path))
        return path
    }

    func categories(_ arguments: [String], in dir: URL) throws -> (status: Int32, categories: [String], stderr: String) {
        let out = dir.appendingPathComponent("out-\(arguments.count)-\(arguments.last!.count)")
        let b = Self.bundled.path
        let r = try CLI.run(["analyze", "--villages", "\(b)/villages.geojson", "--sites", "\(b)/sites.csv", "--fibre", "\(b)/fibre.geojson",
                             "--out", out.path, "--quiet", "--no-map", "--outputs", "json"] + arguments)
        guard r.status == 0 else { return (r.status, [], r.stderr) }
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("report.json"))) as! [String: Any]
        return (0, (json["priority_places"] as! [[String: Any]]).map { $0["category"] as! String }, r.stderr)
    }

    func testCategoryFoundByItsVietnameseNameOrByField() throws {
        let dir = try CLI.temporaryDirectory(self)
        let expected = try categories(["--places", Self.bundled.appendingPathComponent("places.geojson").path], in: dir)
        XCTAssertEqual(expected.status, 0, expected.stderr)
        XCTAssertEqual(expected.categories.count, 33)
        XCTAssertEqual(expected.categories.filter { $0 == "airport" }.count, 1)
        XCTAssertFalse(expected.categories.contains("other"))

        let vietnamese = try categories(["--places", try places(renamingCategoryTo: "Loại hình", in: dir)], in: dir)
        XCTAssertEqual(vietnamese.categories, expected.categories, vietnamese.stderr)

        let own = try places(renamingCategoryTo: "Nhom_DT", in: dir)
        let chosen = try categories(["--places", own, "--field", "category=Nhom_DT"], in: dir)
        XCTAssertEqual(chosen.categories, expected.categories, chosen.stderr)
        // Without --field the column is not known: every place is "other".
        let unnamed = try categories(["--places", own], in: dir)
        XCTAssertEqual(Set(unnamed.categories), ["other"], unnamed.stderr)
    }

    func testFieldNamingNoColumnOfThePlacesIsRefused() throws {
        let dir = try CLI.temporaryDirectory(self)
        let own = try places(renamingCategoryTo: "Nhom_DT", in: dir)
        let r = try categories(["--places", own, "--field", "category=Nhom"], in: dir)
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.hasPrefix("covgap: \(own) field category: --field category=Nhom names no column; the file has "), r.stderr)
        XCTAssertTrue(r.stderr.contains("Nhom_DT"), r.stderr)
    }
}
