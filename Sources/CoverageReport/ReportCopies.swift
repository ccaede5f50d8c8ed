import Coverage
import FileCommit
import Foundation
import Geo
import GeoIO

/// The text a `--since` run copies from the previous report folder instead of encoding it: a
/// village whose result is reused, whose own fields (id, name, commune, district, province,
/// population, households) are unchanged and whose fixed broadband result is kept has the same
/// entries in report.json, the same features in report.geojson and the same row in report.csv,
/// when both runs agree on the layout's context (docs/incremental.md).
public struct ReportCopies: Sendable {
    /// Per village of this run: the previous run's village whose text it takes, or nil.
    public let from: [Int?]
    let folder: String
    let layout: ReportLayout
    /// The previous run's villages, and per previous village: its place among report.json's gap
    /// entries, the gap features before its first one, and its place among the fibre extensions.
    let previousCount: Int
    let gapRank: [Int?]
    /// The gap features before each previous village's first, and (last) all of them.
    let gapsBefore: [Int]
    let fibreRank: [Int?]
    let gapEntries: Int
    let fibreTotal: Int

    /// The previous folder's files, when they are being checked already (`PreviousFiles`).
    let files: PreviousFiles?

    /// Nil when nothing can be copied (another context, no layout kept, fibre measured again, or
    /// household points or speed tests, which add fields measured against every village).
    /// `files`, when given, are the previous folder's files being checked against `previous`'s layout.
    public init?(previous: IncrementalState, plan: ReusePlan, propertyPrints: [Fingerprint], folder: String, report: Report,
                 csvDialect: CSVDialect, files: PreviousFiles? = nil) {
        guard report.measures.households == nil, report.measures.speed == nil, let layout = previous.layout,
              layout.context == report.layoutContext(csvDialect: csvDialect), plan.fixedReused else { return nil }
        let kept = previous.villages
        from = plan.previous.indices.map { i in
            guard let k = plan.previous[i], k < kept.count, kept[k].properties == propertyPrints[i] else { return nil }
            return k
        }
        guard from.contains(where: { $0 != nil }) else { return nil }
        self.folder = folder
        self.layout = layout
        self.files = files.flatMap { $0.folder == folder ? $0 : nil }
        previousCount = kept.count
        // The previous results are read in place (a copy of each would cost a national run a
        // few hundredths of a second before the reports are begun).
        var gapRank = [Int?](repeating: nil, count: kept.count)
        let entries = Report.gapEntries(count: kept.count) { (kept[$0].coverage.mobileStatus, kept[$0].coverage.fixed?.status == .unavailable) }
        for (g, e) in entries.enumerated() { gapRank[e.index] = g }
        self.gapRank = gapRank
        gapEntries = entries.count
        var fibre = 0
        var gapsBefore = [0], fibreRank = [Int?](repeating: nil, count: kept.count)
        gapsBefore.reserveCapacity(kept.count + 1)
        for k in kept.indices {
            gapsBefore.append(gapsBefore[k] + kept[k].coverage.gaps.count)
            if kept[k].coverage.fixed?.status == .unavailable { fibreRank[k] = fibre; fibre += 1 }
        }
        self.gapsBefore = gapsBefore
        self.fibreRank = fibreRank
        fibreTotal = fibre
    }

    /// The previous folder's file `name` when it is byte for byte the one the layout describes
    /// (a regular file, not a link, with the same digest, every piece within it and as many pieces
    /// as its villages make); nil otherwise (missing, changed since, damaged): this run then
    /// encodes that file in full.
    public func previousText(_ name: String) -> PreviousText? {
        guard let file = layout.file(name) else { return nil }
        let expected: Int
        switch name {
        case "report.json": expected = previousCount + gapEntries
        case "report.geojson": expected = previousCount + gapsBefore[previousCount] + fibreTotal
        default: expected = previousCount
        }
        guard file.pieces.count == expected else { return nil }
        if let files { return files.text(name) }
        return PreviousText(path: (folder as NSString).appendingPathComponent(name), file: file)
    }
}

