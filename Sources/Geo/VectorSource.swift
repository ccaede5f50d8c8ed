import CGDAL
import Foundation

/// An attribute value of a vector feature, as OGR typed it.
public enum VectorValue: Hashable, Sendable {
    case null
    case integer(Int64)
    case real(Double)
    /// A list of numbers (PostgreSQL's `double precision[]`, GeoJSON's arrays as OGR reads them).
    case reals([Double])
    /// Text, and every other OGR type (dates, lists) as OGR prints it.
    case text(String)
}

/// One feature of a vector layer: its number, its attributes in the layer's field order, and its
/// geometry in WGS 84 longitude/latitude.
public struct VectorFeature: Sendable {
    /// The feature's id in the source (OGR's FID: 0-based in a Shapefile, 1-based in a GeoPackage,
    /// the row number in a spreadsheet); its position from 0 when the source has none.
    public var number: Int
    public var attributes: [(name: String, value: VectorValue)]
    /// Nil when the feature has no geometry (a spreadsheet row, an empty geometry field).
    public var geometry: Shape?

    public subscript(name: String) -> VectorValue? {
        attributes.first { $0.name == name }?.value
    }
}

/// A whole layer, read.
public struct VectorLayerData: Sendable {
    public var name: String
    /// The layer's field names, in order.
    public var fields: [String]
    /// The layer's CRS as declared (an authority code, or the CRS's name); nil when it declares none.
    public var crs: String?
    /// Whether the layer has a geometry column at all (a spreadsheet sheet has none).
    public var hasGeometry: Bool
    public var features: [VectorFeature]
}

/// A failure to read a vector source, naming the source, the layer and the feature concerned.
public struct VectorReadError: Error, CustomStringConvertible, Sendable, Equatable {
    public var source: String
    public var layer: String?
    public var feature: Int?
    public var message: String

    public init(source: String, layer: String? = nil, feature: Int? = nil, message: String) {
        self.source = source; self.layer = layer; self.feature = feature; self.message = message
    }

    public var description: String {
        var s = source
        if let layer { s += " layer \(layer)" }
        if let feature { s += (layer == nil ? " " : ", ") + "feature \(feature)" }
        return s + ": " + message
    }
}

/// Any vector source GDAL's OGR reads: Shapefile (with its .prj), GeoPackage, MapInfo TAB/MIF,
/// KML/KMZ (each folder a layer), FlatGeobuf, XLSX/ODS sheets, `PG:` connection strings.
/// Coordinates come back in WGS 84 longitude/latitude (`OAMS_TRADITIONAL_GIS_ORDER`), transformed
/// from the layer's CRS by OGR (`OCTNewCoordinateTransformation`, which lets PROJ choose the operation).
public enum VectorSource {
    /// The names of the layers of `source`, in the source's order (`GDALDatasetGetLayer`).
    public static func layerNames(_ source: String) throws -> [String] {
        let ds = try open(source)
        defer { GDALClose(ds) }
        return (0..<GDALDatasetGetLayerCount(ds)).compactMap { i in
            GDALDatasetGetLayer(ds, i).flatMap { OGR_L_GetName($0) }.map { String(cString: $0) }
        }
    }

    /// Reads `layers` of `source` (every layer when nil). `assumedCRS` is the CRS of a layer that
    /// declares none (nil: WGS 84 longitude/latitude). `sheetHeaders` opens a spreadsheet with its
    /// first row as the field names (the XLSX and ODS drivers' `HEADERS=FORCE`), whatever its cells hold.
    public static func read(_ source: String, layers wanted: [String]? = nil, assumedCRS: String? = nil,
                            sheetHeaders: Bool = false) throws -> [VectorLayerData] {
        let ds = try open(source, options: sheetHeaders ? ["HEADERS=FORCE"] : [])
        defer { GDALClose(ds) }
        var handles: [UnsafeMutableRawPointer] = []
        if let wanted {
            for name in wanted {
                guard let l = GDALDatasetGetLayerByName(ds, name) else {
                    let names = (0..<GDALDatasetGetLayerCount(ds)).compactMap { GDALDatasetGetLayer(ds, $0).flatMap { OGR_L_GetName($0) }.map { String(cString: $0) } }
                    throw VectorReadError(source: source, layer: name, message: "no such layer; the layers are \(names.joined(separator: ", "))")
                }
                handles.append(l)
            }
        } else {
            handles = (0..<GDALDatasetGetLayerCount(ds)).compactMap { GDALDatasetGetLayer(ds, $0) }
        }
        return try handles.map { try readLayer($0, source: source, assumedCRS: assumedCRS) }
    }

