import CGDAL
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// libgdal, opened when GDAL is first needed (`GDALLibrary.ready`) rather than when covgap starts.
/// GDAL and the hundred libraries it brings along (drivers' codecs, databases, TLS, …) cost every
/// start about 25 ms of loading, and most runs (GeoJSON and CSV in, the reports out) never call
/// it: covgap is not linked with it, and the functions below are found in it by name. Each has
/// the type of its C declaration (GeoTests checks both, and that each is the library's own).
enum GDALLink {
    /// The names tried in turn: the development package's link (the headers covgap was built
    /// with), then the runtime names of GDAL 3's releases, newest first.
    static let names = ["libgdal.so"] + (26...40).reversed().map { "libgdal.so.\($0)" } + ["libgdal.dylib"]

    /// The library's handle (never closed), shared by every thread.
    struct Handle: @unchecked Sendable { let pointer: UnsafeMutableRawPointer }

    /// The library, or why it could not be opened.
    static let handle = open(names)

    /// The first of `names` the loader opens, or why none could be (the first name's failure).
    static func open(_ names: [String]) -> Result<Handle, GeoError> {
        var first: String?
        for name in names {
            // Global, as linking would have made it: the drivers GDAL loads as plugins find it.
            if let h = dlopen(name, RTLD_LAZY | RTLD_GLOBAL) { return .success(Handle(pointer: h)) }
            if first == nil { first = dlerror().map { String(cString: $0) } }
        }
        return .failure(.gdal("GDAL could not be loaded (\(first ?? "no library name to try")); Scripts/setup installs it (Debian's libgdal-dev)"))
    }

    /// Opens the library, or throws why it cannot be.
    static func load() throws { _ = try handle.get() }

    /// The function `name` of the library, as `type`. Only called once `load` succeeded.
    static func function<T>(_ name: String, as type: T.Type) -> T {
        guard case .success(let h) = handle else { preconditionFailure("\(name) called before GDAL was loaded") }
        guard let f = dlsym(h.pointer, name) else { preconditionFailure("libgdal has no \(name)") }
        return unsafeBitCast(f, to: type)
    }
}

