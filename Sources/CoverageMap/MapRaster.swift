import Coverage
import Foundation
import Geo

/// The map's shapes in pixels, drawn by covgap itself for report.png.
///
/// report.png is report.svg drawn by rsvg-convert, except the shapes inside the map frame (villages,
/// gaps, fibre, sites, places' stars): a national map has hundreds of thousands of them, and librsvg
/// fills and strokes each one on its own (seconds of one core). They are drawn here instead, all
/// cores, into one image that the SVG handed to rsvg-convert embeds in their place; the text (title,
/// place names, scale, legend) is still rsvg-convert's. The shapes are the SVG's own, to its tenth
/// of a pixel, so the same report.svg always gives the same report.png.
///
/// Coverage is exact area (each pixel gets the part of it a shape covers, as a scanline
/// accumulator finds it), composited over in sRGB the way cairo does. Differences from librsvg's
/// drawing, all below what the eye sees at this scale: overlapping shapes of one layer are filled
/// once (nonzero, not even-odd), strokes thinner than one pixel have no round joins, and the
/// shapes of one layer are filled before any is stroked.
struct RasterScene: Sendable {
    /// The picture's pixel (0, 0) in SVG coordinates (the map frame's corner; whole numbers).
    var originX: Double, originY: Double
    var width: Int, height: Int
    var background: RasterColour
    var layers: [RasterLayer] = []

    /// Rows drawn together; bands are drawn on all cores, each from the top of its own rows.
    static let bandRows = 32

    /// RGB bytes, row by row from the top; the same whatever the number of cores.
    func pixels() -> [UInt8] {
        guard width > 0, height > 0 else { return [] }
        let bands = KeptRaster.bandCount(height: height, bandRows: Self.bandRows)
        let index = layers.map { BandIndex($0, bands: bands, originY: originY) }
        return oneRun(concurrentMap(bands, chunk: 1) { band in draw(band: band, index: index) })
    }

    /// `pixels()`, each band taken from `previous` instead of drawn when it was drawn from the same
    /// shapes (the same fingerprint), with the image kept for the next drawing and which bands were
    /// drawn. A band's fingerprint covers the picture's frame and background, the band's
    /// place, and per layer its paint and colour and the parts it draws in the band, every number's
    /// bits: what `draw(band:index:)` reads.
    func pixels(previous: KeptRaster?) -> (rgb: [UInt8], kept: KeptRaster, drawn: [Bool]) {
        let bands = KeptRaster.bandCount(height: height, bandRows: Self.bandRows)
        guard width > 0, height > 0 else {
            return ([], KeptRaster(width: width, height: height, bandRows: Self.bandRows, bands: [], rgb: []), [])
        }
        let index = layers.map { BandIndex($0, bands: bands, originY: originY) }
        let parts = partPrints()
        let prints = concurrentMap(bands, chunk: 4) { bandPrint($0, index: index, parts: parts) }
        let same = previous.flatMap { p in p.width == width && p.height == height && p.bandRows == Self.bandRows ? p.whole : nil }
        let rows = concurrentMap(bands, chunk: 1) { band -> (rgb: [UInt8], drawn: Bool) in
            if let same, same.bands[band] == prints[band] {
                let first = band * Self.bandRows * width * 3, end = min(height, (band + 1) * Self.bandRows) * width * 3
                return (Array(same.rgb[first..<end]), false)
            }
            return (draw(band: band, index: index), true)
        }
        let rgb = oneRun(rows.map(\.rgb))
        return (rgb, KeptRaster(width: width, height: height, bandRows: Self.bandRows, bands: prints, rgb: rgb),
                rows.map(\.drawn))
    }

    /// The fingerprint of band `band` from the fingerprints of its layers' parts (`partPrints`).
    private func bandPrint(_ band: Int, index: [BandIndex], parts: [[Fingerprint]]) -> Fingerprint {
        var p = Fingerprint()
        for v in [band, width, height, Self.bandRows] { p.add(v) }
        for v in [originX, originY, background.r, background.g, background.b] { p.add(v) }
        for (k, (layer, inBand)) in zip(layers, index).enumerated() {
            layer.addPrint(to: &p)
            let members = inBand.members(of: band)
            p.add(members.count)
            for m in members { p.add(parts[k][m].a); p.add(parts[k][m].b) }
        }
        return p
    }

