import Foundation

/// The terrain between an antenna and points further and further out along one radial, kept so
/// that each new point costs O(log n): the Bullington construction (ITU-R P.526 / P.1812) over
/// every sample passed so far.
///
/// Heights are taken relative to the ground at the antenna and "flattened" by the Earth's bulge
/// (H = h − d²/2aₑ): in that frame the 4/3-Earth rays are straight lines, the transmitter's
/// horizon is a running maximum of slopes, and the receiver's horizon is the tangent from the
/// receiver to the upper convex hull of the profile, found by binary search.
///
/// The hull lives in plain buffers that the walk owns (it cannot be copied): the walk passes
/// hundreds of millions of samples, and buffers spare each an array's uniqueness and capacity checks.
struct TerrainWalk: ~Copyable {
    /// Antenna height above the ground at the site, metres.
    let txHeight: Double
    let rxHeight: Double
    /// 1 / (2 aₑ), per metre.
    let bulge: Double

    /// The upper convex hull of the samples passed, in the flattened frame: `hullCount` points
    /// of `hullCapacity`.
    private var hullD: UnsafeMutablePointer<Double>, hullH: UnsafeMutablePointer<Double>
    private var hullCount = 0, hullCapacity = 64
    /// The steepest slope from the antenna to a sample passed, and that sample.
    private var txSlope = -Double.infinity
    private(set) var horizonDistance = 0.0, horizonGround = 0.0

    /// The walk needs no frequency: ν scales with 1/√λ, so `Sight` gives ν·√λ and sectors of
    /// several frequencies can share one walk.
    init(txHeight: Double, rxHeight: Double, earthRadius: Double) {
        self.txHeight = txHeight
        self.rxHeight = rxHeight
        bulge = 1 / (2 * earthRadius)
        hullD = .allocate(capacity: hullCapacity)
        hullH = .allocate(capacity: hullCapacity)
    }

    deinit {
        hullD.deallocate()
        hullH.deallocate()
    }

    /// Back at the antenna with no sample passed (the hull's storage is kept for the next radial).
    mutating func restart() {
        hullCount = 0
        txSlope = -.infinity
        horizonDistance = 0
        horizonGround = 0
    }

    /// What the receiver at `distance` (ground `ground`, relative to the site's) sees over the samples passed.
    struct Sight {
        /// ν·√λ (λ in metres) of the Bullington point (the most obstructing point when the path is
        /// clear): ν for a wavelength λ is this divided by √λ.
        var scaledNu: Double
        /// Whether the straight (4/3-Earth) ray clears every sample.
        var lineOfSight: Bool
    }

    func sight(distance d: Double, ground: Double) -> Sight {
        let hr = ground + rxHeight - bulge * d * d
        let rxSlope = (hr - txHeight) / d
        let n = hullCount
        if n == 0 { return Sight(scaledNu: -.infinity, lineOfSight: true) }
        if txSlope < rxSlope {
            // Clear path: the sample highest above the ray maximises H − s·d (a vertex of the hull).
            var lo = 0, hi = n - 1
            while lo < hi {
                let mid = (lo + hi) / 2
                if hullH[mid + 1] - hullH[mid] > rxSlope * (hullD[mid + 1] - hullD[mid]) { lo = mid + 1 } else { hi = mid }
            }
            var nu = -Double.infinity
            for k in max(0, lo - 1)...min(n - 1, lo + 1) where hullD[k] < d {
                let h = hullH[k] - (txHeight + rxSlope * hullD[k])
                nu = max(nu, h * (2 * d / (hullD[k] * (d - hullD[k]))).squareRoot())
            }
            return Sight(scaledNu: nu, lineOfSight: true)
        }
        // Obstructed: the receiver's horizon is the tangent to the hull (a unimodal maximum).
        var lo = 0, hi = n - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            let a = (hullH[mid] - hr) / (d - hullD[mid]), b = (hullH[mid + 1] - hr) / (d - hullD[mid + 1])
            if a < b { lo = mid + 1 } else { hi = mid }
        }
        let rxSlopeBack = (hullH[lo] - hr) / (d - hullD[lo])
        // Where the two horizon rays meet, and its height above the direct ray.
        let x = (hr - txHeight + rxSlopeBack * d) / (txSlope + rxSlopeBack)
        let h = txSlope * x - rxSlope * x
        let nu = x > 0 && x < d ? h * (2 * d / (x * (d - x))).squareRoot() : 0
        return Sight(scaledNu: nu, lineOfSight: false)
    }

    /// The receiver's ray slope minus the steepest slope to the terrain passed: ≥ 0 is line of sight. O(1).
    func clearance(distance d: Double, ground: Double) -> Double {
        (ground + rxHeight - bulge * d * d - txHeight) / d - txSlope
    }

    /// Passes the sample at `distance` with ground `ground` (relative to the site's). Without
    /// `hull`, only the transmitter's horizon is kept (enough for line of sight).
    mutating func pass(distance d: Double, ground: Double, hull keepsHull: Bool = true) {
        let h = ground - bulge * d * d
        let slope = (h - txHeight) / d
        if slope > txSlope {
            txSlope = slope
            horizonDistance = d
            horizonGround = ground
        }
        if !keepsHull { return }
        var n = hullCount
        while n >= 2 {
            let cross = (hullD[n - 1] - hullD[n - 2]) * (h - hullH[n - 2]) - (hullH[n - 1] - hullH[n - 2]) * (d - hullD[n - 2])
            if cross >= 0 { n -= 1 } else { break }
        }
        if n == hullCapacity {
            hullCapacity *= 2
            let (d2, h2) = (UnsafeMutablePointer<Double>.allocate(capacity: hullCapacity), UnsafeMutablePointer<Double>.allocate(capacity: hullCapacity))
            d2.moveInitialize(from: hullD, count: n)
            h2.moveInitialize(from: hullH, count: n)
            hullD.deallocate()
            hullH.deallocate()
            (hullD, hullH) = (d2, h2)
        }
        hullD[n] = d
        hullH[n] = h
        hullCount = n + 1
    }
}
