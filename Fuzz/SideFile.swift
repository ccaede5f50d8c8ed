// libFuzzer target for the side file a report folder keeps for `--since` (report.reuse), compiled
// by Scripts/fuzz in one module with the sources of Geo, GeoIO, FileCommit and Coverage.
//
// Oracle: any bytes either read or fail with IncrementalState.Mismatch (never a trap, a hang or a
// memory error), whole or with the layout's map parts passed over; what reads whole reads so too,
// the same but for those parts; what reads holds only results a run can have made and villages
// the villages reader can have made; and written again it reads back as a side file that is
// written again byte for byte the same.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSideFile(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // Read as a run that draws no map reads it, passing over the layout's map parts.
    var passed: IncrementalState?
    do {
        passed = try IncrementalState.decode(bytes, mapParts: false)
    } catch let error as IncrementalState.Mismatch {
        _ = error.description
    } catch {
        fatalError("the side file reader threw \(type(of: error)), not a Mismatch: \(error)")
    }
    let state: IncrementalState
    do {
        state = try IncrementalState.decode(bytes)
    } catch let error as IncrementalState.Mismatch {
        _ = error.description
        return 0
    } catch {
        fatalError("the side file reader threw \(type(of: error)), not a Mismatch: \(error)")
    }
    // What reads whole reads without the map's parts too, the same but for them.
    precondition(passed?.layout == state.layout.map { ReportLayout(context: $0.context, files: $0.files) }, "the map's parts passed over change the rest")
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