// The GDAL functions covgap calls, by their C names (they stand for CGDAL's declarations in this
// module). Each is looked up the first time it is called.
let CPLCloseFileInZip = GDALLink.function("CPLCloseFileInZip", as: (@convention(c) (UnsafeMutableRawPointer?) -> CPLErr).self)
let CPLCloseZip = GDALLink.function("CPLCloseZip", as: (@convention(c) (UnsafeMutableRawPointer?) -> CPLErr).self)
let CPLCreateFileInZip = GDALLink.function("CPLCreateFileInZip", as: (@convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>?, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CPLErr).self)
let CPLCreateZip = GDALLink.function("CPLCreateZip", as: (@convention(c) (UnsafePointer<CChar>?, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> UnsafeMutableRawPointer?).self)
let CPLErrorReset = GDALLink.function("CPLErrorReset", as: (@convention(c) () -> Void).self)
let CPLGetLastErrorMsg = GDALLink.function("CPLGetLastErrorMsg", as: (@convention(c) () -> UnsafePointer<CChar>?).self)
let CPLGetLastErrorType = GDALLink.function("CPLGetLastErrorType", as: (@convention(c) () -> CPLErr).self)
let CPLQuietErrorHandler = GDALLink.function("CPLQuietErrorHandler", as: CPLErrorHandler.self)
let CPLSetErrorHandler = GDALLink.function("CPLSetErrorHandler", as: (@convention(c) (CPLErrorHandler?) -> CPLErrorHandler?).self)
let CPLSetThreadLocalConfigOption = GDALLink.function("CPLSetThreadLocalConfigOption", as: (@convention(c) (UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Void).self)
let CPLWriteFileInZip = GDALLink.function("CPLWriteFileInZip", as: (@convention(c) (UnsafeMutableRawPointer?, UnsafeRawPointer?, Int32) -> CPLErr).self)
let GDALAllRegister = GDALLink.function("GDALAllRegister", as: (@convention(c) () -> Void).self)
let GDALClose = GDALLink.function("GDALClose", as: (@convention(c) (GDALDatasetH?) -> Void).self)
let GDALCreate = GDALLink.function("GDALCreate", as: (@convention(c) (GDALDriverH?, UnsafePointer<CChar>?, Int32, Int32, Int32, GDALDataType, CSLConstList?) -> GDALDatasetH?).self)
let GDALDatasetCreateLayer = GDALLink.function("GDALDatasetCreateLayer", as: (@convention(c) (GDALDatasetH?, UnsafePointer<CChar>?, OGRSpatialReferenceH?, OGRwkbGeometryType, CSLConstList?) -> OGRLayerH?).self)
let GDALDatasetGetLayer = GDALLink.function("GDALDatasetGetLayer", as: (@convention(c) (GDALDatasetH?, Int32) -> OGRLayerH?).self)
let GDALDatasetGetLayerByName = GDALLink.function("GDALDatasetGetLayerByName", as: (@convention(c) (GDALDatasetH?, UnsafePointer<CChar>?) -> OGRLayerH?).self)
let GDALDatasetGetLayerCount = GDALLink.function("GDALDatasetGetLayerCount", as: (@convention(c) (GDALDatasetH?) -> Int32).self)
let GDALGetDriverByName = GDALLink.function("GDALGetDriverByName", as: (@convention(c) (UnsafePointer<CChar>?) -> GDALDriverH?).self)
let GDALGetGeoTransform = GDALLink.function("GDALGetGeoTransform", as: (@convention(c) (GDALDatasetH?, UnsafeMutablePointer<Double>?) -> CPLErr).self)
let GDALGetProjectionRef = GDALLink.function("GDALGetProjectionRef", as: (@convention(c) (GDALDatasetH?) -> UnsafePointer<CChar>?).self)
let GDALGetRasterBand = GDALLink.function("GDALGetRasterBand", as: (@convention(c) (GDALDatasetH?, Int32) -> GDALRasterBandH?).self)
let GDALGetRasterCount = GDALLink.function("GDALGetRasterCount", as: (@convention(c) (GDALDatasetH?) -> Int32).self)
let GDALGetRasterNoDataValue = GDALLink.function("GDALGetRasterNoDataValue", as: (@convention(c) (GDALRasterBandH?, UnsafeMutablePointer<Int32>?) -> Double).self)
let GDALGetRasterOffset = GDALLink.function("GDALGetRasterOffset", as: (@convention(c) (GDALRasterBandH?, UnsafeMutablePointer<Int32>?) -> Double).self)
let GDALGetRasterScale = GDALLink.function("GDALGetRasterScale", as: (@convention(c) (GDALRasterBandH?, UnsafeMutablePointer<Int32>?) -> Double).self)
let GDALGetRasterUnitType = GDALLink.function("GDALGetRasterUnitType", as: (@convention(c) (GDALRasterBandH?) -> UnsafePointer<CChar>?).self)
let GDALGetRasterXSize = GDALLink.function("GDALGetRasterXSize", as: (@convention(c) (GDALDatasetH?) -> Int32).self)
let GDALGetRasterYSize = GDALLink.function("GDALGetRasterYSize", as: (@convention(c) (GDALDatasetH?) -> Int32).self)
let GDALOpenEx = GDALLink.function("GDALOpenEx", as: (@convention(c) (UnsafePointer<CChar>?, UInt32, UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<UnsafePointer<CChar>?>?) -> GDALDatasetH?).self)
let GDALRasterIO = GDALLink.function("GDALRasterIO", as: (@convention(c) (GDALRasterBandH?, GDALRWFlag, Int32, Int32, Int32, Int32, UnsafeMutableRawPointer?, Int32, Int32, GDALDataType, Int32, Int32) -> CPLErr).self)
let GDALSetGeoTransform = GDALLink.function("GDALSetGeoTransform", as: (@convention(c) (GDALDatasetH?, UnsafeMutablePointer<Double>?) -> CPLErr).self)
let GDALSetProjection = GDALLink.function("GDALSetProjection", as: (@convention(c) (GDALDatasetH?, UnsafePointer<CChar>?) -> CPLErr).self)
let GDALSetRasterNoDataValue = GDALLink.function("GDALSetRasterNoDataValue", as: (@convention(c) (GDALRasterBandH?, Double) -> CPLErr).self)
let OCTDestroyCoordinateTransformation = GDALLink.function("OCTDestroyCoordinateTransformation", as: (@convention(c) (OGRCoordinateTransformationH?) -> Void).self)
let OCTNewCoordinateTransformation = GDALLink.function("OCTNewCoordinateTransformation", as: (@convention(c) (OGRSpatialReferenceH?, OGRSpatialReferenceH?) -> OGRCoordinateTransformationH?).self)
let OGR_FD_GetFieldCount = GDALLink.function("OGR_FD_GetFieldCount", as: (@convention(c) (OGRFeatureDefnH?) -> Int32).self)
let OGR_FD_GetFieldDefn = GDALLink.function("OGR_FD_GetFieldDefn", as: (@convention(c) (OGRFeatureDefnH?, Int32) -> OGRFieldDefnH?).self)
let OGR_FD_GetGeomFieldCount = GDALLink.function("OGR_FD_GetGeomFieldCount", as: (@convention(c) (OGRFeatureDefnH?) -> Int32).self)
let OGR_F_Create = GDALLink.function("OGR_F_Create", as: (@convention(c) (OGRFeatureDefnH?) -> OGRFeatureH?).self)
let OGR_F_Destroy = GDALLink.function("OGR_F_Destroy", as: (@convention(c) (OGRFeatureH?) -> Void).self)
let OGR_F_GetFID = GDALLink.function("OGR_F_GetFID", as: (@convention(c) (OGRFeatureH?) -> GIntBig).self)
let OGR_F_GetFieldAsDouble = GDALLink.function("OGR_F_GetFieldAsDouble", as: (@convention(c) (OGRFeatureH?, Int32) -> Double).self)
let OGR_F_GetFieldAsDoubleList = GDALLink.function("OGR_F_GetFieldAsDoubleList", as: (@convention(c) (OGRFeatureH?, Int32, UnsafeMutablePointer<Int32>?) -> UnsafePointer<Double>?).self)
let OGR_F_GetFieldAsInteger64 = GDALLink.function("OGR_F_GetFieldAsInteger64", as: (@convention(c) (OGRFeatureH?, Int32) -> GIntBig).self)
let OGR_F_GetFieldAsInteger64List = GDALLink.function("OGR_F_GetFieldAsInteger64List", as: (@convention(c) (OGRFeatureH?, Int32, UnsafeMutablePointer<Int32>?) -> UnsafePointer<GIntBig>?).self)
let OGR_F_GetFieldAsIntegerList = GDALLink.function("OGR_F_GetFieldAsIntegerList", as: (@convention(c) (OGRFeatureH?, Int32, UnsafeMutablePointer<Int32>?) -> UnsafePointer<Int32>?).self)
let OGR_F_GetFieldAsString = GDALLink.function("OGR_F_GetFieldAsString", as: (@convention(c) (OGRFeatureH?, Int32) -> UnsafePointer<CChar>?).self)
let OGR_F_GetGeometryRef = GDALLink.function("OGR_F_GetGeometryRef", as: (@convention(c) (OGRFeatureH?) -> OGRGeometryH?).self)
let OGR_F_IsFieldSetAndNotNull = GDALLink.function("OGR_F_IsFieldSetAndNotNull", as: (@convention(c) (OGRFeatureH?, Int32) -> Int32).self)
let OGR_F_SetFieldDouble = GDALLink.function("OGR_F_SetFieldDouble", as: (@convention(c) (OGRFeatureH?, Int32, Double) -> Void).self)
let OGR_F_SetFieldDoubleList = GDALLink.function("OGR_F_SetFieldDoubleList", as: (@convention(c) (OGRFeatureH?, Int32, Int32, UnsafePointer<Double>?) -> Void).self)
let OGR_F_SetFieldInteger64 = GDALLink.function("OGR_F_SetFieldInteger64", as: (@convention(c) (OGRFeatureH?, Int32, GIntBig) -> Void).self)
let OGR_F_SetFieldNull = GDALLink.function("OGR_F_SetFieldNull", as: (@convention(c) (OGRFeatureH?, Int32) -> Void).self)
let OGR_F_SetFieldString = GDALLink.function("OGR_F_SetFieldString", as: (@convention(c) (OGRFeatureH?, Int32, UnsafePointer<CChar>?) -> Void).self)
let OGR_F_SetGeometryDirectly = GDALLink.function("OGR_F_SetGeometryDirectly", as: (@convention(c) (OGRFeatureH?, OGRGeometryH?) -> OGRErr).self)
let OGR_F_SetStyleString = GDALLink.function("OGR_F_SetStyleString", as: (@convention(c) (OGRFeatureH?, UnsafePointer<CChar>?) -> Void).self)
let OGR_Fld_Create = GDALLink.function("OGR_Fld_Create", as: (@convention(c) (UnsafePointer<CChar>?, OGRFieldType) -> OGRFieldDefnH?).self)
let OGR_Fld_Destroy = GDALLink.function("OGR_Fld_Destroy", as: (@convention(c) (OGRFieldDefnH?) -> Void).self)
let OGR_Fld_GetNameRef = GDALLink.function("OGR_Fld_GetNameRef", as: (@convention(c) (OGRFieldDefnH?) -> UnsafePointer<CChar>?).self)
let OGR_Fld_GetType = GDALLink.function("OGR_Fld_GetType", as: (@convention(c) (OGRFieldDefnH?) -> OGRFieldType).self)
let OGR_G_Clone = GDALLink.function("OGR_G_Clone", as: (@convention(c) (OGRGeometryH?) -> OGRGeometryH?).self)
let OGR_G_CreateFromWkb = GDALLink.function("OGR_G_CreateFromWkb", as: (@convention(c) (UnsafeRawPointer?, OGRSpatialReferenceH?, UnsafeMutablePointer<OGRGeometryH?>?, Int32) -> OGRErr).self)
let OGR_G_DestroyGeometry = GDALLink.function("OGR_G_DestroyGeometry", as: (@convention(c) (OGRGeometryH?) -> Void).self)
let OGR_G_ExportToIsoWkb = GDALLink.function("OGR_G_ExportToIsoWkb", as: (@convention(c) (OGRGeometryH?, OGRwkbByteOrder, UnsafeMutablePointer<UInt8>?) -> OGRErr).self)
let OGR_G_GetLinearGeometry = GDALLink.function("OGR_G_GetLinearGeometry", as: (@convention(c) (OGRGeometryH?, Double, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> OGRGeometryH?).self)
let OGR_G_HasCurveGeometry = GDALLink.function("OGR_G_HasCurveGeometry", as: (@convention(c) (OGRGeometryH?, Int32) -> Int32).self)
let OGR_G_IsEmpty = GDALLink.function("OGR_G_IsEmpty", as: (@convention(c) (OGRGeometryH?) -> Int32).self)
let OGR_G_Transform = GDALLink.function("OGR_G_Transform", as: (@convention(c) (OGRGeometryH?, OGRCoordinateTransformationH?) -> OGRErr).self)
let OGR_G_WkbSize = GDALLink.function("OGR_G_WkbSize", as: (@convention(c) (OGRGeometryH?) -> Int32).self)
let OGR_L_CommitTransaction = GDALLink.function("OGR_L_CommitTransaction", as: (@convention(c) (OGRLayerH?) -> OGRErr).self)
let OGR_L_CreateFeature = GDALLink.function("OGR_L_CreateFeature", as: (@convention(c) (OGRLayerH?, OGRFeatureH?) -> OGRErr).self)
let OGR_L_CreateField = GDALLink.function("OGR_L_CreateField", as: (@convention(c) (OGRLayerH?, OGRFieldDefnH?, Int32) -> OGRErr).self)
let OGR_L_GetFeatureCount = GDALLink.function("OGR_L_GetFeatureCount", as: (@convention(c) (OGRLayerH?, Int32) -> GIntBig).self)
let OGR_L_GetLayerDefn = GDALLink.function("OGR_L_GetLayerDefn", as: (@convention(c) (OGRLayerH?) -> OGRFeatureDefnH?).self)
let OGR_L_GetName = GDALLink.function("OGR_L_GetName", as: (@convention(c) (OGRLayerH?) -> UnsafePointer<CChar>?).self)
let OGR_L_GetNextFeature = GDALLink.function("OGR_L_GetNextFeature", as: (@convention(c) (OGRLayerH?) -> OGRFeatureH?).self)
let OGR_L_GetSpatialRef = GDALLink.function("OGR_L_GetSpatialRef", as: (@convention(c) (OGRLayerH?) -> OGRSpatialReferenceH?).self)
let OGR_L_ResetReading = GDALLink.function("OGR_L_ResetReading", as: (@convention(c) (OGRLayerH?) -> Void).self)
let OGR_L_StartTransaction = GDALLink.function("OGR_L_StartTransaction", as: (@convention(c) (OGRLayerH?) -> OGRErr).self)
let OSRAutoIdentifyEPSG = GDALLink.function("OSRAutoIdentifyEPSG", as: (@convention(c) (OGRSpatialReferenceH?) -> OGRErr).self)
let OSRClone = GDALLink.function("OSRClone", as: (@convention(c) (OGRSpatialReferenceH?) -> OGRSpatialReferenceH?).self)
let OSRDestroySpatialReference = GDALLink.function("OSRDestroySpatialReference", as: (@convention(c) (OGRSpatialReferenceH?) -> Void).self)
let OSRExportToWkt = GDALLink.function("OSRExportToWkt", as: (@convention(c) (OGRSpatialReferenceH?, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> OGRErr).self)
let OSRFindMatches = GDALLink.function("OSRFindMatches", as: (@convention(c) (OGRSpatialReferenceH?, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, UnsafeMutablePointer<Int32>?, UnsafeMutablePointer<UnsafeMutablePointer<Int32>?>?) -> UnsafeMutablePointer<OGRSpatialReferenceH?>?).self)
let OSRFreeSRSArray = GDALLink.function("OSRFreeSRSArray", as: (@convention(c) (UnsafeMutablePointer<OGRSpatialReferenceH?>?) -> Void).self)
let OSRGetAuthorityCode = GDALLink.function("OSRGetAuthorityCode", as: (@convention(c) (OGRSpatialReferenceH?, UnsafePointer<CChar>?) -> UnsafePointer<CChar>?).self)
let OSRGetAuthorityName = GDALLink.function("OSRGetAuthorityName", as: (@convention(c) (OGRSpatialReferenceH?, UnsafePointer<CChar>?) -> UnsafePointer<CChar>?).self)
let OSRGetName = GDALLink.function("OSRGetName", as: (@convention(c) (OGRSpatialReferenceH?) -> UnsafePointer<CChar>?).self)
let OSRGetTOWGS84 = GDALLink.function("OSRGetTOWGS84", as: (@convention(c) (OGRSpatialReferenceH?, UnsafeMutablePointer<Double>?, Int32) -> OGRErr).self)
let OSRImportFromEPSG = GDALLink.function("OSRImportFromEPSG", as: (@convention(c) (OGRSpatialReferenceH?, Int32) -> OGRErr).self)
let OSRIsGeographic = GDALLink.function("OSRIsGeographic", as: (@convention(c) (OGRSpatialReferenceH?) -> Int32).self)
let OSRIsSame = GDALLink.function("OSRIsSame", as: (@convention(c) (OGRSpatialReferenceH?, OGRSpatialReferenceH?) -> Int32).self)
let OSRNewSpatialReference = GDALLink.function("OSRNewSpatialReference", as: (@convention(c) (UnsafePointer<CChar>?) -> OGRSpatialReferenceH?).self)
let OSRSetAxisMappingStrategy = GDALLink.function("OSRSetAxisMappingStrategy", as: (@convention(c) (OGRSpatialReferenceH?, OSRAxisMappingStrategy) -> Void).self)
let OSRSetFromUserInput = GDALLink.function("OSRSetFromUserInput", as: (@convention(c) (OGRSpatialReferenceH?, UnsafePointer<CChar>?) -> OGRErr).self)
let VSIFCloseL = GDALLink.function("VSIFCloseL", as: (@convention(c) (UnsafeMutablePointer<VSILFILE>?) -> Int32).self)
let VSIFOpenL = GDALLink.function("VSIFOpenL", as: (@convention(c) (UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> UnsafeMutablePointer<VSILFILE>?).self)
let VSIFReadL = GDALLink.function("VSIFReadL", as: (@convention(c) (UnsafeMutableRawPointer?, Int, Int, UnsafeMutablePointer<VSILFILE>?) -> Int).self)
let VSIFree = GDALLink.function("VSIFree", as: (@convention(c) (UnsafeMutableRawPointer?) -> Void).self)
let VSIGetMemFileBuffer = GDALLink.function("VSIGetMemFileBuffer", as: (@convention(c) (UnsafePointer<CChar>?, UnsafeMutablePointer<vsi_l_offset>?, Int32) -> UnsafeMutablePointer<GByte>?).self)
let VSIRmdirRecursive = GDALLink.function("VSIRmdirRecursive", as: (@convention(c) (UnsafePointer<CChar>?) -> Int32).self)
let VSIUnlink = GDALLink.function("VSIUnlink", as: (@convention(c) (UnsafePointer<CChar>?) -> Int32).self)
