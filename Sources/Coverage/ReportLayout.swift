import Foundation
import Geo

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
    /// The image covgap drew for report.png's map, when it drew one: a later run draws again only
    /// its bands whose shapes changed.
    public var raster: KeptRaster?
    /// How report.png was put together, when it was: a later run takes the frame's image when the
    /// frame is the same, and the compressed bands whose pixels are the same.
    public var picture: KeptPicture?
    /// The key of each chunk of report.html's map payload, in the order of the file's pieces (the
    /// chunks' text): a later run copies the text of a chunk whose key it makes again
    /// (docs/map-payload.md).
    public var pageChunks: [Fingerprint]
    /// The map's outlines as the picture drew them, and their prints, when a map was drawn from the
    /// analysis: a later run takes those of the features whose text it copies.
    public var outlines: KeptOutlines?
    /// The map's district and commune labels, with the key of what they were placed from: a later
    /// run with the same key takes them instead of placing them again.
    public var labels: KeptLabels?
    /// `raster` and `outlines` as `encode` writes them, when they were encoded ahead (a run encodes
    /// them while it waits for its report files); nil: `encode` encodes them.
    public var imageParts: ImageParts?

    /// The map's image and outlines as the side file writes them.
    public struct ImageParts: Sendable {
        let raster: [UInt8], outlines: [UInt8]

        /// Both encoded side by side; the bands of rows and the features that are the same as
        /// `previous`'s take their bytes from its side file.
        public init(raster: KeptRaster?, outlines: KeptOutlines?, previous: Previous? = nil) {
            (self.raster, self.outlines) = concurrentPair({ () -> [UInt8] in
                var r = IncrementalState.Writer()
                if let raster { r.varint(1); raster.encode(into: &r, previous: previous?.raster) } else { r.varint(0) }
                return r.bytes
            }, { () -> [UInt8] in
                var o = IncrementalState.Writer()
                if let outlines { o.varint(1); outlines.encode(into: &o, previous: previous?.outlines, from: previous?.features ?? []) } else { o.varint(0) }
                return o.bytes
            })
        }

        /// A previous run's image and outlines as its side file held them (a `--since` run), and per
        /// feature of this run's outlines, the previous run's feature whose text it copies.
        public struct Previous: Sendable {
            var raster: KeptRaster?, outlines: KeptOutlines?, features: [Int?]
            public init(raster: KeptRaster?, outlines: KeptOutlines?, features: [Int?]) {
                self.raster = raster; self.outlines = outlines; self.features = features
            }
        }
    }

    /// Made from the image and outlines alone, `imageParts` is not part of a layout's value:
    /// layouts with the same image and outlines are equal whether or not theirs were encoded ahead.
    public static func == (a: ReportLayout, b: ReportLayout) -> Bool {
        a.context == b.context && a.files == b.files && a.raster == b.raster && a.picture == b.picture && a.pageChunks == b.pageChunks
            && a.outlines == b.outlines && a.labels == b.labels
    }

    public init(context: String, files: [File], raster: KeptRaster? = nil, picture: KeptPicture? = nil, pageChunks: [Fingerprint] = [],
                outlines: KeptOutlines? = nil, labels: KeptLabels? = nil) {
        self.context = context; self.files = files; self.raster = raster; self.picture = picture; self.pageChunks = pageChunks
        self.outlines = outlines; self.labels = labels
    }

    public func file(_ name: String) -> File? { files.first { $0.name == name } }

    /// Encodes the layout after `w`'s bytes; the map's parts, the largest, are handed to `flush`
    /// as they are made, after `w`'s bytes (which it empties), not appended to them.
    func encode(into w: inout IncrementalState.Writer, flush: (UnsafeRawBufferPointer) throws -> Void) rethrows {
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
        // The map's image and outlines, the largest parts (this is the side file's last part,
        // written once every report file is).
        let parts = imageParts ?? ImageParts(raster: raster, outlines: outlines)
        let (rasterBytes, outlineBytes) = (parts.raster, parts.outlines)
        // The map's parts after their length in bytes: a run that draws no map passes over them.
        var m = IncrementalState.Writer()
        if let picture { m.varint(1); picture.encode(into: &m) } else { m.varint(0) }
        m.varint(UInt64(pageChunks.count))
        pageChunks.forEach { m.print($0) }
        var l = IncrementalState.Writer()
        if let labels { l.varint(1); labels.encode(into: &l) } else { l.varint(0) }
        w.varint(UInt64(rasterBytes.count + m.bytes.count + outlineBytes.count + l.bytes.count))
        try w.bytes.withUnsafeBytes(flush)
        w.bytes.removeAll(keepingCapacity: true)
        for part in [rasterBytes, m.bytes, outlineBytes, l.bytes] where !part.isEmpty { try part.withUnsafeBytes(flush) }
    }

    /// With `mapParts` false, the map's image, how report.png was put together, the page's chunk
    /// keys and the outlines are passed over, not read (nor checked): a run that draws no map has
    /// no use for them.
    static func decode(_ r: inout IncrementalState.Reader, mapParts: Bool = true) throws -> ReportLayout {
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
        let length = try r.count()
        let partsEnd = r.at + length
        guard mapParts else {
            r.at = partsEnd
            return ReportLayout(context: context, files: files)
        }
        let raster = try r.varint() == 1 ? try KeptRaster.decode(&r) : nil
        let picture = try r.varint() == 1 ? try KeptPicture.decode(&r) : nil
        // 16 bytes a chunk's key; as many keys as report.html has pieces.
        let chunks = try r.count()
        guard chunks * 16 <= r.end - r.at, chunks == files.first(where: { $0.name == "report.html" })?.pieces.count ?? 0 else {
            throw IncrementalState.Reader.damaged
        }
        let pageChunks = try (0..<chunks).map { _ in try r.print() }
        let outlines = try r.varint() == 1 ? try KeptOutlines.decode(&r) : nil
        let labels = try r.varint() == 1 ? try KeptLabels.decode(&r) : nil
        guard r.at == partsEnd else { throw IncrementalState.Reader.damaged }
        return ReportLayout(context: context, files: files, raster: raster, picture: picture, pageChunks: pageChunks, outlines: outlines,
                            labels: labels)
    }
}

