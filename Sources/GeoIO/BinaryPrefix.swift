#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension TextEncoding {
    /// How many leading bytes `checkPrefix` looks at.
    public static let prefixLength = 4096

    /// The checks of `checkUTF8` that a file's first bytes settle (UTF-32 and UTF-16, with or
    /// without a BOM, and NUL bytes), so that a large binary file is refused before it is read
    /// whole. The messages are `checkUTF8`'s.
    public static func checkPrefix(_ bytes: UnsafeBufferPointer<UInt8>, source: String) throws {
        let head = UnsafeBufferPointer(rebasing: bytes[0..<min(bytes.count, prefixLength)])
        guard let base = head.baseAddress, head.count > 0 else { return }
        let hasNUL = memchr(base, 0, head.count) != nil
        let bom = head.count >= 2 && ((head[0] == 0xFF && head[1] == 0xFE) || (head[0] == 0xFE && head[1] == 0xFF))
        // Only these end in a refusal; a prefix cut in the middle of a UTF-8 sequence is left to checkUTF8.
        if hasNUL || bom { _ = try checkUTF8(head, source: source) }
    }
}
