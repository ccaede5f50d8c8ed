// libFuzzer target for the side file a report folder keeps for `--since` (report.reuse), compiled
// by Scripts/fuzz in one module with the sources of Geo, GeoIO, FileCommit and Coverage.
//
// Oracle: any bytes either read or fail with IncrementalState.Mismatch (never a trap, a hang or a
// memory error); what reads holds only results a run can have made and villages the villages
// reader can have made; and written again it reads back as a side file that is written again
// byte for byte the same.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSideFile(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let state: IncrementalState
    do {
        state = try IncrementalState.decode(Array(UnsafeBufferPointer(start: data, count: size)))
    } catch let error as IncrementalState.Mismatch {
        _ = error.description
        return 0
    } catch {
        fatalError("the side file reader threw \(type(of: error)), not a Mismatch: \(error)")
    }
    for v in state.villages { precondition(IncrementalState.isWhole(v.coverage, operators: state.operators.count), "a result no run makes") }
    for v in state.villagesAsRead?.villages ?? [] { precondition(VillagesAsRead.isAsRead(v), "village \(v.id) the reader cannot make") }
    func written(_ s: IncrementalState) -> [UInt8] {
        var out: [UInt8] = []
        s.encode { out += $0 }
        return out
    }
    let once = written(state)
    let again: IncrementalState
    do { again = try IncrementalState.decode(once) } catch { fatalError("a side file written again does not read back: \(error)") }
    precondition(written(again) == once, "a side file read back and written again is not the same bytes")
    return 0
}
