import Crypto
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SHA-256 (FIPS 180-4), for recording which input files a report was made from.
public enum SHA256 {
    /// The digest of `bytes` as 64 lowercase hex digits.
    public static func hex(_ bytes: [UInt8]) -> String {
        var hasher = Hasher()
        bytes.withUnsafeBytes { hasher.update($0) }
        return hasher.finish()
    }

    /// The digest of the file at `path`, read a megabyte at a time (a DEM of hundreds of
    /// megabytes is never held whole); nil when it cannot be opened or read.
    public static func hex(ofFileAt path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let size = 1 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 64)
        defer { buffer.deallocate() }
        var hasher = Hasher()
        while true {
            let n = read(fd, buffer.baseAddress, size)
            if n == 0 { return hasher.finish() }
            if n < 0 {
                if errno == EINTR { continue }
                return nil
            }
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        }
    }

    /// A digest fed in pieces (swift-crypto's SHA-256: BoringSSL's, with the processor's SHA
    /// instructions where it has them; a DEM of hundreds of megabytes takes a fraction of a second).
    public struct Hasher {
        private var digest = Crypto.SHA256()

        public init() {}

        public mutating func update(_ bytes: UnsafeRawBufferPointer) {
            digest.update(bufferPointer: bytes)
        }

        /// The digest as 64 lowercase hex digits.
        public mutating func finish() -> String {
            let digits = Array("0123456789abcdef".utf8)
            var out: [UInt8] = []
            out.reserveCapacity(64)
            for byte in digest.finalize() {
                out.append(digits[Int(byte >> 4)])
                out.append(digits[Int(byte & 0xf)])
            }
            return String(decoding: out, as: UTF8.self)
        }
    }
}
