// libFuzzer target for CSVReader, compiled by Scripts/fuzz in one module with GeoIO's sources and
// Geo's Shape.swift (so there is nothing to import).
//
// Oracle: any bytes either read or fail with an InputError (never a trap, a hang or a memory
// error), every row has the header's number of fields, and CSVWriter writes the table back as
// CSV that reads again into the same header and fields.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSVReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)
    let table: CSVTable
    do {
        table = try CSVReader.read(input, source: "fuzz.csv")
    } catch let error as InputError {
        _ = error.description
        return 0
    } catch {
        fatalError("CSVReader threw \(type(of: error)), not an InputError: \(error)")
    }
    for row in table.rows {
        precondition(row.fields.count == table.header.count, "a row has \(row.fields.count) fields for \(table.header.count) columns")
        for name in table.header where !name.isEmpty { _ = row[name] }
    }
    var writer = CSVWriter(header: table.header)
    for row in table.rows { writer.append(row.fields) }
    let again: CSVTable
    do {
        again = try CSVReader.read(bytes: writer.bytes, source: "rewritten.csv")
    } catch {
        fatalError("CSVWriter wrote CSV that does not read back: \(error)\n\(writer.text)")
    }
    precondition(again.header == table.header, "header changed on rewrite: \(table.header) → \(again.header)")
    precondition(again.rows.map(\.fields) == table.rows.map(\.fields), "rows changed on rewrite")
    return 0
}