    /// Per layer, each part's fingerprint (`RasterLayer.addPrint(part:to:)`), made on all cores
    /// once however many bands the part crosses; layers of the same parts (a fill and its stroke
    /// share them) share theirs.
    func partPrints() -> [[Fingerprint]] {
        var made: [[Fingerprint]] = []
        var madeFor: [(points: UnsafeRawPointer?, spans: UnsafeRawPointer?, layer: Int)] = []
        for layer in layers {
            // Layers made of one layer's parts share its arrays' storage (copy on write): the
            // storage's address, compared while the layers hold it, tells them.
            let storage = (layer.points.withUnsafeBytes { $0.baseAddress }, layer.spans.withUnsafeBytes { $0.baseAddress })
            if let same = madeFor.first(where: { $0.points == storage.0 && $0.spans == storage.1 && made[$0.layer].count == layer.spans.count }) {
                made.append(made[same.layer])
                continue
            }
            madeFor.append((storage.0, storage.1, made.count))
            made.append(concurrentMap(layer.spans.count, chunk: 256) { i in
                var p = Fingerprint()
                layer.addPrint(part: i, to: &p)
                return p
            })
        }
        return made
    }

    private func draw(band: Int, index: [BandIndex]) -> [UInt8] {
        let first = band * Self.bandRows, rows = min(Self.bandRows, height - first)
        var canvas = [Double](repeating: 0, count: width * rows * 3)
        for i in 0..<(width * rows) {
            canvas[3 * i] = background.r; canvas[3 * i + 1] = background.g; canvas[3 * i + 2] = background.b
        }
        var area = CoverageAccumulator(width: width, firstRow: first, rows: rows, originX: originX, originY: originY)
        for (layer, parts) in zip(layers, index) {
            let members = parts.members(of: band)
            guard !members.isEmpty else { continue }
            for p in members { layer.deposit(part: p, into: &area) }
            let colour = layer.colour
            let hatch = layer.isHatch
            area.drain { row, column, alpha in
                var a = alpha
                if hatch { a *= Self.hatch(x: originX + Double(column) + 0.5, y: originY + Double(first + row) + 0.5) }
                let k = 3 * (row * width + column)
                canvas[k] += (colour.r - canvas[k]) * a
                canvas[k + 1] += (colour.g - canvas[k + 1]) * a
                canvas[k + 2] += (colour.b - canvas[k + 2]) * a
            }
        }
        return canvas.map { UInt8(($0 * 255).rounded().clamped(0, 255)) }
    }

    /// The gap pattern at a point: stripes 1.6 px wide every 6 px across the diagonal x + y (the
    /// SVG's 6 × 6 pattern turned by 45°), as the share of a pixel-wide window on the stripes.
    static func hatch(x: Double, y: Double) -> Double {
        let u = (x + y) / 2.squareRoot()
        func stripes(upTo t: Double) -> Double {
            let period = (t / 6).rounded(.down)
            return period * 1.6 + min(t - period * 6, 1.6)
        }
        return stripes(upTo: u + 0.5) - stripes(upTo: u - 0.5)
    }
}

/// A colour as the SVG writes it, in 0…1 per channel.
struct RasterColour: Sendable, Equatable {
    var r: Double, g: Double, b: Double

    /// `#rrggbb`.
    init(_ hex: String) {
        let v = Int(hex.dropFirst(), radix: 16) ?? 0
        r = Double((v >> 16) & 0xFF) / 255
        g = Double((v >> 8) & 0xFF) / 255
        b = Double(v & 0xFF) / 255
    }
}

/// Shapes painted one way: polygons filled (or filled with the gap pattern), or lines stroked.
struct RasterLayer: Sendable {
    enum Paint: Sendable {
        case fill
        case hatch
        /// `round`: round joins and caps (a disc at each point), for widths of a pixel or more.
        /// `dash`: on and off lengths along each line, starting afresh on each.
        case stroke(width: Double, round: Bool, caps: Bool, dash: (on: Double, off: Double)?)
    }