/// A ring or line as the map's picture draws it: its points on screen in tenths of a pixel, and
/// whether it is a polygon's hole (`MapPicture.pixelParts` makes them).
public struct PixelPart: Sendable {
    public var tenths: [(Int, Int)]
    public var hole: Bool

    public init(tenths: [(Int, Int)], hole: Bool) { self.tenths = tenths; self.hole = hole }

    /// Whether `a` and `b` are the same parts, point for point (`haveSameBits`: at once when their
    /// points share storage).
    public static func same(_ a: [PixelPart], _ b: [PixelPart]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { p, q in p.hole == q.hole && haveSameBits(p.tenths, q.tenths) }
    }
}

/// The map's outlines as its picture draws them (thinned: villages and gap areas to half a pixel of
/// the picture or 5 m, fibre extensions to 5 m), per feature of report.geojson (its villages, then
/// its gap areas, then its fibre extensions, in its order), with the prints of each feature's
/// outline and of the properties the map gives it, which the chunks of report.html's map data take
/// into their keys (docs/incremental.md). All are functions of the feature in report.geojson, the
/// thinning and what makes the outline: a later run takes them for a feature whose text it copies,
/// when the thinning and the outlines' form are the same, instead of making the outline, thinning it
/// and hashing it again.
public struct KeptOutlines: Sendable, Equatable {
    /// The thinning's tolerance (degrees), and what made the outlines (`MapPayload.Outline.id`).
    public var thinning: Double
    public var form: Int
    /// How many of the features are villages (the first ones).
    public var villages: Int
    /// Per feature: its outline thinned, its outline's print, and the print of its map properties.
    public var thin: [Shape]
    public var prints: [Fingerprint]
    public var propertyPrints: [Fingerprint]
    /// Per feature, its outline as the picture drew it in pixels (none when no picture was drawn
    /// from these outlines), and the key of what those pixels were made with (`MapDrawing.pixels`):
    /// a later picture with the same key takes a feature's pixels with its outline.
    public var pixels: [[PixelPart]]
    public var pixelKey: Fingerprint

