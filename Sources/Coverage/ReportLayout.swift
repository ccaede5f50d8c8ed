/// Where the text of each village lies in the report files a run wrote (report.json,
/// report.geojson, report.csv), kept in the side file: a later `--since` run copies the text of a
/// village whose record is unchanged instead of encoding it again (docs/incremental.md).
public struct ReportLayout: Sendable, Equatable {
    /// One report file: its name, the digest of its bytes as written (`FileDigest`) and its pieces (byte ranges,
    /// in file order). report.json's pieces are its village entries, then its gap entries in the
    /// file's order; report.geojson's are its features; report.csv's are its data rows.
    public struct File: Sendable, Equatable {
        public var name: String
        public var digest: String
        public var pieces: [Range<Int>]

        public init(name: String, digest: String, pieces: [Range<Int>]) {
            self.name = name; self.digest = digest; self.pieces = pieces
        }
    }

    /// SHA-256 of what a village's text depends on beyond its own record (the covgap version, the
    /// parameters, the operators, the language, report.csv's dialect): text is copied only between
    /// runs that agree on it.
    public var context: String
    public var files: [File]

    public init(context: String, files: [File]) {
        self.context = context; self.files = files
    }

    public func file(_ name: String) -> File? { files.first { $0.name == name } }

    func encode(into w: inout IncrementalState.Writer) {
        w.string(context)
        w.varint(UInt64(files.count))
        for f in files {
            w.string(f.name)
            w.string(f.digest)
            w.varint(UInt64(f.pieces.count))
            // Each piece as the bytes skipped since the previous piece's end, then its length.
            var end = 0
            for p in f.pieces {
                w.varint(UInt64(p.lowerBound - end))
                w.varint(UInt64(p.count))
                end = p.upperBound
            }
        }
    }

    static func decode(_ r: inout IncrementalState.Reader) throws -> ReportLayout {
        let context = try r.string()
        let files = try (0..<(try r.count())).map { _ -> File in
            let name = try r.string(), digest = try r.string()
            var end = 0
            let pieces = try (0..<(try r.count())).map { _ -> Range<Int> in
                let skip = try r.varint(), length = try r.varint()
                guard skip < 1 << 40, length < 1 << 40 else { throw IncrementalState.Reader.damaged }
                let start = end + Int(skip)
                end = start + Int(length)
                guard end < 1 << 50 else { throw IncrementalState.Reader.damaged }
                return start..<end
            }
            return File(name: name, digest: digest, pieces: pieces)
        }
        return ReportLayout(context: context, files: files)
    }
}
