@testable import Geo
import XCTest

/// zlib's inflate as covgap reaches it (`Zlib`): a stream comes back to its bytes; a stream cut
/// short, damaged, or making another count than expected is refused with why.
final class ZlibTests: XCTestCase {
    /// `bytes` as a zlib stream of one stored block (no compression), with its Adler-32.
    func stored(_ bytes: [UInt8]) -> [UInt8] {
        var a: UInt32 = 1, b: UInt32 = 0
        for x in bytes { a = (a + UInt32(x)) % 65_521; b = (b + a) % 65_521 }
        let n = UInt16(bytes.count)
        let adler = b << 16 | a
        return [0x78, 0x01, 0x01, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8(~n >> 8)] + bytes
            + [UInt8(adler >> 24), UInt8(adler >> 16 & 0xFF), UInt8(adler >> 8 & 0xFF), UInt8(adler & 0xFF)]
    }

    /// Through libdeflate and through zlib alike (the system here has both).
    func testAStreamComesBackAndABadOneSaysWhy() throws {
        let inflaters = [("libdeflate", try XCTUnwrap(Zlib.libdeflate)), ("zlib", try Zlib.zlib.get())]
        let text = Array("Làng O2, xã Vĩnh Kim".utf8)
        // A real stream too: the picture's frames are compressed, not stored.
        let rows = (0..<5_000).map { UInt8(truncatingIfNeeded: $0 / 40) }
        let deflated = try XCTUnwrap(compressed(rows))
        for (name, inflater) in inflaters {
            XCTAssertEqual(try Zlib.inflate(stored(text), count: text.count, with: inflater), text, name)
            XCTAssertEqual(try Zlib.inflate(stored([]), count: 0, with: inflater), [], name)
            XCTAssertEqual(try Zlib.inflate(deflated, count: rows.count, with: inflater), rows, name)
            func refused(_ data: [UInt8], _ count: Int, _ why: String) {
                XCTAssertThrowsError(try Zlib.inflate(data, count: count, with: inflater), "\(name): \(why)") {
                    XCTAssertTrue("\($0)".contains(why), "\(name): \($0)")
                }
            }
            refused(stored(text), text.count - 1, "made \(text.count) bytes where \(text.count - 1) were expected")
            refused(stored(text), text.count - 2, "made more than the \(text.count - 2) bytes expected")
            refused(stored(text), text.count + 1, "made \(text.count) bytes where \(text.count + 1) were expected")
            refused(Array(stored(text).dropLast(6)), text.count, "could not be inflated")
            var damaged = stored(text)
            damaged[damaged.count - 1] ^= 1   // the checksum
            refused(damaged, text.count, "could not be inflated")
        }
    }

    /// `bytes` deflated by zlib's `compress` (found as `Zlib` finds `uncompress`).
    func compressed(_ bytes: [UInt8]) -> [UInt8]? {
        typealias Compress = @convention(c) (UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<UInt>?, UnsafePointer<UInt8>?, UInt) -> Int32
        guard let library = dlopen("libz.so.1", RTLD_LAZY), let f = dlsym(library, "compress") else { return nil }
        var out = [UInt8](repeating: 0, count: bytes.count + 64)
        var made = UInt(out.count)
        guard unsafeBitCast(f, to: Compress.self)(&out, &made, bytes, UInt(bytes.count)) == 0 else { return nil }
        return Array(out.prefix(Int(made)))
    }
}