    /// Per feature, its bytes in the side file these outlines were read from (nil when made).
    var encoded: EncodedParts?

    public init(thinning: Double, form: Int, villages: Int, thin: [Shape], prints: [Fingerprint], propertyPrints: [Fingerprint],
                pixels: [[PixelPart]] = [], pixelKey: Fingerprint = Fingerprint()) {
        self.thinning = thinning; self.form = form; self.villages = villages
        self.thin = thin; self.prints = prints; self.propertyPrints = propertyPrints
        self.pixels = pixels.count == thin.count ? pixels : []
        self.pixelKey = self.pixels.isEmpty ? Fingerprint() : pixelKey
    }

    /// Outlines are equal when they hold the same features, whether or not read from a side file.
    public static func == (a: KeptOutlines, b: KeptOutlines) -> Bool {
        a.thinning == b.thinning && a.form == b.form && a.villages == b.villages && a.thin == b.thin && a.prints == b.prints
            && a.propertyPrints == b.propertyPrints && a.pixelKey == b.pixelKey && a.pixels.count == b.pixels.count
            && zip(a.pixels, b.pixels).allSatisfy(PixelPart.same)
    }

    /// The most parts of a feature and points of a part a side file may hold (more than a picture
    /// 1,600 pixels wide draws of any outline), and the largest tenth of a pixel (a point 10^11
    /// pixels off the picture; a lon/lat point is a few million at most).
    static let maxParts = 1 << 20, maxTenth = 1 << 40

    /// `from`: per feature, the feature of `previous` (outlines read from a side file) whose text
    /// this run copies; a feature with that feature's outline to the bit, its prints and its pixels
    /// (made with the same key) takes that feature's bytes (in a `--since` run, nearly all of them).
    func encode(into w: inout IncrementalState.Writer, previous: KeptOutlines? = nil, from: [Int?] = []) {
        w.double(thinning)
        w.varint(UInt64(form))
        w.varint(UInt64(villages))
        w.varint(UInt64(thin.count))
        let drawn = pixels.count == thin.count && !thin.isEmpty
        w.varint(drawn ? 1 : 0)
        if drawn { w.print(pixelKey) }
        // The previous outlines' arrays taken out once (not the whole value per feature); their
        // records are this run's when the pixels were made the same way too.
        let samePixels = previous.map { $0.pixels.isEmpty == !drawn && (!drawn || $0.pixelKey == pixelKey) } ?? false
        let parts = samePixels ? previous?.encoded : nil
        let (before, beforePrints, beforeProperties) = (previous?.thin ?? [], previous?.prints ?? [], previous?.propertyPrints ?? [])
        let beforePixels = previous?.pixels ?? []
        for i in thin.indices {
            if let parts, i < from.count, let k = from[i], k < before.count, beforePrints[k] == prints[i],
               beforeProperties[k] == propertyPrints[i], before[k].hasSameBits(as: thin[i]),
               !drawn || PixelPart.same(beforePixels[k], pixels[i]) {
                parts.withPart(k) { w.bytes.append(contentsOf: $0) }
                continue
            }
            w.print(prints[i])
            w.print(propertyPrints[i])
            w.shape(thin[i], compact: true)
            if drawn { w.pixels(pixels[i]) }
        }
    }