/// A previous folder's report files that this run writes too, each opened and checked against the
/// side file's layout (as `PreviousText` does) on a thread of its own, one after the other,
/// report.geojson (the largest) first. Started as soon as the side file is read, so that their
/// digests, over hundreds of megabytes at national scale, are known by the time the reports are
/// encoded instead of being taken at the start of the encoding.
public final class PreviousFiles: Sendable {
    let folder: String
    private let checked: [String: BackgroundTask<PreviousText?>]
    /// The order the files are checked in.
    static let order = ["report.geojson", "report.json", "report.csv", "report.html"]

    /// `names`: the report files this run writes (the others are not read). A file whose digest
    /// `known` holds (this program wrote it, unchanged since) is not read for its check.
    public init(folder: String, layout: ReportLayout, names: Set<String>, known: DigestCache? = nil) {
        self.folder = folder
        var checked: [String: BackgroundTask<PreviousText?>] = [:]
        var before: BackgroundTask<PreviousText?>?
        for name in Self.order where names.contains(name) {
            guard let file = layout.file(name) else { continue }
            let after = before
            let task = BackgroundTask { () -> PreviousText? in
                _ = try? after?.wait()
                return PreviousText(path: (folder as NSString).appendingPathComponent(name), file: file, known: known)
            }
            checked[name] = task
            before = task
        }
        self.checked = checked
    }

    /// File `name` when it is the one the layout describes (see `PreviousText`), waiting for its check.
    public func text(_ name: String) -> PreviousText? {
        (try? checked[name]?.wait()) ?? nil
    }
}

/// A previous report file, mapped (`MappedInput`) and checked whole once against the side file's
/// layout; each piece's text is then the file's own bytes, copied straight into this run's file.
/// Should another program cut the file short while its text is copied, covgap ends with an error
/// naming it before anything is put in place (`MappedRegions`).
public final class PreviousText: Sendable {
    let file: MappedInput
    let pieces: [Range<Int>]
    /// Where the pages let go by `release(below:)` end.
    private let released = Locked(0)

    init?(path: String, file layout: ReportLayout.File, known: DigestCache? = nil) {
        guard let file = try? MappedInput.map(path, followSymlinks: false, binary: true),
              (layout.pieces.last?.upperBound ?? 0) <= file.bytes.count else { return nil }
        // A file whose digest is known (`DigestCache`: this program wrote it, unchanged since)
        // needs no reading; any other, the digest of the whole file, its pages let go as it goes
        // (the copies read them again).
        if file.identity.flatMap({ known?.digest(.report, of: $0) }) != layout.digest {
            var digest = FileDigest()
            let whole = UnsafeRawBufferPointer(file.bytes), step = 16 << 20
            for start in stride(from: 0, to: whole.count, by: step) {
                let range = start..<min(whole.count, start + step)
                digest.update(UnsafeRawBufferPointer(rebasing: whole[range]))
                file.release(range)
            }
            guard digest.finish() == layout.digest else { return nil }
        }
        self.file = file
        pieces = layout.pieces
    }

    /// The text of piece `k`, as the file holds it (valid while this lives).
    public subscript(piece k: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: file.bytes[pieces[k]])
    }

    /// Lets the pages before `offset` go that were not let go already (`MappedInput.release`).
    func release(below offset: Int) {
        released.update { low in
            guard offset > low else { return }
            file.release(low..<offset)
            low = offset
        }
    }
}

/// For each piece of a report file as this run writes it, the previous file's piece holding its
/// text, or nil to encode it.
public struct CopyPlan: Sendable {
    public let source: PreviousText
    public let pieces: [Int?]

    public init(source: PreviousText, pieces: [Int?]) {
        self.source = source; self.pieces = pieces
    }

    /// Per piece (the first `count`, or all), whether its text is copied.
    public func copied(first count: Int? = nil) -> [Bool] {
        pieces.prefix(count ?? pieces.count).map { $0 != nil }
    }

    /// The text piece `k` of this run's file takes, when copied.
    public func text(_ k: Int) -> UnsafeBufferPointer<UInt8>? {
        pieces[k].map { source[piece: $0] }
    }

    /// Tells the previous file that this run's pieces before `k` are written (their text copied, or
    /// encoded): its pages before the next copied piece's text are let go (`MappedInput.release`),
    /// so that the file does not become the process's memory as it is copied. Pieces copied out of
    /// order are read again.
    public func written(before k: Int) {
        guard let next = pieces[min(k, pieces.count)...].lazy.compactMap({ $0 }).first else { return }
        source.release(below: source.pieces[next].lowerBound)
    }
}