    /// A ring or a line in SVG pixels, flat x, y pairs; or a disc (its centre, and `radius`).
    struct Part: Sendable {
        var points: [Double]
        var closed: Bool
        /// A polygon's hole (it takes away from the rings before it).
        var hole: Bool = false
        /// A disc's radius: `points` is then its centre (a national map has tens of thousands of
        /// sites; their discs are made into polygons only as they are drawn).
        var radius: Double = 0

        static func disc(x: Double, y: Double, r: Double, hole: Bool = false) -> Part {
            Part(points: [x, y], closed: true, hole: hole, radius: r)
        }
    }

    /// Where a part's points are in `points`.
    struct Span: Sendable {
        var start: Int, count: Int
        var closed: Bool, hole: Bool
        var radius: Double
    }

    var paint: Paint
    var colour: RasterColour
    /// Every part's points one after another: one allocation for a layer of 100,000 villages, not
    /// one each.
    private(set) var points: [Double] = []
    private(set) var spans: [Span] = []

    init(paint: Paint, colour: RasterColour, parts: [Part] = []) {
        self.paint = paint
        self.colour = colour
        for part in parts { append(part.points, closed: part.closed, hole: part.hole, radius: part.radius) }
    }

    mutating func append(_ xy: [Double], closed: Bool, hole: Bool = false, radius: Double = 0) {
        appendPart(closed: closed, hole: hole, radius: radius) { $0 += xy }
    }

    /// A part whose points `write` appends (x, y pairs) to the layer's.
    mutating func appendPart(closed: Bool, hole: Bool = false, radius: Double = 0, _ write: (inout [Double]) -> Void) {
        let start = points.count
        write(&points)
        spans.append(Span(start: start, count: points.count - start, closed: closed, hole: hole, radius: radius))
    }

    var isHatch: Bool { if case .hatch = paint { return true } else { return false } }

    /// The paint and the colour, into a band's fingerprint.
    func addPrint(to p: inout Fingerprint) {
        switch paint {
        case .fill: p.add(1)
        case .hatch: p.add(2)
        case .stroke(let width, let round, let caps, let dash):
            p.add(3); p.add(width); p.add(round ? 1 : 0); p.add(caps ? 1 : 0)
            if let dash { p.add(1); p.add(dash.on); p.add(dash.off) } else { p.add(0) }
        }
        for v in [colour.r, colour.g, colour.b] { p.add(v) }
    }

    /// Part `index` (its kind, radius and points), into a band's fingerprint.
    func addPrint(part index: Int, to p: inout Fingerprint) {
        let part = spans[index]
        p.add(part.count); p.add(part.closed ? 1 : 0); p.add(part.hole ? 1 : 0); p.add(part.radius)
        points.withUnsafeBytes { xy in
            p.add(words: UnsafeRawBufferPointer(rebasing: xy[(8 * part.start)..<(8 * (part.start + part.count))]))
        }
    }

    /// How far the paint reaches beyond a part's points.
    var reach: Double {
        if case .stroke(let w, _, _, _) = paint { return w / 2 + 1 }
        return 1
    }

    func deposit(part index: Int, into area: inout CoverageAccumulator) {
        let part = spans[index]
        let xy = points[part.start..<(part.start + part.count)]   // in place, not copied
        switch paint {
        case .fill, .hatch:
            let sign: Double = part.hole ? -1 : 1
            if part.radius > 0 { area.disc(x: xy[part.start], y: xy[part.start + 1], r: part.radius, sign: sign) } else { area.ring(xy, sign: sign) }
        case .stroke(let width, let round, let caps, let dash):
            let discs = round && width >= 1
            guard let dash else { return Self.stroke(xy, closed: part.closed, width: width, discs: discs, caps: caps, into: &area) }
            for (piece, closed) in Self.dashes(Array(xy), closed: part.closed, on: dash.on, off: dash.off) {
                Self.stroke(piece[...], closed: closed, width: width, discs: discs, caps: caps, into: &area)
            }
        }
    }