    static func decode(_ r: inout IncrementalState.Reader) throws -> KeptOutlines {
        let thinning = try r.double(), form = try r.varint(), villages = try r.count()
        // At least 34 bytes a feature: two prints, a shape's type and a count.
        let count = try r.count()
        guard thinning.isFinite, thinning > 0, form < 1 << 20, villages <= count, count * 34 <= r.end - r.at else {
            throw IncrementalState.Reader.damaged
        }
        let drawn: Bool
        switch try r.varint() {
        case 0: drawn = false
        case 1 where count > 0: drawn = true
        default: throw IncrementalState.Reader.damaged
        }
        let pixelKey = drawn ? try r.print() : Fingerprint()
        var thin: [Shape] = [], prints: [Fingerprint] = [], propertyPrints: [Fingerprint] = [], pixels: [[PixelPart]] = []
        thin.reserveCapacity(count); prints.reserveCapacity(count); propertyPrints.reserveCapacity(count)
        if drawn { pixels.reserveCapacity(count) }
        let start = r.at
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(count)
        for _ in 0..<count {
            let at = r.at
            prints.append(try r.print())
            propertyPrints.append(try r.print())
            thin.append(try r.shape(compact: true))
            if drawn { pixels.append(try r.pixels()) }
            ranges.append(at..<r.at)
        }
        var kept = KeptOutlines(thinning: thinning, form: Int(form), villages: villages, thin: thin, prints: prints, propertyPrints: propertyPrints,
                                pixels: pixels, pixelKey: pixelKey)
        kept.encoded = r.keep(ranges, from: start)
        return kept
    }
}

/// The map's labels (docs/incremental.md): a name at a point per district, and per commune its
/// name, its district and a point, with the key of everything they were placed from (the villages'
/// districts, communes, centres and outlines, and the thinning). A later run whose villages give the
/// same key takes them instead of grouping its villages and placing each label again.
public struct KeptLabels: Sendable, Equatable {
    public var key: Fingerprint
    public var districts: [District]
    public var communes: [Commune]

    public struct District: Sendable, Equatable {
        public var name: String
        public var at: Coordinate
        public init(name: String, at: Coordinate) { self.name = name; self.at = at }
    }

    public struct Commune: Sendable, Equatable {
        public var name: String
        public var district: String?
        public var at: Coordinate
        public init(name: String, district: String?, at: Coordinate) { self.name = name; self.district = district; self.at = at }
    }

    public init(key: Fingerprint, districts: [District], communes: [Commune]) {
        self.key = key; self.districts = districts; self.communes = communes
    }

    func encode(into w: inout IncrementalState.Writer) {
        w.print(key)
        w.varint(UInt64(districts.count))
        for d in districts { w.string(d.name); w.coordinate(d.at) }
        w.varint(UInt64(communes.count))
        for c in communes {
            w.string(c.name)
            if let d = c.district { w.varint(1); w.string(d) } else { w.varint(0) }
            w.coordinate(c.at)
        }
    }

    static func decode(_ r: inout IncrementalState.Reader) throws -> KeptLabels {
        let key = try r.print()
        // At least 17 bytes a label: a name's length and a point.
        func count() throws -> Int {
            let n = try r.count()
            guard n * 17 <= r.end - r.at else { throw IncrementalState.Reader.damaged }
            return n
        }
        func point() throws -> Coordinate {
            let c = try r.coordinate()
            guard c.x.isFinite, c.y.isFinite else { throw IncrementalState.Reader.damaged }
            return c
        }
        let districts = try (0..<(try count())).map { _ in District(name: try r.string(), at: try point()) }
        let communes = try (0..<(try count())).map { _ -> Commune in
            let name = try r.string()
            let district: String?
            switch try r.varint() {
            case 0: district = nil
            case 1: district = try r.string()
            default: throw IncrementalState.Reader.damaged
            }
            return Commune(name: name, district: district, at: try point())
        }
        return KeptLabels(key: key, districts: districts, communes: communes)
    }
}

