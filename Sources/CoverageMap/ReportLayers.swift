import Coverage
import CoverageReport
import Foundation
import Geo
import GeoIO

/// The report as layers GIS tools open already styled: report.gpkg for QGIS (villages, gaps,
/// fibre extensions, priority places, proposed sites, with QGIS styles in `layer_styles`) and
/// report.kmz for Google Earth (a folder per district, villages filled by status, a description
/// table in Vietnamese and English on each placemark). Colours are report.geojson's (`Report.style`).
public enum ReportLayers {
    /// Keys of report.geojson's features that style them for geojson.io, not data.
    static let styleKeys: Set<String> = ["kind", "fill", "fill-opacity", "stroke", "stroke-width", "marker-color", "marker-symbol"]
    /// Fields that count things, written as integers.
    static let integerKeys: Set<String> = ["households", "villages", "population"]

    /// report.gpkg's bytes. `plan` is `PlanReport.geojsonFeatures()` when a plan was made.
    public static func geopackage(report: Report, features: [(properties: JSONObject, geometry: Shape?)],
                                  plan: [(properties: JSONObject, geometry: Shape?)]?) throws -> [UInt8] {
        func kind(_ k: String, in list: [(properties: JSONObject, geometry: Shape?)]) -> [(properties: JSONObject, geometry: Shape?)] {
            list.filter { $0.properties["kind"]?.stringValue == k }
        }
        let villages = kind("village", in: features).map { f -> (properties: JSONObject, geometry: Shape?) in
            var p = f.properties
            if let m = p["mobile"]?.doubleValue { p.append("mobile_pct", .number((m * 10_000).rounded() / 100)) }
            if let a = p["area_m2"]?.doubleValue { p.append("area_ha", .number((a / 10_000 * 10_000).rounded() / 10_000)) }
            return (p, f.geometry)
        }
        let places = zip(report.input.places ?? [], report.result.places).map { p, c -> (properties: JSONObject, geometry: Shape?) in
            (["id": .string(p.id), "name": .string(p.name), "category": .string(p.category), "has_5g": .number(c.has5G ? 1 : 0),
              "coverage_5g": c.coverage5G.map { .number(round6($0)) } ?? .null], p.shape)
        }
        let layers = [
            layer("villages", villages, defaults: [("id", .text), ("name", .text), ("status", .text)]),
            layer("gaps", kind("mobile_gap", in: features), defaults: [("village_id", .text), ("name", .text), ("area_m2", .real)]),
            layer("fibre_extensions", kind("fibre_extension", in: features), defaults: [("village_id", .text), ("name", .text), ("length_m", .real)]),
            layer("priority_places", places, defaults: [("id", .text), ("name", .text), ("category", .text), ("has_5g", .integer)]),
            layer("proposed_sites", kind("proposed_site", in: plan ?? []), defaults: [("site_id", .text), ("operator", .text), ("tech", .text)]),
        ]
        let styles = VectorLayerOutput(name: "layer_styles", fields: [
            ("f_table_catalog", .text), ("f_table_schema", .text), ("f_table_name", .text), ("f_geometry_column", .text),
            ("styleName", .text), ("styleQML", .text), ("styleSLD", .text), ("useAsDefault", .integer), ("description", .text),
            ("owner", .text), ("ui", .text), ("update_time", .text),
        ], features: [
            style("villages", QML.categories("status", [MobileStatus.covered, .partial, .uncovered].map { ($0.rawValue, Report.style($0)) }, kind: .fill)),
            style("gaps", QML.single(Report.style(.uncovered), kind: .fill)),
            style("fibre_extensions", QML.single("#7b3294", kind: .line)),
            style("priority_places", QML.categories("has_5g", [("1", "#2b83ba"), ("0", "#d7191c")], kind: .marker)),
            style("proposed_sites", QML.single("#1a9641", kind: .marker)),
        ].map { (values: $0, geometry: nil, style: nil) })
        return try VectorWriter.encode(driver: "GPKG", fileName: "report.gpkg", layers: layers + [styles])
    }

