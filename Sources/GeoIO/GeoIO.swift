// GeoIO: the file formats covgap reads and writes. It knows formats, not telecoms.
//
// Choices made here, for callers and for the project docs:
//
// - Input text must be UTF-8 (a BOM is skipped). UTF-16/UTF-32 and invalid UTF-8 are refused
//   before parsing; for invalid UTF-8 the message names the likely legacy encoding (TCVN3, VNI,
//   Windows-1252) judged by how many words decode to well-formed Vietnamese syllables
//   (`TextEncoding`). Everything read comes back in NFC (`nfc`); `searchKey` folds case,
//   diacritics and đ for name matching.
// - Errors about input are `InputError` values whose description is one line:
//   "<path as given> <location>, field <field>: <message>". Locations are "row N" (spreadsheet
//   numbering, header = row 1; "row N (line L)" when a quoted line break has shifted the lines),
//   "feature N" (0-based, like QGIS/GDAL FIDs) or "line L, column C" for syntax errors.
//   Failures to write are `FileWriteError` values naming the path and strerror.
// - JSON: RFC 8259, read by a byte-level scanner (no Foundation decoders). Numbers are Doubles;
//   integral values are written as integers, others in the shortest round-trip form; NaN and
//   infinities are written as null. Object members keep their order.
// - GeoJSON: RFC 7946. Reading keeps the legacy `crs` name for the caller, drops Z/M, checks ring
//   closure and sizes, and refuses coordinates beyond ±1e10 (no CRS on Earth reaches that).
//   Writing: one feature per line, `type, id, properties, geometry`, fixed decimals (6 by
//   default, rounded half away from zero on the exact binary value), exterior rings
//   counter-clockwise and holes clockwise, no `crs`.
// - CSV: RFC 4180 plus CR/LF/CRLF endings, BOM, `;` or tab separators when the header line has
//   no comma. The writer emits UTF-8 without BOM and LF line endings, quoting only when needed.
// - Output files go through `AtomicFile.write`: temporary file, fsync, rename.