/// report.png as covgap put it together (docs/incremental.md): the frame's image, rsvg-convert's
/// PNG of everything but the map's shapes, with the fingerprint of the SVG it was drawn from;
/// report.png's digest (`FileDigest`); and per band of its rows, where the band's IDAT chunk lies
/// in report.png and the Adler-32 of its filtered rows. A later picture with the same frame takes
/// the frame's image instead of drawing it, and the chunk of every band whose pixels are the same.
public struct KeptPicture: Sendable, Equatable {
    public struct Band: Sendable, Equatable {
        public var chunk: Range<Int>
        public var adler: UInt32
        public init(chunk: Range<Int>, adler: UInt32) { self.chunk = chunk; self.adler = adler }
    }
    public var frameKey: Fingerprint
    public var frame: [UInt8]
    public var digest: String
    public var bands: [Band]

    public init(frameKey: Fingerprint, frame: [UInt8], digest: String, bands: [Band]) {
        self.frameKey = frameKey; self.frame = frame; self.digest = digest; self.bands = bands
    }

    /// The most bytes of a frame's image kept (a national map's takes about 3 MB).
    static let maxFrameBytes = 1 << 27

    /// The eight bytes every PNG starts with.
    public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Whether `bytes` are a whole PNG as far as its ends tell: the signature first, the IEND
    /// chunk last.
    public static func isPNG(_ bytes: [UInt8]) -> Bool {
        bytes.starts(with: signature)
            && bytes.suffix(8).elementsEqual([0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82])
    }

    /// The frame's fingerprint and PNG (a varint length and its bytes), the digest, then a varint
    /// count of bands and per band the bytes skipped since the previous chunk's end, the chunk's
    /// length and the Adler-32 (varints).
    func encode(into w: inout IncrementalState.Writer) {
        w.print(frameKey)
        w.varint(UInt64(frame.count)); w.bytes += frame
        w.string(digest)
        w.varint(UInt64(bands.count))
        var end = 0
        for b in bands {
            w.varint(UInt64(b.chunk.lowerBound - end)); w.varint(UInt64(b.chunk.count)); w.varint(UInt64(b.adler))
            end = b.chunk.upperBound
        }
    }

    static func decode(_ r: inout IncrementalState.Reader) throws -> KeptPicture {
        let damaged = IncrementalState.Reader.damaged
        let key = try r.print(), count = try r.count()
        let frame = Array(r.bytes[r.at..<(r.at + count)])
        r.at += count
        guard count <= maxFrameBytes, isPNG(frame) else { throw damaged }
        let digest = try r.string()
        // Three bytes or more a band.
        let bandCount = try r.count()
        guard bandCount * 3 <= r.end - r.at else { throw damaged }
        var end = 0
        let bands = try (0..<bandCount).map { _ -> Band in
            let skip = try r.varint(), length = try r.varint(), adler = try r.varint()
            guard skip < 1 << 40, length < 1 << 40, adler <= UInt64(UInt32.max) else { throw damaged }
            let start = end + Int(skip)
            end = start + Int(length)
            guard end < 1 << 50 else { throw damaged }
            return Band(chunk: start..<end, adler: UInt32(adler))
        }
        return KeptPicture(frameKey: key, frame: frame, digest: digest, bands: bands)
    }
}

/// An image covgap drew (RGB, 3 bytes a pixel, rows from the top) with, per band of `bandRows`
/// rows, the fingerprint of everything the band was drawn from: a later drawing whose band has the
/// same fingerprint takes the band's pixels from here instead of drawing it.
public struct KeptRaster: Sendable, Equatable {
    public var width: Int, height: Int, bandRows: Int
    public var bands: [Fingerprint]
    public var rgb: [UInt8]

    /// Per band, its rows' bytes in the side file this image was read from (nil when drawn).
    var encoded: EncodedParts?

    public init(width: Int, height: Int, bandRows: Int, bands: [Fingerprint], rgb: [UInt8]) {
        self.width = width; self.height = height; self.bandRows = bandRows; self.bands = bands; self.rgb = rgb
    }

    /// Images are equal when they have the same sides, bands and pixels, whether or not read from a side file.
    public static func == (a: KeptRaster, b: KeptRaster) -> Bool {
        a.width == b.width && a.height == b.height && a.bandRows == b.bandRows && a.bands == b.bands && a.rgb == b.rgb
    }

