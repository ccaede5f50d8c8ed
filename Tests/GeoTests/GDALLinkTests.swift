@testable import Geo
import XCTest

/// covgap is not linked with libgdal: it opens it when first needed and looks its functions up by
/// name (`GDALLink`). This target is linked with it: each function covgap looks up is held against
/// the one the linker resolves (`LinkedGDAL`), for the same C type and the same address.
final class GDALLinkTests: XCTestCase {
    func testEveryFunctionIsTheLinkedOne() throws {
        try GDALLibrary.ready()
        let loaded = [
            LinkedGDAL.entry("CPLCloseFileInZip", Geo.CPLCloseFileInZip),
            LinkedGDAL.entry("CPLCloseZip", Geo.CPLCloseZip),
            LinkedGDAL.entry("CPLCreateFileInZip", Geo.CPLCreateFileInZip),
            LinkedGDAL.entry("CPLCreateZip", Geo.CPLCreateZip),
            LinkedGDAL.entry("CPLErrorReset", Geo.CPLErrorReset),
            LinkedGDAL.entry("CPLGetLastErrorMsg", Geo.CPLGetLastErrorMsg),
            LinkedGDAL.entry("CPLGetLastErrorType", Geo.CPLGetLastErrorType),
            LinkedGDAL.entry("CPLQuietErrorHandler", Geo.CPLQuietErrorHandler),
            LinkedGDAL.entry("CPLSetErrorHandler", Geo.CPLSetErrorHandler),
            LinkedGDAL.entry("CPLSetThreadLocalConfigOption", Geo.CPLSetThreadLocalConfigOption),
            LinkedGDAL.entry("CPLWriteFileInZip", Geo.CPLWriteFileInZip),
            LinkedGDAL.entry("GDALAllRegister", Geo.GDALAllRegister),
            LinkedGDAL.entry("GDALClose", Geo.GDALClose),
            LinkedGDAL.entry("GDALCreate", Geo.GDALCreate),
            LinkedGDAL.entry("GDALDatasetCreateLayer", Geo.GDALDatasetCreateLayer),
            LinkedGDAL.entry("GDALDatasetGetLayer", Geo.GDALDatasetGetLayer),
            LinkedGDAL.entry("GDALDatasetGetLayerByName", Geo.GDALDatasetGetLayerByName),
            LinkedGDAL.entry("GDALDatasetGetLayerCount", Geo.GDALDatasetGetLayerCount),
            LinkedGDAL.entry("GDALGetDriverByName", Geo.GDALGetDriverByName),
            LinkedGDAL.entry("GDALGetGeoTransform", Geo.GDALGetGeoTransform),
            LinkedGDAL.entry("GDALGetProjectionRef", Geo.GDALGetProjectionRef),
            LinkedGDAL.entry("GDALGetRasterBand", Geo.GDALGetRasterBand),
            LinkedGDAL.entry("GDALGetRasterCount", Geo.GDALGetRasterCount),
            LinkedGDAL.entry("GDALGetRasterNoDataValue", Geo.GDALGetRasterNoDataValue),
            LinkedGDAL.entry("GDALGetRasterOffset", Geo.GDALGetRasterOffset),
            LinkedGDAL.entry("GDALGetRasterScale", Geo.GDALGetRasterScale),
            LinkedGDAL.entry("GDALGetRasterUnitType", Geo.GDALGetRasterUnitType),
            LinkedGDAL.entry("GDALGetRasterXSize", Geo.GDALGetRasterXSize),
            LinkedGDAL.entry("GDALGetRasterYSize", Geo.GDALGetRasterYSize),
            LinkedGDAL.entry("GDALOpenEx", Geo.GDALOpenEx),
            LinkedGDAL.entry("GDALRasterIO", Geo.GDALRasterIO),
            LinkedGDAL.entry("GDALSetGeoTransform", Geo.GDALSetGeoTransform),
            LinkedGDAL.entry("GDALSetProjection", Geo.GDALSetProjection),
            LinkedGDAL.entry("GDALSetRasterNoDataValue", Geo.GDALSetRasterNoDataValue),
            LinkedGDAL.entry("OCTDestroyCoordinateTransformation", Geo.OCTDestroyCoordinateTransformation),
            LinkedGDAL.entry("OCTNewCoordinateTransformation", Geo.OCTNewCoordinateTransformation),
            LinkedGDAL.entry("OGR_FD_GetFieldCount", Geo.OGR_FD_GetFieldCount),
            LinkedGDAL.entry("OGR_FD_GetFieldDefn", Geo.OGR_FD_GetFieldDefn),
            LinkedGDAL.entry("OGR_FD_GetGeomFieldCount", Geo.OGR_FD_GetGeomFieldCount),
            LinkedGDAL.entry("OGR_F_Create", Geo.OGR_F_Create),
            LinkedGDAL.entry("OGR_F_Destroy", Geo.OGR_F_Destroy),
            LinkedGDAL.entry("OGR_F_GetFID", Geo.OGR_F_GetFID),
            LinkedGDAL.entry("OGR_F_GetFieldAsDouble", Geo.OGR_F_GetFieldAsDouble),
            LinkedGDAL.entry("OGR_F_GetFieldAsDoubleList", Geo.OGR_F_GetFieldAsDoubleList),
            LinkedGDAL.entry("OGR_F_GetFieldAsInteger64", Geo.OGR_F_GetFieldAsInteger64),
            LinkedGDAL.entry("OGR_F_GetFieldAsInteger64List", Geo.OGR_F_GetFieldAsInteger64List),
            LinkedGDAL.entry("OGR_F_GetFieldAsIntegerList", Geo.OGR_F_GetFieldAsIntegerList),
            LinkedGDAL.entry("OGR_F_GetFieldAsString", Geo.OGR_F_GetFieldAsString),
            LinkedGDAL.entry("OGR_F_GetGeometryRef", Geo.OGR_F_GetGeometryRef),
            LinkedGDAL.entry("OGR_F_IsFieldSetAndNotNull", Geo.OGR_F_IsFieldSetAndNotNull),
            LinkedGDAL.entry("OGR_F_SetFieldDouble", Geo.OGR_F_SetFieldDouble),
            LinkedGDAL.entry("OGR_F_SetFieldDoubleList", Geo.OGR_F_SetFieldDoubleList),
            LinkedGDAL.entry("OGR_F_SetFieldInteger64", Geo.OGR_F_SetFieldInteger64),
            LinkedGDAL.entry("OGR_F_SetFieldNull", Geo.OGR_F_SetFieldNull),
            LinkedGDAL.entry("OGR_F_SetFieldString", Geo.OGR_F_SetFieldString),
            LinkedGDAL.entry("OGR_F_SetGeometryDirectly", Geo.OGR_F_SetGeometryDirectly),
            LinkedGDAL.entry("OGR_F_SetStyleString", Geo.OGR_F_SetStyleString),
            LinkedGDAL.entry("OGR_Fld_Create", Geo.OGR_Fld_Create),
            LinkedGDAL.entry("OGR_Fld_Destroy", Geo.OGR_Fld_Destroy),
            LinkedGDAL.entry("OGR_Fld_GetNameRef", Geo.OGR_Fld_GetNameRef),
            LinkedGDAL.entry("OGR_Fld_GetType", Geo.OGR_Fld_GetType),
            LinkedGDAL.entry("OGR_G_Clone", Geo.OGR_G_Clone),
            LinkedGDAL.entry("OGR_G_CreateFromWkb", Geo.OGR_G_CreateFromWkb),
            LinkedGDAL.entry("OGR_G_DestroyGeometry", Geo.OGR_G_DestroyGeometry),
            LinkedGDAL.entry("OGR_G_ExportToIsoWkb", Geo.OGR_G_ExportToIsoWkb),
            LinkedGDAL.entry("OGR_G_GetLinearGeometry", Geo.OGR_G_GetLinearGeometry),
            LinkedGDAL.entry("OGR_G_HasCurveGeometry", Geo.OGR_G_HasCurveGeometry),
            LinkedGDAL.entry("OGR_G_IsEmpty", Geo.OGR_G_IsEmpty),
            LinkedGDAL.entry("OGR_G_Transform", Geo.OGR_G_Transform),
            LinkedGDAL.entry("OGR_G_WkbSize", Geo.OGR_G_WkbSize),
            LinkedGDAL.entry("OGR_L_CommitTransaction", Geo.OGR_L_CommitTransaction),
            LinkedGDAL.entry("OGR_L_CreateFeature", Geo.OGR_L_CreateFeature),
            LinkedGDAL.entry("OGR_L_CreateField", Geo.OGR_L_CreateField),
            LinkedGDAL.entry("OGR_L_GetFeatureCount", Geo.OGR_L_GetFeatureCount),
            LinkedGDAL.entry("OGR_L_GetLayerDefn", Geo.OGR_L_GetLayerDefn),
            LinkedGDAL.entry("OGR_L_GetName", Geo.OGR_L_GetName),
            LinkedGDAL.entry("OGR_L_GetNextFeature", Geo.OGR_L_GetNextFeature),
            LinkedGDAL.entry("OGR_L_GetSpatialRef", Geo.OGR_L_GetSpatialRef),
            LinkedGDAL.entry("OGR_L_ResetReading", Geo.OGR_L_ResetReading),
            LinkedGDAL.entry("OGR_L_StartTransaction", Geo.OGR_L_StartTransaction),
            LinkedGDAL.entry("OSRAutoIdentifyEPSG", Geo.OSRAutoIdentifyEPSG),
            LinkedGDAL.entry("OSRClone", Geo.OSRClone),
            LinkedGDAL.entry("OSRDestroySpatialReference", Geo.OSRDestroySpatialReference),
            LinkedGDAL.entry("OSRExportToWkt", Geo.OSRExportToWkt),
            LinkedGDAL.entry("OSRFindMatches", Geo.OSRFindMatches),
            LinkedGDAL.entry("OSRFreeSRSArray", Geo.OSRFreeSRSArray),
            LinkedGDAL.entry("OSRGetAuthorityCode", Geo.OSRGetAuthorityCode),
            LinkedGDAL.entry("OSRGetAuthorityName", Geo.OSRGetAuthorityName),
            LinkedGDAL.entry("OSRGetName", Geo.OSRGetName),
            LinkedGDAL.entry("OSRGetTOWGS84", Geo.OSRGetTOWGS84),
            LinkedGDAL.entry("OSRImportFromEPSG", Geo.OSRImportFromEPSG),
            LinkedGDAL.entry("OSRIsGeographic", Geo.OSRIsGeographic),
            LinkedGDAL.entry("OSRIsSame", Geo.OSRIsSame),
            LinkedGDAL.entry("OSRNewSpatialReference", Geo.OSRNewSpatialReference),
            LinkedGDAL.entry("OSRSetAxisMappingStrategy", Geo.OSRSetAxisMappingStrategy),
            LinkedGDAL.entry("OSRSetFromUserInput", Geo.OSRSetFromUserInput),
            LinkedGDAL.entry("VSIFCloseL", Geo.VSIFCloseL),
            LinkedGDAL.entry("VSIFOpenL", Geo.VSIFOpenL),
            LinkedGDAL.entry("VSIFReadL", Geo.VSIFReadL),
            LinkedGDAL.entry("VSIFree", Geo.VSIFree),
            LinkedGDAL.entry("VSIGetMemFileBuffer", Geo.VSIGetMemFileBuffer),
            LinkedGDAL.entry("VSIRmdirRecursive", Geo.VSIRmdirRecursive),
            LinkedGDAL.entry("VSIUnlink", Geo.VSIUnlink)
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
