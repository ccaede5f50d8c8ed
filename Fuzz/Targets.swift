// libFuzzer target for the plan's targets file (targets.json), compiled by Scripts/fuzz in one
// module with the sources of Geo, GeoIO, FileCommit and Coverage.
//
// Oracle: any bytes either read or fail with an InputError (never a trap, a hang or a memory
// error), and every target read has a unique, non-empty id, a figure to compare and a finite goal.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTargets(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let plan: PlanTargets
    do {
        plan = try PlanTargets.read(Array(UnsafeBufferPointer(start: data, count: size)), source: "targets.json")
    } catch let error as InputError {
        _ = error.description
        return 0
    } catch {
        fatalError("the targets reader threw \(type(of: error)), not an InputError: \(error)")
    }
    var ids = Set<String>()
    for t in plan.targets {
        precondition(!t.id.isEmpty && ids.insert(t.id).inserted, "target id \"\(t.id)\" is empty or repeated")
        precondition(!t.figure.isEmpty, "target \(t.id) compares no figure")
        precondition(t.goal.isFinite, "target \(t.id) has the goal \(t.goal)")
    }
    return 0
}