    /// The largest side and the most pixels kept (a picture is 1,600 pixels wide, a national one
    /// about 5 million pixels): a side file cannot make a run hold more than 100 MB for it.
    public static let maxSide = 1 << 15, maxPixels = 1 << 25

    /// The bands of `bandRows` rows that `height` rows make.
    public static func bandCount(height: Int, bandRows: Int) -> Int { (height + bandRows - 1) / bandRows }

    /// Whether an image of these sides may be kept: each within `maxSide`, at most `maxPixels`.
    static func fits(width: Int, height: Int, bandRows: Int) -> Bool {
        (1...maxSide).contains(width) && (1...maxSide).contains(height) && (1...maxSide).contains(bandRows)
            && width * height <= maxPixels
    }

    /// Sides that fit, a fingerprint per band and every pixel.
    public var isWhole: Bool {
        Self.fits(width: width, height: height, bandRows: bandRows)
            && bands.count == Self.bandCount(height: height, bandRows: bandRows) && rgb.count == width * height * 3
    }

    /// The image when it is whole (a side file keeps no other), else nil.
    public var whole: KeptRaster? { isWhole ? self : nil }

    /// The sides, the bands' fingerprints, then each row's pixels as runs of one colour: a varint
    /// (the run's length less one) and the colour's three bytes. A map is mostly runs of its
    /// background and of village fills.
    /// A band whose pixels are `previous`'s (an image read from a side file, of the same sides and
    /// bands) to the byte takes its rows' bytes from there (in a `--since` run, most bands).
    func encode(into w: inout IncrementalState.Writer, previous: KeptRaster? = nil) {
        w.varint(UInt64(width)); w.varint(UInt64(height)); w.varint(UInt64(bandRows))
        w.varint(UInt64(bands.count))
        bands.forEach { w.print($0) }
        let usable = previous.map { $0.width == width && $0.height == height && $0.bandRows == bandRows && $0.rgb.count == rgb.count } ?? false
        let parts = usable ? previous?.encoded : nil, before = previous?.rgb ?? []
        rgb.withUnsafeBufferPointer { p in
            guard bandRows > 0 else { encodeRows(0..<height, of: p, into: &w); return }
            before.withUnsafeBytes { q in
                for band in 0..<Self.bandCount(height: height, bandRows: bandRows) {
                    let rows = (band * bandRows)..<min(height, (band + 1) * bandRows)
                    let bytes = 3 * width * rows.lowerBound..<3 * width * rows.upperBound
                    if let parts, band < parts.ranges.count, bytes.upperBound <= q.count,
                       memcmp(p.baseAddress! + bytes.lowerBound, q.baseAddress! + bytes.lowerBound, bytes.count) == 0 {
                        parts.withPart(band) { w.bytes.append(contentsOf: $0) }
                        continue
                    }
                    encodeRows(rows, of: p, into: &w)
                }
            }
        }
    }

    /// Rows `rows` as runs of one colour.
    private func encodeRows(_ rows: Range<Int>, of p: UnsafeBufferPointer<UInt8>, into w: inout IncrementalState.Writer) {
        for row in rows {
            var x = 0
            while x < width {
                let at = 3 * (row * width + x)
                var run = 1
                while x + run < width, p[at + 3 * run] == p[at], p[at + 3 * run + 1] == p[at + 1], p[at + 3 * run + 2] == p[at + 2] { run += 1 }
                w.varint(UInt64(run - 1))
                w.bytes.append(p[at]); w.bytes.append(p[at + 1]); w.bytes.append(p[at + 2])
                x += run
            }
        }
    }