    private static func open(_ source: String, options: [String] = []) throws -> UnsafeMutableRawPointer {
        try GDALLibrary.ready()
        CPLErrorReset()
        let copies = options.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        var list: [UnsafePointer<CChar>?] = copies.map { UnsafePointer($0) } + [nil]
        let opened = list.withUnsafeMutableBufferPointer { buffer in
            GDALOpenEx(source, UInt32(GDAL_OF_VECTOR | GDAL_OF_READONLY), nil, options.isEmpty ? nil : buffer.baseAddress, nil)
        }
        guard let ds = opened else {
            let reason = GDALLibrary.takeError("not a vector format GDAL can read").description
            throw VectorReadError(source: source, message: "cannot open: \(reason)")
        }
        return ds
    }

    private static func readLayer(_ layer: UnsafeMutableRawPointer, source: String, assumedCRS: String?) throws -> VectorLayerData {
        let name = OGR_L_GetName(layer).map { String(cString: $0) } ?? ""
        func fail(_ feature: Int?, _ message: String) -> VectorReadError {
            VectorReadError(source: source, layer: name, feature: feature, message: message)
        }
        let defn = OGR_L_GetLayerDefn(layer)
        let fieldCount = OGR_FD_GetFieldCount(defn)
        var fields: [String] = []
        var types: [OGRFieldType] = []
        for i in 0..<fieldCount {
            let fd = OGR_FD_GetFieldDefn(defn, i)
            fields.append(OGR_Fld_GetNameRef(fd).map { String(cString: $0) } ?? "")
            types.append(OGR_Fld_GetType(fd))
        }
        let hasGeometry = OGR_FD_GetGeomFieldCount(defn) > 0

        // The layer's CRS (owned by the layer), or the one assumed for layers without.
        let declared = OGR_L_GetSpatialRef(layer)
        var crsName: String?
        var source_: UnsafeMutableRawPointer?
        if let declared {
            source_ = Self.identified(declared) ?? OSRClone(declared)
            crsName = Self.describe(source_!)
        } else if let assumedCRS {
            let s = try GDALLibrary.check(OSRNewSpatialReference(nil), "creating a spatial reference")
            guard OSRSetFromUserInput(s, assumedCRS) == 0 else {
                OSRDestroySpatialReference(s)
                throw fail(nil, "\(assumedCRS) is not a CRS GDAL understands")
            }
            source_ = s
        }
        defer { if let source_ { OSRDestroySpatialReference(source_) } }
        var transform: UnsafeMutableRawPointer?
        if let src = source_ {
            let wgs84 = try GDALLibrary.wgs84()
            defer { OSRDestroySpatialReference(wgs84) }
            OSRSetAxisMappingStrategy(src, OAMS_TRADITIONAL_GIS_ORDER)
            if OSRIsSame(src, wgs84) == 0 {
                CPLErrorReset()
                guard let t = OCTNewCoordinateTransformation(src, wgs84) else {
                    throw fail(nil, "no transformation from the layer's CRS (\(crsName ?? "?")) to WGS 84: \(GDALLibrary.takeError("PROJ found none"))")
                }
                transform = t
            }
        }
        defer { if let transform { OCTDestroyCoordinateTransformation(transform) } }

        var features: [VectorFeature] = []
        let known = OGR_L_GetFeatureCount(layer, 0)  // -1 when counting would mean reading the layer
        if known > 0 { features.reserveCapacity(Int(known)) }
        OGR_L_ResetReading(layer)
        var position = 0
        var wkb: [UInt8] = []
        CPLErrorReset()
        while let f = OGR_L_GetNextFeature(layer) {
            defer { OGR_F_Destroy(f); position += 1 }
            let fid = OGR_F_GetFID(f)
            let number = fid >= 0 ? Int(fid) : position
            var attributes: [(name: String, value: VectorValue)] = []
            attributes.reserveCapacity(fields.count)
            for i in 0..<Int(fieldCount) {
                let k = Int32(i)
                let value: VectorValue
                if OGR_F_IsFieldSetAndNotNull(f, k) == 0 {
                    value = .null
                } else {
                    switch types[i] {
                    case OFTInteger, OFTInteger64: value = .integer(OGR_F_GetFieldAsInteger64(f, k))
                    case OFTReal: value = .real(OGR_F_GetFieldAsDouble(f, k))
                    case OFTRealList:
                        var n: Int32 = 0
                        let list = OGR_F_GetFieldAsDoubleList(f, k, &n)
                        value = .reals((0..<Int(n)).map { list![$0] })
                    case OFTIntegerList:
                        var n: Int32 = 0
                        let list = OGR_F_GetFieldAsIntegerList(f, k, &n)
                        value = .reals((0..<Int(n)).map { Double(list![$0]) })
                    case OFTInteger64List:
                        var n: Int32 = 0
                        let list = OGR_F_GetFieldAsInteger64List(f, k, &n)
                        value = .reals((0..<Int(n)).map { Double(list![$0]) })
                    default: value = .text(OGR_F_GetFieldAsString(f, k).map { String(cString: $0) } ?? "")
                    }
                }
                attributes.append((fields[i], value))
            }
            var shape: Shape?
            if let g = OGR_F_GetGeometryRef(f), OGR_G_IsEmpty(g) == 0 {
                // Arcs (MapInfo, GeoPackage curves) as line segments; a copy when something must change.
                var geometry = g
                var owned: UnsafeMutableRawPointer?
                if OGR_G_HasCurveGeometry(g, 0) != 0 {
                    owned = OGR_G_GetLinearGeometry(g, 0, nil)
                    guard let owned else { throw fail(number, "geometry: a curve GDAL cannot turn into line segments") }
                    geometry = owned
                }
                defer { if let owned { OGR_G_DestroyGeometry(owned) } }
                if let transform {
                    if owned == nil {
                        owned = OGR_G_Clone(g)
                        geometry = owned!
                    }
                    CPLErrorReset()
                    let code = OGR_G_Transform(geometry, transform)
                    if code != 0 {
                        throw fail(number, "geometry: cannot be transformed to WGS 84 from \(crsName ?? "the layer's CRS"): \(GDALLibrary.takeError("code \(code)"))")
                    }
                }
                let size = Int(OGR_G_WkbSize(geometry))
                if wkb.count < size { wkb = [UInt8](repeating: 0, count: size) }
                let code = wkb.withUnsafeMutableBufferPointer { OGR_G_ExportToIsoWkb(geometry, wkbNDR, $0.baseAddress) }
                if code != 0 { throw fail(number, "geometry: OGR cannot export it (code \(code))") }
                do {
                    var reader = WKBReader(bytes: wkb, count: size)
                    shape = try reader.shape()
                } catch let e as GeoError {
                    throw fail(number, "geometry: \(e)")
                }
            }
            features.append(VectorFeature(number: number, attributes: attributes, geometry: shape))
        }
        // A read that stopped on an error (a damaged file) rather than at the end.
        if CPLGetLastErrorType() == CE_Failure {
            throw fail(nil, "reading stopped after \(position) features: \(GDALLibrary.takeError("unknown error"))")
        }
        return VectorLayerData(name: name, fields: fields, crs: crsName, hasGeometry: hasGeometry, features: features)
    }

    /// The EPSG CRS a declaration without a code stands for, when GDAL is at least 90 % sure
    /// (`OSRFindMatches`): a Shapefile's ESRI .prj names VN-2000 but carries no datum shift, and
    /// only the EPSG CRS brings PROJ's VN-2000 → WGS 84 transformation (about 200 m here) with it.
    /// A declaration with its own TOWGS84 parameters is taken as it is.
    private static func identified(_ srs: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer? {
        if OSRGetAuthorityCode(srs, nil) != nil { return nil }
        var shift = [Double](repeating: 0, count: 7)
        if OSRGetTOWGS84(srs, &shift, 7) == 0 { return nil }
        var count: Int32 = 0
        var confidence: UnsafeMutablePointer<Int32>?
        guard let matches = OSRFindMatches(srs, nil, &count, &confidence) else { return nil }
        defer { OSRFreeSRSArray(matches); VSIFree(confidence) }
        guard count > 0, let confidence, confidence[0] >= 90, let best = matches[0] else { return nil }
        return OSRClone(best)
    }

    /// "EPSG:9217", or the CRS's name when it has no authority code (a .prj with +towgs84).
    private static func describe(_ srs: UnsafeMutableRawPointer) -> String {
        if let auth = OSRGetAuthorityName(srs, nil), let code = OSRGetAuthorityCode(srs, nil) {
            return "\(String(cString: auth)):\(String(cString: code))"
        }
        return OSRGetName(srs).map { String(cString: $0) } ?? "a CRS without a name"
    }
}

/// Reads ISO WKB (little- or big-endian) into a `Shape`, dropping Z and M.
struct WKBReader {
    let bytes: [UInt8]
    let count: Int
    var at = 0

    init(bytes: [UInt8], count: Int) {
        self.bytes = bytes
        self.count = count
    }

    mutating func shape() throws -> Shape {
        guard at < count else { throw GeoError.invalidInput("WKB ends early") }
        let little = bytes[at] == 1
        at += 1
        let code = try uint32(little)
        let base = code % 1000
        let dims = 2 + (code / 1000 == 1 || code / 1000 == 2 ? 1 : code / 1000 == 3 ? 2 : 0)
        switch base {
        case 1: return .point(try coordinate(little, dims))
        case 2: return .lineString(try coordinates(little, dims))
        case 3: return .polygon(try rings(little, dims))
        case 4: return .multiPoint(try parts().map { guard case .point(let c) = $0 else { throw GeoError.invalidInput("a MultiPoint holds a \($0.typeName)") }; return c })
        case 5: return .multiLineString(try parts().map { guard case .lineString(let l) = $0 else { throw GeoError.invalidInput("a MultiLineString holds a \($0.typeName)") }; return l })
        case 6: return .multiPolygon(try parts().map { guard case .polygon(let p) = $0 else { throw GeoError.invalidInput("a MultiPolygon holds a \($0.typeName)") }; return p })
        case 7: return .geometryCollection(try parts())
        default: throw GeoError.invalidInput("WKB geometry type \(code) is not a point, line or polygon")
        }

        func parts() throws -> [Shape] {
            let n = try uint32(little)
            return try (0..<n).map { _ in try shape() }
        }
    }

    private mutating func uint32(_ little: Bool) throws -> UInt32 {
        guard at + 4 <= count else { throw GeoError.invalidInput("WKB ends early") }
        var v: UInt32 = 0
        for k in 0..<4 { v |= UInt32(bytes[at + k]) << (8 * UInt32(little ? k : 3 - k)) }
        at += 4
        return v
    }

    private mutating func double(_ little: Bool) throws -> Double {
        guard at + 8 <= count else { throw GeoError.invalidInput("WKB ends early") }
        var v: UInt64 = 0
        for k in 0..<8 { v |= UInt64(bytes[at + k]) << (8 * UInt64(little ? k : 7 - k)) }
        at += 8
        return Double(bitPattern: v)
    }

    private mutating func coordinate(_ little: Bool, _ dims: Int) throws -> Coordinate {
        let x = try double(little), y = try double(little)
        for _ in 2..<dims { _ = try double(little) }
        return Coordinate(x, y)
    }

    private mutating func coordinates(_ little: Bool, _ dims: Int) throws -> [Coordinate] {
        let n = Int(try uint32(little))
        guard n <= (count - at) / (8 * dims) else { throw GeoError.invalidInput("WKB ends early") }
        var out: [Coordinate] = []
        out.reserveCapacity(n)
        for _ in 0..<n { out.append(try coordinate(little, dims)) }
        return out
    }

    private mutating func rings(_ little: Bool, _ dims: Int) throws -> [[Coordinate]] {
        let n = try uint32(little)
        return try (0..<n).map { _ in try coordinates(little, dims) }
    }
}
