import CGDAL
import Foundation

/// A layer to write: typed fields, then features as values in field order, a geometry in WGS 84
/// longitude/latitude, and an optional OGR style string (which the LIBKML driver turns into KML styles).
public struct VectorLayerOutput: Sendable {
    public enum FieldType: Sendable { case integer, real, text }

    public var name: String
    public var fields: [(name: String, type: FieldType)]
    public var features: [(values: [VectorValue], geometry: Shape?, style: String?)]

    public init(name: String, fields: [(name: String, type: FieldType)], features: [(values: [VectorValue], geometry: Shape?, style: String?)] = []) {
        self.name = name
        self.fields = fields
        self.features = features
    }
}

/// Writes vector files through GDAL into memory (`/vsimem/`), so that the caller commits the bytes
/// with its other files, all or none.
public enum VectorWriter {
    /// The bytes of a file of GDAL driver `driver` ("GPKG", "LIBKML") named like `fileName` (its
    /// extension chooses KML or KMZ), holding `layers` in order.
    public static func encode(driver: String, fileName: String, layers: [VectorLayerOutput]) throws -> [UInt8] {
        try GDALLibrary.ready()
        let path = "/vsimem/covgap-\(UUID().uuidString)/\(fileName)"
        defer { _ = VSIRmdirRecursive((path as NSString).deletingLastPathComponent) }
        CPLErrorReset()
        // A fixed date in gpkg_contents, so that the same report gives the same bytes.
        CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", "2000-01-01T00:00:00.000Z")
        defer { CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", nil) }
        let drv = try GDALLibrary.check(GDALGetDriverByName(driver), "the GDAL driver \(driver)")
        let ds = try GDALLibrary.check(GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, nil), "creating \(fileName)")
        var closed = false
        defer { if !closed { GDALClose(ds) } }
        let wgs84 = try GDALLibrary.wgs84()
        defer { OSRDestroySpatialReference(wgs84) }
        for layer in layers { try write(layer, to: ds, srs: wgs84, file: fileName) }
        closed = true
        GDALClose(ds)
        if CPLGetLastErrorType() == CE_Failure { throw GDALLibrary.takeError("writing \(fileName)") }
        var length: vsi_l_offset = 0
        guard let buffer = VSIGetMemFileBuffer(path, &length, 0) else { throw GeoError.gdal("\(fileName) was not written") }
        return Array(UnsafeBufferPointer(start: buffer, count: Int(length)))
    }

    /// A KMZ: `layers` as one KML document (a folder per layer, as Google Earth shows them) zipped
    /// as doc.kml. (LIBKML's own KMZ puts each layer in a file of its own behind a network link,
    /// which GDAL itself then does not read back.)
    public static func kmz(layers: [VectorLayerOutput]) throws -> [UInt8] {
        let kml = try encode(driver: "LIBKML", fileName: "doc.kml", layers: layers)
        let path = "/vsimem/covgap-\(UUID().uuidString).kmz"
        defer { _ = VSIUnlink(path) }
        let zip = try GDALLibrary.check(CPLCreateZip(path, nil), "creating a KMZ")
        var closed = false
        defer { if !closed { _ = CPLCloseZip(zip) } }
        try GDALLibrary.check(code: CPLCreateFileInZip(zip, "doc.kml", nil).rawValue, "adding doc.kml to the KMZ")
        try kml.withUnsafeBytes { try GDALLibrary.check(code: CPLWriteFileInZip(zip, $0.baseAddress, Int32($0.count)).rawValue, "writing doc.kml") }
        try GDALLibrary.check(code: CPLCloseFileInZip(zip).rawValue, "closing doc.kml")
        closed = true
        try GDALLibrary.check(code: CPLCloseZip(zip).rawValue, "closing the KMZ")
        var length: vsi_l_offset = 0
        guard let buffer = VSIGetMemFileBuffer(path, &length, 0) else { throw GeoError.gdal("the KMZ was not written") }
        return Array(UnsafeBufferPointer(start: buffer, count: Int(length)))
    }