    static func decode(_ r: inout IncrementalState.Reader) throws -> KeptRaster {
        let damaged = IncrementalState.Reader.damaged
        // The sides are not counts of what follows (a row of one colour takes four bytes).
        let sides = try (0..<3).map { _ in try r.varint() }
        guard sides.allSatisfy({ $0 <= UInt64(maxSide) }) else { throw damaged }
        let (width, height, bandRows) = (Int(sides[0]), Int(sides[1]), Int(sides[2]))
        guard fits(width: width, height: height, bandRows: bandRows) else { throw damaged }
        let bandCount = Self.bandCount(height: height, bandRows: bandRows)
        // 16 bytes a band's fingerprint, and every row takes four bytes or more.
        guard try r.count() == bandCount, bandCount * 16 + height * 4 <= r.end - r.at else { throw damaged }
        let bands = try (0..<bandCount).map { _ in try r.print() }
        var rgb = [UInt8](repeating: 0, count: width * height * 3)
        let b = r.bytes, end = r.end
        var at = r.at
        let start = at
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(bandCount)
        try rgb.withUnsafeMutableBufferPointer { out in
            for row in 0..<height {
                if row % bandRows == 0 { ranges.append(at..<at) }
                var x = 0
                while x < width {
                    let run = try IncrementalState.Reader.varint(in: b, at: &at, end: end)
                    guard run < UInt64(width - x), at + 3 <= end else { throw damaged }
                    let (red, green, blue) = (b[at], b[at + 1], b[at + 2])
                    at += 3
                    for k in 0...Int(run) {
                        let o = 3 * (row * width + x + k)
                        out[o] = red; out[o + 1] = green; out[o + 2] = blue
                    }
                    x += Int(run) + 1
                }
                ranges[ranges.count - 1] = ranges[ranges.count - 1].lowerBound..<at
            }
        }
        r.at = at
        var kept = KeptRaster(width: width, height: height, bandRows: bandRows, bands: bands, rgb: rgb)
        kept.encoded = r.keep(ranges, from: start)
        return kept
    }
}

extension IncrementalState.Writer {
    /// A feature's parts in pixels: their count, then per part its count of points and whether it
    /// is a hole (count × 2 + hole), and its points' tenths as zigzag varints of the differences
    /// from the point before (from 0, 0; wrapping, so that any tenths come back).
    mutating func pixels(_ parts: [PixelPart]) {
        varint(UInt64(parts.count))
        for part in parts {
            varint(UInt64(part.tenths.count) << 1 | (part.hole ? 1 : 0))
            var last = (0, 0)
            for t in part.tenths {
                varint(CompactCoordinates.zigzag(Int64(t.0 &- last.0)))
                varint(CompactCoordinates.zigzag(Int64(t.1 &- last.1)))
                last = t
            }
        }
    }
}

extension IncrementalState.Reader {
    /// A feature's parts as `Writer.pixels` writes them; damaged beyond `KeptOutlines.maxParts`
    /// parts or points, a part of fewer than two points, or a tenth beyond `KeptOutlines.maxTenth`.
    mutating func pixels() throws -> [PixelPart] {
        let count = try self.count()
        guard count <= KeptOutlines.maxParts else { throw Self.damaged }
        return try (0..<count).map { _ -> PixelPart in
            let head = try varint()
            let n = head >> 1
            // Two bytes or more a point.
            guard n >= 2, n <= UInt64(KeptOutlines.maxParts), Int(n) * 2 <= end - at else { throw Self.damaged }
            let b = bytes, stop = end
            var next = at
            var x = 0, y = 0
            let limit = KeptOutlines.maxTenth
            let tenths = try [(Int, Int)](unsafeUninitializedCapacity: Int(n)) { out, made in
                while made < Int(n) {
                    x = x &+ Int(CompactCoordinates.unzigzag(try Self.varint(in: b, at: &next, end: stop)))
                    y = y &+ Int(CompactCoordinates.unzigzag(try Self.varint(in: b, at: &next, end: stop)))
                    guard -limit...limit ~= x, -limit...limit ~= y else { throw Self.damaged }
                    out[made] = (x, y)
                    made += 1
                }
            }
            at = next
            return PixelPart(tenths: tenths, hole: head & 1 == 1)
        }
    }
}