    /// One row of `layer_styles`: the layer's default style.
    static func style(_ table: String, _ qml: String) -> [VectorValue] {
        [.text(""), .text(""), .text(table), .text("geom"), .text("covgap"), .text(qml), .text(""), .integer(1),
         .text("covgap: coloured as report.geojson and report.kmz"), .text(""), .null, .text("1970-01-01T00:00:00Z")]
    }

    /// A layer of typed fields from report.geojson-style properties: a field is an integer when it
    /// counts, a real when every value is a number, text otherwise.
    static func layer(_ name: String, _ features: [(properties: JSONObject, geometry: Shape?)],
                      defaults: [(String, VectorLayerOutput.FieldType)]) -> VectorLayerOutput {
        var names: [String] = []
        var numeric: [String: Bool] = [:]
        for f in features {
            for m in f.properties where !styleKeys.contains(m.key) {
                if numeric[m.key] == nil { names.append(m.key); numeric[m.key] = true }
                switch m.value {
                case .number, .null: break
                default: numeric[m.key] = false
                }
            }
        }
        let fields: [(name: String, type: VectorLayerOutput.FieldType)] = names.isEmpty ? defaults.map { ($0.0, $0.1) } : names.map { n in
            (n, numeric[n]! ? (integerKeys.contains(n) ? .integer : .real) : .text)
        }
        return VectorLayerOutput(name: name, fields: fields, features: features.map { f in
            (values: fields.map { field -> VectorValue in
                switch f.properties[field.name] {
                case .number(let d)?: return field.type == .integer ? .integer(Int64(d.rounded())) : field.type == .real ? .real(d) : .text(jsonNumberText(d))
                case .string(let s)?: return .text(s)
                case .bool(let b)?: return field.type == .text ? .text(b ? "true" : "false") : .integer(b ? 1 : 0)
                default: return .null
                }
            }, geometry: f.geometry, style: nil)
        })
    }

    /// report.kmz's bytes: a folder per district (villages without one in "—"), each village a
    /// polygon filled by its mobile status, its description a table in Vietnamese and English.
    public static func kmz(report: Report) throws -> [UInt8] {
        let villages = report.input.villages, results = report.result.villages
        var byDistrict: [String: [Int]] = [:]
        for (i, v) in villages.enumerated() { byDistrict[v.district ?? "—", default: []].append(i) }
        let layers = byDistrict.keys.sorted().map { district -> VectorLayerOutput in
            VectorLayerOutput(name: district, fields: [("Name", .text), ("description", .text), ("id", .text), ("mobile_status", .text)],
                              features: byDistrict[district]!.map { i in
                let v = villages[i], r = results[i]
                let fill = Report.style(r.mobileStatus)
                return (values: [.text(v.name), .text(description(v, r)), .text(v.id), .text(r.mobileStatus.rawValue)],
                        geometry: r.repairedShape ?? v.shape,
                        style: "BRUSH(fc:\(fill)B3);PEN(c:#555555FF,w:1px)")
            })
        }
        return try VectorWriter.kmz(layers: layers)
    }

    static let statusNames: [MobileStatus: String] = [.covered: "đã phủ sóng / covered", .partial: "phủ sóng một phần / partial",
                                                      .uncovered: "chưa phủ sóng / uncovered"]

