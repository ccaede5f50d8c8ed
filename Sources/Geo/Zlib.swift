#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// zlib streams inflated, for reading back the PNGs rsvg-convert draws: through libdeflate (Debian's
/// libdeflate0, which PROJ's libtiff brings along) where the system has it, about three times as
/// fast as zlib on a national map's frame (21 MB of rows), else through zlib (zlib1g, which every
/// system has). Both are opened by their runtime names and their functions found by name; PROJ has
/// them loaded already, so that a run which reads a frame back does not load GDAL (and the libraries
/// it brings along) for it.
public enum Zlib {
    /// An inflater: zlib's `uncompress`, or libdeflate's.
    enum Inflater {
        case zlib(Uncompress)
        case libdeflate(alloc: AllocDecompressor, decompress: ZlibDecompress, free: FreeDecompressor)
    }
    typealias Uncompress = @convention(c) (UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<UInt>?, UnsafePointer<UInt8>?, UInt) -> Int32
    typealias AllocDecompressor = @convention(c) () -> OpaquePointer?
    typealias ZlibDecompress = @convention(c) (OpaquePointer?, UnsafeRawPointer?, Int, UnsafeMutableRawPointer?, Int, UnsafeMutablePointer<Int>?) -> Int32
    typealias FreeDecompressor = @convention(c) (OpaquePointer?) -> Void

    /// The first of `names` the loader opens.
    private static func open(_ names: [String]) -> UnsafeMutableRawPointer? { names.lazy.compactMap { dlopen($0, RTLD_LAZY) }.first }

    /// zlib's inflater, or why there is none.
    static let zlib: Result<Inflater, GeoError> = {
        guard let library = open(["libz.so.1", "libz.so", "libz.dylib"]) else { return .failure(.invalidInput("zlib could not be loaded")) }
        guard let f = dlsym(library, "uncompress") else { return .failure(.invalidInput("zlib has no uncompress")) }
        return .success(.zlib(unsafeBitCast(f, to: Uncompress.self)))
    }()

    /// libdeflate's inflater, or nil where the system has none.
    static let libdeflate: Inflater? = {
        guard let library = open(["libdeflate.so.0", "libdeflate.so", "libdeflate.0.dylib"]),
              let alloc = dlsym(library, "libdeflate_alloc_decompressor"), let decompress = dlsym(library, "libdeflate_zlib_decompress"),
              let free = dlsym(library, "libdeflate_free_decompressor") else { return nil }
        return .libdeflate(alloc: unsafeBitCast(alloc, to: AllocDecompressor.self), decompress: unsafeBitCast(decompress, to: ZlibDecompress.self),
                           free: unsafeBitCast(free, to: FreeDecompressor.self))
    }()

    /// The bytes of the zlib stream `data`, which must make exactly `count` bytes; throws when the
    /// stream is damaged, cut short, or makes another count.
    public static func inflate(_ data: [UInt8], count: Int) throws -> [UInt8] {
        try inflate(data, count: count, with: libdeflate ?? zlib.get())
    }

    static func inflate(_ data: [UInt8], count: Int, with inflater: Inflater) throws -> [UInt8] {
        // What the inflater said: made `made` bytes; or the stream is damaged or cut short (`status`);
        // or it makes more than the room given.
        enum Outcome { case made(Int), damaged(Int32), tooLong }
        var outcome = Outcome.damaged(0)
        // One byte more than expected, so that a stream making more than `count` is seen.
        let out = [UInt8](unsafeUninitializedCapacity: count + 1) { buffer, initialized in
            data.withUnsafeBufferPointer { input in
                switch inflater {
                case .zlib(let uncompress):
                    var made = UInt(count + 1)
                    let status = uncompress(buffer.baseAddress, &made, input.baseAddress, UInt(input.count))
                    // Z_OK is 0; Z_BUF_ERROR (-5) is a stream making more than the room given.
                    outcome = status == 0 ? .made(Int(made)) : status == -5 ? .tooLong : .damaged(status)
                case .libdeflate(let alloc, let decompress, let free):
                    guard let d = alloc() else { outcome = .damaged(-1); return }
                    defer { free(d) }
                    var made = 0
                    let status = decompress(d, input.baseAddress, input.count, buffer.baseAddress, count + 1, &made)
                    // LIBDEFLATE_SUCCESS is 0; LIBDEFLATE_INSUFFICIENT_SPACE (3) a stream making more than the room given.
                    outcome = status == 0 ? .made(made) : status == 3 ? .tooLong : .damaged(status)
                }
            }
            if case .made(let made) = outcome { initialized = min(made, count + 1) } else { initialized = 0 }
        }
        switch outcome {
        case .made(let made) where made == count: return out   // `count` bytes initialized: no copy of a frame's rows
        case .made(let made): throw GeoError.invalidInput("a zlib stream made \(made) bytes where \(count) were expected")
        case .tooLong: throw GeoError.invalidInput("a zlib stream made more than the \(count) bytes expected")
        case .damaged(let status): throw GeoError.invalidInput("a zlib stream could not be inflated (damaged or cut short; status \(status))")
        }
    }
}
