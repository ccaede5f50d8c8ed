@testable import Geo
import XCTest

/// covgap is not linked with libgdal: it opens it when first needed and looks its functions up by
/// name (`GDALLink`). This target is linked with it: each function covgap looks up is held against
/// the one the linker resolves (`LinkedGDAL`), for the same C type and the same address.
final class GDALLinkTests: XCTestCase {
    static func entry<F>(_ name: String, _ function: F) -> (name: String, type: Any.Type, address: UnsafeRawPointer) {
        (name, F.self, unsafeBitCast(function, to: UnsafeRawPointer.self))
    }

    func testEveryFunctionIsTheLinkedOne() throws {
        try GDALLibrary.ready()
        let loaded = [
            Self.entry("CPLCloseFileInZip", Geo.CPLCloseFileInZip),
            Self.entry("CPLCloseZip", Geo.CPLCloseZip),
            Self.entry("CPLCreateFileInZip", Geo.CPLCreateFileInZip),
            Self.entry("CPLCreateZip", Geo.CPLCreateZip),
            Self.entry("CPLErrorReset", Geo.CPLErrorReset),
            Self.entry("CPLGetLastErrorMsg", Geo.CPLGetLastErrorMsg),
            Self.entry("CPLGetLastErrorType", Geo.CPLGetLastErrorType),
            Self.entry("CPLQuietErrorHandler", Geo.CPLQuietErrorHandler),
            Self.entry("CPLSetErrorHandler", Geo.CPLSetErrorHandler),
            Self.entry("CPLSetThreadLocalConfigOption", Geo.CPLSetThreadLocalConfigOption),
            Self.entry("CPLWriteFileInZip", Geo.CPLWriteFileInZip),
            Self.entry("GDALAllRegister", Geo.GDALAllRegister),
            Self.entry("GDALClose", Geo.GDALClose),
            Self.entry("GDALCreate", Geo.GDALCreate),
            Self.entry("GDALDatasetCreateLayer", Geo.GDALDatasetCreateLayer),
            Self.entry("GDALDatasetGetLayer", Geo.GDALDatasetGetLayer),
            Self.entry("GDALDatasetGetLayerByName", Geo.GDALDatasetGetLayerByName),
            Self.entry("GDALDatasetGetLayerCount", Geo.GDALDatasetGetLayerCount),
            Self.entry("GDALGetDriverByName", Geo.GDALGetDriverByName),
            Self.entry("GDALGetGeoTransform", Geo.GDALGetGeoTransform),
            Self.entry("GDALGetProjectionRef", Geo.GDALGetProjectionRef),
            Self.entry("GDALGetRasterBand", Geo.GDALGetRasterBand),
            Self.entry("GDALGetRasterCount", Geo.GDALGetRasterCount),
            Self.entry("GDALGetRasterNoDataValue", Geo.GDALGetRasterNoDataValue),
            Self.entry("GDALGetRasterOffset", Geo.GDALGetRasterOffset),
            Self.entry("GDALGetRasterScale", Geo.GDALGetRasterScale),
            Self.entry("GDALGetRasterUnitType", Geo.GDALGetRasterUnitType),
            Self.entry("GDALGetRasterXSize", Geo.GDALGetRasterXSize),
            Self.entry("GDALGetRasterYSize", Geo.GDALGetRasterYSize),
            Self.entry("GDALOpenEx", Geo.GDALOpenEx),
            Self.entry("GDALRasterIO", Geo.GDALRasterIO),
            Self.entry("GDALSetGeoTransform", Geo.GDALSetGeoTransform),
            Self.entry("GDALSetProjection", Geo.GDALSetProjection),
            Self.entry("GDALSetRasterNoDataValue", Geo.GDALSetRasterNoDataValue),
            Self.entry("OCTDestroyCoordinateTransformation", Geo.OCTDestroyCoordinateTransformation),
            Self.entry("OCTNewCoordinateTransformation", Geo.OCTNewCoordinateTransformation),
            Self.entry("OGR_FD_GetFieldCount", Geo.OGR_FD_GetFieldCount),
            Self.entry("OGR_FD_GetFieldDefn", Geo.OGR_FD_GetFieldDefn),
            Self.entry("OGR_FD_GetGeomFieldCount", Geo.OGR_FD_GetGeomFieldCount),
            Self.entry("OGR_F_Create", Geo.OGR_F_Create),
            Self.entry("OGR_F_Destroy", Geo.OGR_F_Destroy),
            Self.entry("OGR_F_GetFID", Geo.OGR_F_GetFID),
            Self.entry("OGR_F_GetFieldAsDouble", Geo.OGR_F_GetFieldAsDouble),
            Self.entry("OGR_F_GetFieldAsDoubleList", Geo.OGR_F_GetFieldAsDoubleList),
            Self.entry("OGR_F_GetFieldAsInteger64", Geo.OGR_F_GetFieldAsInteger64),
            Self.entry("OGR_F_GetFieldAsInteger64List", Geo.OGR_F_GetFieldAsInteger64List),
            Self.entry("OGR_F_GetFieldAsIntegerList", Geo.OGR_F_GetFieldAsIntegerList),
            Self.entry("OGR_F_GetFieldAsString", Geo.OGR_F_GetFieldAsString),
            Self.entry("OGR_F_GetGeometryRef", Geo.OGR_F_GetGeometryRef),
            Self.entry("OGR_F_IsFieldSetAndNotNull", Geo.OGR_F_IsFieldSetAndNotNull),
            Self.entry("OGR_F_SetFieldDouble", Geo.OGR_F_SetFieldDouble),
            Self.entry("OGR_F_SetFieldDoubleList", Geo.OGR_F_SetFieldDoubleList),
            Self.entry("OGR_F_SetFieldInteger64", Geo.OGR_F_SetFieldInteger64),
            Self.entry("OGR_F_SetFieldNull", Geo.OGR_F_SetFieldNull),
            Self.entry("OGR_F_SetFieldString", Geo.OGR_F_SetFieldString),
            Self.entry("OGR_F_SetGeometryDirectly", Geo.OGR_F_SetGeometryDirectly),
            Self.entry("OGR_F_SetStyleString", Geo.OGR_F_SetStyleString),
            Self.entry("OGR_Fld_Create", Geo.OGR_Fld_Create),
            Self.entry("OGR_Fld_Destroy", Geo.OGR_Fld_Destroy),
            Self.entry("OGR_Fld_GetNameRef", Geo.OGR_Fld_GetNameRef),
            Self.entry("OGR_Fld_GetType", Geo.OGR_Fld_GetType),
            Self.entry("OGR_G_Clone", Geo.OGR_G_Clone),
            Self.entry("OGR_G_CreateFromWkb", Geo.OGR_G_CreateFromWkb),
            Self.entry("OGR_G_DestroyGeometry", Geo.OGR_G_DestroyGeometry),
            Self.entry("OGR_G_ExportToIsoWkb", Geo.OGR_G_ExportToIsoWkb),
            Self.entry("OGR_G_GetLinearGeometry", Geo.OGR_G_GetLinearGeometry),
            Self.entry("OGR_G_HasCurveGeometry", Geo.OGR_G_HasCurveGeometry),
            Self.entry("OGR_G_IsEmpty", Geo.OGR_G_IsEmpty),
            Self.entry("OGR_G_Transform", Geo.OGR_G_Transform),
            Self.entry("OGR_G_WkbSize", Geo.OGR_G_WkbSize),
            Self.entry("OGR_L_CommitTransaction", Geo.OGR_L_CommitTransaction),
            Self.entry("OGR_L_CreateFeature", Geo.OGR_L_CreateFeature),
            Self.entry("OGR_L_CreateField", Geo.OGR_L_CreateField),
            Self.entry("OGR_L_GetFeatureCount", Geo.OGR_L_GetFeatureCount),
            Self.entry("OGR_L_GetLayerDefn", Geo.OGR_L_GetLayerDefn),
            Self.entry("OGR_L_GetName", Geo.OGR_L_GetName),
            Self.entry("OGR_L_GetNextFeature", Geo.OGR_L_GetNextFeature),
            Self.entry("OGR_L_GetSpatialRef", Geo.OGR_L_GetSpatialRef),
            Self.entry("OGR_L_ResetReading", Geo.OGR_L_ResetReading),
            Self.entry("OGR_L_StartTransaction", Geo.OGR_L_StartTransaction),
            Self.entry("OSRAutoIdentifyEPSG", Geo.OSRAutoIdentifyEPSG),
            Self.entry("OSRClone", Geo.OSRClone),
            Self.entry("OSRDestroySpatialReference", Geo.OSRDestroySpatialReference),
            Self.entry("OSRExportToWkt", Geo.OSRExportToWkt),
            Self.entry("OSRFindMatches", Geo.OSRFindMatches),
            Self.entry("OSRFreeSRSArray", Geo.OSRFreeSRSArray),
            Self.entry("OSRGetAuthorityCode", Geo.OSRGetAuthorityCode),
            Self.entry("OSRGetAuthorityName", Geo.OSRGetAuthorityName),
            Self.entry("OSRGetName", Geo.OSRGetName),
            Self.entry("OSRGetTOWGS84", Geo.OSRGetTOWGS84),
            Self.entry("OSRImportFromEPSG", Geo.OSRImportFromEPSG),
            Self.entry("OSRIsGeographic", Geo.OSRIsGeographic),
            Self.entry("OSRIsSame", Geo.OSRIsSame),
            Self.entry("OSRNewSpatialReference", Geo.OSRNewSpatialReference),
            Self.entry("OSRSetAxisMappingStrategy", Geo.OSRSetAxisMappingStrategy),
            Self.entry("OSRSetFromUserInput", Geo.OSRSetFromUserInput),
            Self.entry("VSIFCloseL", Geo.VSIFCloseL),
            Self.entry("VSIFOpenL", Geo.VSIFOpenL),
            Self.entry("VSIFReadL", Geo.VSIFReadL),
            Self.entry("VSIFree", Geo.VSIFree),
            Self.entry("VSIGetMemFileBuffer", Geo.VSIGetMemFileBuffer),
            Self.entry("VSIRmdirRecursive", Geo.VSIRmdirRecursive),
            Self.entry("VSIUnlink", Geo.VSIUnlink)
        ]
        let linked = Dictionary(uniqueKeysWithValues: LinkedGDAL.functions.map { ($0.name, $0) })
        XCTAssertEqual(loaded.count, 103)
        XCTAssertEqual(Set(loaded.map(\.name)), Set(linked.keys))
        for f in loaded {
            let l = try XCTUnwrap(linked[f.name], f.name)
            XCTAssertTrue(f.type == l.type, "\(f.name): \(f.type) against \(l.type)")
            XCTAssertEqual(f.address, l.address, f.name)
        }
    }

    /// A machine without GDAL gets an error that names the library and how to install it.
    func testAMissingLibraryIsATypedError() {
        guard case .failure(let error) = GDALLink.open(["libgdal-covgap-missing.so.99"]) else {
            return XCTFail("a library that does not exist was opened")
        }
        let message = "\(error)"
        XCTAssertTrue(message.contains("GDAL could not be loaded (libgdal-covgap-missing.so.99"), message)
        XCTAssertTrue(message.contains("Scripts/setup installs it (Debian's libgdal-dev)"), message)
        guard case .failure = GDALLink.open([]) else { return XCTFail("no name opened a library") }
    }

    /// The library is found under its development link, the first name tried, and it is GDAL 3.
    func testTheLibraryOpens() throws {
        XCTAssertEqual(GDALLink.names.first, "libgdal.so")
        XCTAssertNoThrow(try GDALLink.load())
        let versionInfo = GDALLink.function("GDALVersionInfo", as: (@convention(c) (UnsafePointer<CChar>?) -> UnsafePointer<CChar>?).self)
        let version = try XCTUnwrap(versionInfo("RELEASE_NAME").map { String(cString: $0) })
        XCTAssertTrue(version.hasPrefix("3."), version)
    }
}
