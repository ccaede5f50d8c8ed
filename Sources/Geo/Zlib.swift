#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// zlib's inflate, for reading back the PNGs rsvg-convert draws. zlib (Debian's zlib1g, which every
/// system has) is opened by its runtime name and its `uncompress` found by name: PROJ has it loaded
/// already, so that a run which reads a frame back does not load GDAL (and the libraries it brings
/// along) for it.
public enum Zlib {
    /// zlib's `uncompress(dest, destLen, source, sourceLen)`.
    typealias Uncompress = @convention(c) (UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<UInt>?, UnsafePointer<UInt8>?, UInt) -> Int32

    /// The function, or why it could not be found.
    static let uncompress: Result<Uncompress, GeoError> = {
        let names = ["libz.so.1", "libz.so", "libz.dylib"]
        guard let library = names.lazy.compactMap({ dlopen($0, RTLD_LAZY) }).first else {
            return .failure(.invalidInput("zlib could not be loaded (\(names.joined(separator: ", ")))"))
        }
        guard let f = dlsym(library, "uncompress") else { return .failure(.invalidInput("zlib has no uncompress")) }
        return .success(unsafeBitCast(f, to: Uncompress.self))
    }()

    /// The bytes of the zlib stream `data`, which must make exactly `count` bytes; throws when the
    /// stream is damaged, cut short, or makes another count.
    public static func inflate(_ data: [UInt8], count: Int) throws -> [UInt8] {
        let uncompress = try uncompress.get()
        var made: UInt = 0
        var status: Int32 = 0
        // One byte more than expected, so that a stream making more than `count` is seen.
        let out = [UInt8](unsafeUninitializedCapacity: count + 1) { buffer, initialized in
            made = UInt(count + 1)
            status = data.withUnsafeBufferPointer { input in
                uncompress(buffer.baseAddress, &made, input.baseAddress, UInt(input.count))
            }
            initialized = status == 0 ? min(Int(made), count + 1) : 0
        }
        // Z_OK is 0; Z_BUF_ERROR (-5) is a stream making more than the buffer holds.
        guard status == 0, Int(made) == count else {
            throw GeoError.invalidInput(status == -5 ? "a zlib stream made more than the \(count) bytes expected"
                                        : status != 0 ? "a zlib stream could not be inflated (damaged or cut short; zlib's status \(status))"
                                        : "a zlib stream made \(made) bytes where \(count) were expected")
        }
        return Array(out.prefix(count))
    }
}