    /// A line of `width` as one quadrilateral per segment and, with `discs`, a disc at each joint
    /// (and at the ends with `caps`); the overlaps count once.
    static func stroke(_ xy: ArraySlice<Double>, closed: Bool, width: Double, discs: Bool, caps: Bool, into area: inout CoverageAccumulator) {
        let n = xy.count / 2, b = xy.startIndex
        guard n >= 2 else { return }
        let half = width / 2
        let segments = closed ? n : n - 1
        for s in 0..<segments {
            let x0 = xy[b + 2 * s], y0 = xy[b + 2 * s + 1], x1 = xy[b + 2 * ((s + 1) % n)], y1 = xy[b + 2 * ((s + 1) % n) + 1]
            let len = ((x1 - x0) * (x1 - x0) + (y1 - y0) * (y1 - y0)).squareRoot()
            guard len > 0 else { continue }
            area.quad(x0, y0, x1, y1, nx: -(y1 - y0) / len * half, ny: (x1 - x0) / len * half)
        }
        guard discs else { return }
        for i in 0..<n where closed || caps || (i > 0 && i < n - 1) {
            area.disc(x: xy[b + 2 * i], y: xy[b + 2 * i + 1], r: half, sign: 1)
        }
    }

    /// The dashes of a line: pieces `on` long, `off` apart, from its start.
    static func dashes(_ p: [Double], closed: Bool, on: Double, off: Double) -> [([Double], Bool)] {
        var points = p
        if closed, p.count >= 4 { points += [p[0], p[1]] }
        var out: [([Double], Bool)] = []
        var current: [Double] = []
        var drawing = true, left = on
        for i in 0..<(points.count / 2 - 1) {
            var x = points[2 * i], y = points[2 * i + 1]
            let x1 = points[2 * i + 2], y1 = points[2 * i + 3]
            var len = ((x1 - x) * (x1 - x) + (y1 - y) * (y1 - y)).squareRoot()
            if drawing && current.isEmpty { current = [x, y] }
            while len > left {
                let t = left / len
                x += (x1 - x) * t; y += (y1 - y) * t
                len -= left
                if drawing { current += [x, y]; out.append((current, false)); current = [] } else { current = [x, y] }
                drawing.toggle()
                left = drawing ? on : off
            }
            left -= len
            if drawing { current += [x1, y1] }
        }
        if drawing, current.count >= 4 { out.append((current, false)) }
        return out
    }

    /// The sides of a circle's polygon: fine enough that each is under a pixel long.
    static func circleSides(_ r: Double) -> Int { max(8, Int((2 * Double.pi * r / 0.75).rounded(.up))) }

    /// The unit circle's points of a circle's polygon of `n` sides, anticlockwise in x right, y up
    /// (clockwise on screen): point `i` of a circle of radius r at (x, y) is (x + r cos, y + r sin).
    static func unitCircle(sides n: Int) -> (cos: [Double], sin: [Double]) {
        let angles = (0..<n).map { 2 * Double.pi * Double($0) / Double(n) }
        return (angles.map(cos), angles.map(sin))
    }
}

/// Which parts of a layer reach into which band of rows.
struct BandIndex: Sendable {
    private var starts: [Int]
    private var parts: [Int]

    init(_ layer: RasterLayer, bands: Int, originY: Double) {
        let reach = layer.reach
        var ranges: [(Int, Int)] = []
        ranges.reserveCapacity(layer.spans.count)
        var counts = [Int](repeating: 0, count: bands + 1)
        let points = layer.points
        for part in layer.spans {
            var lo = Double.infinity, hi = -Double.infinity
            var i = part.start + 1
            while i < part.start + part.count { lo = min(lo, points[i]); hi = max(hi, points[i]); i += 2 }
            guard lo <= hi else { ranges.append((1, 0)); continue }
            lo -= part.radius; hi += part.radius
            let first = max(0, Int(((lo - reach - originY) / Double(RasterScene.bandRows)).rounded(.down)))
            let last = min(bands - 1, Int(((hi + reach - originY) / Double(RasterScene.bandRows)).rounded(.down)))
            ranges.append((first, last))
            if first <= last { for b in first...last { counts[b + 1] += 1 } }
        }
        for b in 0..<bands { counts[b + 1] += counts[b] }
        starts = counts
        var next = counts
        parts = [Int](repeating: 0, count: counts[bands])
        for (p, (first, last)) in ranges.enumerated() where first <= last {
            for b in first...last { parts[next[b]] = p; next[b] += 1 }
        }
    }