    /// The placemark's table, Vietnamese first and English after each label.
    static func description(_ v: Village, _ r: VillageCoverage) -> String {
        // A shortfall never reads as 100 % (99.96 % is written so), a trace never as 0 %.
        func pct(_ f: Double) -> String { CoverageReport.pct(f * 100) }
        var rows: [(String, String)] = [
            ("Thôn / Village", v.name), ("Mã / ID", v.id), ("Xã / Commune", v.commune ?? ""), ("Huyện / District", v.district ?? ""),
            ("Số hộ / Households", v.households.map(jsonNumberText) ?? ""),
            ("Diện tích / Area", fixed(r.areaM2 / 10_000, 1) + " ha"),
            ("Trạng thái di động / Mobile status", statusNames[r.mobileStatus]!),
            ("Phủ sóng di động / Mobile coverage", pct(r.fraction(.mobile))),
            ("Băng rộng 3G+ / Broadband 3G+", pct(r.fraction(.broadband))),
            ("Phủ sóng 5G / 5G coverage", pct(r.fraction(.g5))),
        ]
        if let f = r.fixed {
            rows.append(("Băng rộng cố định / Fixed broadband",
                         (f.status == .available ? "có / available" : "chưa có / unavailable") + " (cáp quang / fibre \(fixed(f.distanceM, 0)) m)"))
        }
        return "<table>" + rows.map { "<tr><th align=\"left\">\(xmlEscape($0.0))</th><td>\(xmlEscape($0.1))</td></tr>" }.joined() + "</table>"
    }
}

/// QGIS layer styles (QML): a single symbol, or categories of one field, for fills, lines and markers.
enum QML {
    enum Kind { case fill, line, marker }

    static func rgba(_ hex: String, alpha: Int = 255) -> String {
        let v = Int(hex.dropFirst(), radix: 16) ?? 0
        return "\((v >> 16) & 255),\((v >> 8) & 255),\(v & 255),\(alpha)"
    }

    static func symbol(_ name: String, _ colour: String, kind: Kind) -> String {
        switch kind {
        case .fill:
            return """
            <symbol type="fill" name="\(name)" alpha="0.7" clip_to_extent="1" force_rhr="0"><layer class="SimpleFill" enabled="1" pass="0" locked="0"><Option type="Map">\
            <Option name="color" type="QString" value="\(rgba(colour))"/><Option name="outline_color" type="QString" value="85,85,85,255"/>\
            <Option name="outline_width" type="QString" value="0.2"/><Option name="style" type="QString" value="solid"/></Option></layer></symbol>
            """
        case .line:
            return """
            <symbol type="line" name="\(name)" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleLine" enabled="1" pass="0" locked="0"><Option type="Map">\
            <Option name="line_color" type="QString" value="\(rgba(colour))"/><Option name="line_width" type="QString" value="0.6"/></Option></layer></symbol>
            """
        case .marker:
            return """
            <symbol type="marker" name="\(name)" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleMarker" enabled="1" pass="0" locked="0"><Option type="Map">\
            <Option name="color" type="QString" value="\(rgba(colour))"/><Option name="name" type="QString" value="circle"/>\
            <Option name="size" type="QString" value="3"/><Option name="outline_color" type="QString" value="35,35,35,255"/></Option></layer></symbol>
            """
        }
    }

    static func document(_ renderer: String) -> String {
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis version=\"3.28.0\" styleCategories=\"Symbology\">\n\(renderer)\n</qgis>\n"
    }

    static func single(_ colour: String, kind: Kind) -> String {
        document("<renderer-v2 type=\"singleSymbol\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\"><symbols>\(symbol("0", colour, kind: kind))</symbols></renderer-v2>")
    }

    static func categories(_ field: String, _ values: [(String, String)], kind: Kind) -> String {
        let categories = values.enumerated().map { "<category value=\"\(xmlEscape($1.0))\" symbol=\"\($0)\" label=\"\(xmlEscape($1.0))\" render=\"true\"/>" }.joined()
        let symbols = values.enumerated().map { symbol(String($0), $1.1, kind: kind) }.joined()
        return document("<renderer-v2 type=\"categorizedSymbol\" attr=\"\(xmlEscape(field))\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\"><categories>\(categories)</categories><symbols>\(symbols)</symbols></renderer-v2>")
    }
}