extension Report {
    /// What a village's text depends on besides its own record: the covgap version, the
    /// parameters (precision and language among them), the operators, report.csv's dialect and
    /// whether households or speed tests add fields (a run with them copies nothing, and a run
    /// without them must not copy the text of one with them). Kept in the side file's layout.
    public func layoutContext(csvDialect: CSVDialect) -> String {
        var parts = [Self.generator, Self.parametersFingerprint(result.parameters, precision: precision), language.rawValue,
                     csvDialect.rawValue, measures.households == nil ? "-" : "households", measures.speed == nil ? "-" : "speed"]
        parts += result.operators
        return SHA256.hex(Array(parts.joined(separator: "\u{1F}").utf8))
    }

    /// report.json's pieces (village entries, then gap entries in order) that `copies` holds.
    public func jsonCopyPlan(_ copies: ReportCopies, source: PreviousText) -> CopyPlan {
        var pieces = copies.from
        for e in gapEntries() {
            pieces.append(copies.from[e.index].flatMap { k in copies.gapRank[k].map { copies.previousCount + $0 } })
        }
        return CopyPlan(source: source, pieces: pieces)
    }

    /// Per feature of report.geojson (village features, gap areas, fibre extensions), the previous
    /// run's feature whose text it takes from `copies`, or nil.
    public func geojsonPieces(_ copies: ReportCopies) -> [Int?] {
        let villages = result.villages, before = copies.gapsBefore
        var pieces = copies.from
        // Read in place: a copy of each village's result (its arrays retained and released) took
        // more than half of this loop's time.
        for i in villages.indices {
            for j in 0..<villages[i].gaps.count {
                pieces.append(copies.from[i].flatMap { k in before[k] + j < before[k + 1] ? copies.previousCount + before[k] + j : nil })
            }
        }
        let fibreStart = copies.previousCount + before[copies.previousCount]
        for i in villages.indices where villages[i].fixed?.status == .unavailable {
            pieces.append(copies.from[i].flatMap { k in copies.fibreRank[k].map { fibreStart + $0 } })
        }
        return pieces
    }

    /// report.csv's rows that `copies` holds.
    public func csvCopyPlan(_ copies: ReportCopies, source: PreviousText) -> CopyPlan {
        CopyPlan(source: source, pieces: copies.from)
    }

    /// report.json's text from its tree (pretty, ending in a newline, as `JSONValue.encoded` writes
    /// it) and where each village entry and each gap entry lies; the entries `copy` holds are copied
    /// (the tree may hold anything in their place).
    public func jsonText(_ tree: JSONValue, copy: CopyPlan?) -> (text: [UInt8], pieces: [Range<Int>]) {
        var text: [UInt8] = []
        let pieces = jsonText(tree, copy: copy) { text += $0 }
        return (text, pieces)
    }

    /// `jsonText(_:copy:)` handed to `write` in pieces of about `drainEvery` bytes (the text of a
    /// national report, a hundred megabytes, is never whole in memory); returns the pieces.
    public func jsonText(_ tree: JSONValue, copy: CopyPlan?, into write: ([UInt8]) throws -> Void) rethrows -> [Range<Int>] {
        guard case .object(let top) = tree else { try write(tree.encoded(style: .pretty) + [0x0A]); return [] }
        var w = JSONWriter(style: .pretty)
        var pieces: [Range<Int>] = []
        var base = 0
        w.beginObject()
        for m in top {
            w.key(m.key)
            guard m.key == "villages" || m.key == "gaps", case .array(let items) = m.value else { w.value(m.value); continue }
            w.beginArray()
            for (e, item) in items.enumerated() {
                if let text = copy?.text(base + e) { pieces.append(w.rawRange(text)) } else { pieces.append(w.valueRange(item)) }
                if w.bytes.count >= Self.drainEvery {
                    try w.drain(write)
                    copy?.written(before: base + e + 1)
                }
            }
            w.endArray()
            base += items.count
        }
        w.endObject()
        w.finish()
        try w.drain(write)
        return pieces
    }

    /// report.json's and report.csv's text go out in pieces of about this many bytes.
    static let drainEvery = 1 << 17
}
