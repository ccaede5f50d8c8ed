/// zlib's inflate, as GDAL carries it (`CPLZLibInflate`), for reading back the PNGs rsvg-convert
/// draws. GDAL is loaded for it, not its drivers registered.
public enum Zlib {
    /// The bytes of the zlib stream `data`, which must make exactly `count` bytes; throws when the
    /// stream is damaged, cut short, or makes another count.
    public static func inflate(_ data: [UInt8], count: Int) throws -> [UInt8] {
        try GDALLink.load()
        var made = 0
        var failed = false
        // One byte more than expected, so that a stream making more than `count` is seen.
        let out = [UInt8](unsafeUninitializedCapacity: count + 1) { buffer, initialized in
            let result = data.withUnsafeBytes { input in
                CPLZLibInflate(input.baseAddress, input.count, buffer.baseAddress, count + 1, &made)
            }
            failed = result == nil
            initialized = failed ? 0 : min(made, count + 1)
        }
        guard !failed, made == count else {
            throw GeoError.gdal(failed ? "a zlib stream could not be inflated (damaged or cut short)"
                                       : "a zlib stream made \(made) bytes where \(count) were expected")
        }
        return Array(out.prefix(count))
    }
}