    private static func write(_ layer: VectorLayerOutput, to ds: GDALDatasetH, srs: OGRSpatialReferenceH, file: String) throws {
        var kinds = Set(layer.features.compactMap { $0.geometry.map(wkbType) })
        // Polygons beside multipolygons (lines beside multilines) go in as the multi type, as GeoPackage wants.
        let promote = kinds == [wkbPolygon, wkbMultiPolygon] || kinds == [wkbLineString, wkbMultiLineString]
        if promote { kinds = kinds.filter { $0 == wkbMultiPolygon || $0 == wkbMultiLineString } }
        let type = layer.features.isEmpty || kinds.count != 1 ? (kinds.isEmpty && !layer.features.isEmpty ? wkbNone : wkbUnknown) : kinds.first!
        let l = try GDALLibrary.check(GDALDatasetCreateLayer(ds, layer.name, type == wkbNone ? nil : srs, type, nil), "creating layer \(layer.name) in \(file)")
        for (name, t) in layer.fields {
            let fd = OGR_Fld_Create(name, t == .integer ? OFTInteger64 : t == .real ? OFTReal : OFTString)
            defer { OGR_Fld_Destroy(fd) }
            try GDALLibrary.check(code: UInt32(OGR_L_CreateField(l, fd, 1)), "creating field \(name) of \(layer.name)")
        }
        _ = OGR_L_StartTransaction(l)
        let defn = OGR_L_GetLayerDefn(l)
        for f in layer.features {
            let feature = OGR_F_Create(defn)!
            defer { OGR_F_Destroy(feature) }
            for (k, v) in f.values.enumerated() {
                let i = Int32(k)
                switch v {
                case .null: OGR_F_SetFieldNull(feature, i)
                case .integer(let n): OGR_F_SetFieldInteger64(feature, i, n)
                case .real(let d): OGR_F_SetFieldDouble(feature, i, d)
                case .reals(let ds): ds.withUnsafeBufferPointer { OGR_F_SetFieldDoubleList(feature, i, Int32($0.count), $0.baseAddress) }
                case .text(let s): OGR_F_SetFieldString(feature, i, s)
                }
            }
            if var shape = f.geometry {
                if promote, case .polygon(let rings) = shape { shape = .multiPolygon([rings]) }
                if promote, case .lineString(let line) = shape { shape = .multiLineString([line]) }
                var wkb = WKBWriter.bytes(shape)
                var g: OGRGeometryH?
                let code = wkb.withUnsafeMutableBytes { OGR_G_CreateFromWkb($0.baseAddress, nil, &g, Int32($0.count)) }
                guard code == 0, let g else { throw GeoError.gdal("a \(shape.typeName) of \(layer.name) cannot be made into an OGR geometry (code \(code))") }
                _ = OGR_F_SetGeometryDirectly(feature, g)
            }
            if let style = f.style { OGR_F_SetStyleString(feature, style) }
            try GDALLibrary.check(code: UInt32(OGR_L_CreateFeature(l, feature)), "writing a feature of \(layer.name) to \(file)")
        }
        try GDALLibrary.check(code: UInt32(OGR_L_CommitTransaction(l)), "committing \(layer.name) to \(file)")
    }

    private static func wkbType(_ s: Shape) -> OGRwkbGeometryType {
        switch s {
        case .point: return wkbPoint
        case .multiPoint: return wkbMultiPoint
        case .lineString: return wkbLineString
        case .multiLineString: return wkbMultiLineString
        case .polygon: return wkbPolygon
        case .multiPolygon: return wkbMultiPolygon
        case .geometryCollection: return wkbGeometryCollection
        }
    }
}

/// ISO WKB, little-endian, two dimensions.
enum WKBWriter {
    static func bytes(_ shape: Shape) -> [UInt8] {
        var out: [UInt8] = []
        append(shape, to: &out)
        return out
    }

    private static func append(_ shape: Shape, to out: inout [UInt8]) {
        func u32(_ v: Int) { withUnsafeBytes(of: UInt32(v).littleEndian) { out += $0 } }
        func xy(_ c: Coordinate) {
            withUnsafeBytes(of: c.x.bitPattern.littleEndian) { out += $0 }
            withUnsafeBytes(of: c.y.bitPattern.littleEndian) { out += $0 }
        }
        func coords(_ cs: [Coordinate]) {
            u32(cs.count)
            cs.forEach(xy)
        }
        out.append(1)
        switch shape {
        case .point(let c): u32(1); xy(c)
        case .lineString(let cs): u32(2); coords(cs)
        case .polygon(let rs): u32(3); u32(rs.count); rs.forEach(coords)
        case .multiPoint(let cs): u32(4); u32(cs.count); for c in cs { append(.point(c), to: &out) }
        case .multiLineString(let ls): u32(5); u32(ls.count); for l in ls { append(.lineString(l), to: &out) }
        case .multiPolygon(let ps): u32(6); u32(ps.count); for p in ps { append(.polygon(p), to: &out) }
        case .geometryCollection(let gs): u32(7); u32(gs.count); for g in gs { append(g, to: &out) }
        }
    }
}