    func members(of band: Int) -> ArraySlice<Int> { parts[starts[band]..<starts[band + 1]] }
}

/// The area shapes cover in each pixel of a band of rows, signed by which way round their rings
/// go, gathered segment by segment and summed along each row (a pixel's coverage is the sum of
/// its row's cells up to it). A ring whose points go round one way adds +1 inside, the other way
/// −1; `ring` turns each so that it adds `sign`.
struct CoverageAccumulator {
    let width: Int, firstRow: Int, rows: Int
    let originX: Double, originY: Double
    private var cells: [Double]
    private var minColumn = Int.max, maxColumn = -1, minRow = Int.max, maxRow = -1
    /// The unit circles of the side counts the discs took (`keptCircles` at most, the oldest let
    /// go first): the discs of one stroke's joins share their radius, and a site's dot and the
    /// hole in it take two.
    private var circles: [(sides: Int, cos: [Double], sin: [Double])] = []
    private static let keptCircles = 16

    init(width: Int, firstRow: Int, rows: Int, originX: Double, originY: Double) {
        self.width = width
        self.firstRow = firstRow
        self.rows = rows
        self.originX = originX
        self.originY = originY
        cells = [Double](repeating: 0, count: (width + 1) * rows)
    }

    /// A closed ring in SVG pixels (flat x, y pairs), adding `sign` inside it.
    mutating func ring(_ p: ArraySlice<Double>, sign: Double) {
        let n = p.count / 2, b = p.startIndex
        guard n >= 3 else { return }
        var twiceArea = 0.0
        for i in 0..<n {
            let j = (i + 1) % n
            twiceArea += p[b + 2 * i] * p[b + 2 * j + 1] - p[b + 2 * j] * p[b + 2 * i + 1]
        }
        guard twiceArea != 0 else { return }
        // Down the screen on the left side adds to the right: a ring of negative shoelace area
        // (x right, y down) adds +1 inside.
        let m = twiceArea < 0 ? sign : -sign
        for i in 0..<n {
            let j = (i + 1) % n
            segment(p[b + 2 * i] - originX, p[b + 2 * i + 1] - originY, p[b + 2 * j] - originX, p[b + 2 * j + 1] - originY, m)
        }
    }

    /// The quadrilateral around the segment (x0, y0)–(x1, y1) reaching (nx, ny) either side, with
    /// (nx, ny) the segment's direction turned a quarter anticlockwise: its shoelace area is
    /// negative whatever the direction, so it adds +1 inside.
    mutating func quad(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, nx: Double, ny: Double) {
        let ax = x0 + nx - originX, ay = y0 + ny - originY, bx = x1 + nx - originX, by = y1 + ny - originY
        let cx = x1 - nx - originX, cy = y1 - ny - originY, dx = x0 - nx - originX, dy = y0 - ny - originY
        segment(ax, ay, bx, by, 1); segment(bx, by, cx, cy, 1); segment(cx, cy, dx, dy, 1); segment(dx, dy, ax, ay, 1)
    }

    /// The disc of radius `r` at (x, y) as a polygon of `RasterLayer.circleSides(r)` sides, adding `sign` inside it
    /// (the polygon's shoelace area is positive, so its segments take −`sign`).
    mutating func disc(x: Double, y: Double, r: Double, sign: Double) {
        let n = RasterLayer.circleSides(r)
        let circle = unitCircle(sides: n)
        let first = (x: x + r * circle.cos[0], y: y + r * circle.sin[0])
        var previous = first
        for i in 1...n {
            let p = i == n ? first : (x: x + r * circle.cos[i], y: y + r * circle.sin[i])
            segment(previous.x - originX, previous.y - originY, p.x - originX, p.y - originY, -sign)
            previous = p
        }
    }

