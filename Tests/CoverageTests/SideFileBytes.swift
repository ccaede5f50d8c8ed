@testable import Coverage

/// The bytes a side file's writer hands `flush` for one of its parts (written by `write`), then
/// those it still holds.
func sideFileBytes(_ write: (inout IncrementalState.Writer, (UnsafeRawBufferPointer) -> Void) -> Void) -> [UInt8] {
    var w = IncrementalState.Writer(), out: [UInt8] = []
    write(&w) { out += $0 }
    return out + w.bytes
}

/// `body` with a reader of `bytes` from their start.
func readingSideFile<T>(_ bytes: [UInt8], _ body: (inout IncrementalState.Reader) throws -> T) rethrows -> T {
    try bytes.withUnsafeBufferPointer { b in
        var r = IncrementalState.Reader(b)
        return try body(&r)
    }
}
