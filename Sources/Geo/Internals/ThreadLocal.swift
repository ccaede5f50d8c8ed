#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One lazily created instance of `Value` per thread, released when the thread ends.
/// Used for the GEOS and PROJ contexts, which must never be shared between threads.
final class ThreadLocal<Value: AnyObject>: @unchecked Sendable {
    private var key = pthread_key_t()
    private let make: @Sendable () -> Value

    init(_ make: @escaping @Sendable () -> Value) {
        self.make = make
        let rc = pthread_key_create(&key) { pointer in
            #if canImport(Glibc)
            guard let pointer else { return }
            #endif
            Unmanaged<AnyObject>.fromOpaque(pointer).release()
        }
        precondition(rc == 0, "pthread_key_create failed")
    }

    var value: Value {
        if let p = pthread_getspecific(key) {
            return Unmanaged<Value>.fromOpaque(p).takeUnretainedValue()
        }
        let v = make()
        pthread_setspecific(key, Unmanaged.passRetained(v as AnyObject).toOpaque())
        return v
    }
}
