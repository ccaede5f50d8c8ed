import CGEOS

/// The calling thread's GEOS context: created on first use, finished when the thread ends, never shared.
/// GEOS reports failures through a message handler; the last message is kept here and turned into
/// a `GeoError.geos` by `check`.
final class GEOSContext {
    let handle: GEOSContextHandle_t
    fileprivate(set) var lastError: String?

    private static let perThread = ThreadLocal { try GEOSContext() }

    /// The context of the calling thread; throws when GEOS cannot make one (out of memory).
    static func current() throws -> GEOSContext { try perThread.value() }

    private init() throws {
        guard let h = GEOS_init_r() else { throw GeoError.geos("GEOS_init_r failed: out of memory") }
        handle = h
        let me = Unmanaged.passUnretained(self).toOpaque()
        GEOSContext_setErrorMessageHandler_r(handle, { message, userdata in
            guard let userdata else { return }
            let ctx = Unmanaged<GEOSContext>.fromOpaque(userdata).takeUnretainedValue()
            ctx.lastError = message.map { String(cString: $0) } ?? "unknown GEOS error"
        }, me)
        // Notices (e.g. "Self-intersection at…") are informational; validity reasons are read explicitly.
        GEOSContext_setNoticeMessageHandler_r(handle, { _, _ in }, me)
    }

    deinit { GEOS_finish_r(handle) }

    /// The error GEOS reported for the call just made, clearing it.
    func takeError(_ fallback: @autoclosure () -> String) -> GeoError {
        defer { lastError = nil }
        return .geos(lastError ?? fallback())
    }

    /// A GEOS result pointer, or the typed error GEOS reported.
    func check<T>(_ pointer: T?, _ what: @autoclosure () -> String) throws -> T {
        guard let pointer else { throw takeError("\(what()) failed") }
        return pointer
    }

    /// Runs a GEOS call that reports failure only through the message handler (a `void` function),
    /// and throws the message it reported.
    func reporting<T>(_ what: @autoclosure () -> String, _ call: () -> T) throws -> T {
        lastError = nil
        let result = call()
        if lastError != nil { throw takeError("\(what()) failed") }
        return result
    }

    /// A GEOS count or id: -1 (or any negative value) is an exception.
    func count(_ value: Int32, _ what: @autoclosure () -> String) throws -> Int {
        guard value >= 0 else { throw takeError("\(what()) failed") }
        return Int(value)
    }

    /// A GEOS predicate result: 1 true, 0 false, 2 exception.
    func predicate(_ code: CChar, _ what: @autoclosure () -> String) throws -> Bool {
        switch code {
        case 1: return true
        case 0: return false
        default: throw takeError("\(what()) failed")
        }
    }
}