    /// `RasterLayer.unitCircle(sides:)`, made once while it is kept.
    private mutating func unitCircle(sides n: Int) -> (cos: [Double], sin: [Double]) {
        if let known = circles.first(where: { $0.sides == n }) { return (known.cos, known.sin) }
        let (c, s) = RasterLayer.unitCircle(sides: n)
        if circles.count == Self.keptCircles { circles.removeFirst() }
        circles.append((n, c, s))
        return (c, s)
    }

    /// The segment's signed share of each pixel row it crosses (coordinates of this picture).
    private mutating func segment(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, _ m: Double) {
        guard y0 != y1 else { return }
        let top = max(min(y0, y1), Double(firstRow)), bottom = min(max(y0, y1), Double(firstRow + rows))
        guard top < bottom else { return }
        let dxdy = (x1 - x0) / (y1 - y0)
        let sign = y1 > y0 ? m : -m
        var j = Int(top.rounded(.down))
        while Double(j) < bottom {
            let ya = max(Double(j), top), yb = min(Double(j + 1), bottom)
            rowPiece(j - firstRow, x0 + (ya - y0) * dxdy, x0 + (yb - y0) * dxdy, (yb - ya) * sign)
            j += 1
        }
    }

    /// A piece of segment within one row, from x `a` to x `b`, `h` high (signed): each pixel it
    /// passes gets the part of it right of the piece, and every pixel further right gets all of `h`.
    private mutating func rowPiece(_ r: Int, _ a: Double, _ b: Double, _ h: Double) {
        var lo = min(a, b), hi = max(a, b)
        let w = Double(width), span = hi - lo, base = r * (width + 1)
        // What a piece beyond the right edge would take back is not there: the sum runs to the edge.
        if hi >= w { maxColumn = width - 1 }
        if lo >= w { return }
        minRow = min(minRow, r); maxRow = max(maxRow, r)
        if hi <= 0 {
            cells[base] += h
            minColumn = 0; maxColumn = max(maxColumn, 0)
            return
        }
        if lo < 0 {
            cells[base] += h * -lo / span
            lo = 0
        }
        hi = min(hi, w)
        var c = Int(lo)
        minColumn = min(minColumn, c)
        if span == 0 {
            let inside = Double(c + 1) - lo
            cells[base + c] += h * inside
            cells[base + c + 1] += h * (1 - inside)
            maxColumn = max(maxColumn, c)
            return
        }
        while Double(c) < hi {
            let x0 = max(Double(c), lo), x1 = min(Double(c + 1), hi)
            let share = h * (x1 - x0) / span
            let inside = Double(c + 1) - (x0 + x1) / 2
            cells[base + c] += share * inside
            cells[base + c + 1] += share * (1 - inside)
            c += 1
        }
        maxColumn = max(maxColumn, c - 1)
    }

    /// Calls `paint` with each pixel's coverage (0…1, more than one shape counting once) where
    /// there is any, and empties the accumulator.
    mutating func drain(_ paint: (_ row: Int, _ column: Int, _ alpha: Double) -> Void) {
        guard minRow <= maxRow, minColumn <= maxColumn else { return }
        let last = min(maxColumn + 1, width - 1)
        for r in minRow...maxRow {
            let base = r * (width + 1)
            var sum = 0.0
            for c in minColumn...last {
                sum += cells[base + c]
                cells[base + c] = 0
                if sum > 1e-9 { paint(r, c, min(sum, 1)) }
            }
            cells[base + last + 1] = 0
        }
        minColumn = .max; maxColumn = -1; minRow = .max; maxRow = -1
    }
}

extension Double {
    fileprivate func clamped(_ lo: Double, _ hi: Double) -> Double { Swift.min(hi, Swift.max(lo, self)) }
}
