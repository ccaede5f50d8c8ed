/// A deflate compressor (RFC 1951) for report.png's bands of rows. Each band is compressed on its
/// own — no match reaches back before it — into dynamic-Huffman blocks that are not the stream's
/// last, followed by an empty stored block, so its bytes end on a byte boundary and any band's
/// bytes can follow any other's: a band whose pixels did not change keeps its compressed bytes
/// from one picture to the next. `end` closes the stream.
///
/// Matches are found greedily along hash chains of three bytes (at most `chainLimit` tried), the
/// Huffman codes are made for each block from its own symbols and kept within 15 bits by halving
/// the counts until they fit.
enum Deflate {
    /// The stream's last block: empty, fixed Huffman codes (BFINAL 1, BTYPE 01, end of block).
    static let end: [UInt8] = [0x03, 0x00]
    /// Candidates tried per position.
    static let chainLimit = 16
    /// The most symbols of one block.
    static let blockSymbols = 1 << 15

    /// `input` compressed as described above.
    static func band(_ input: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var writer = BitWriter()
        writer.bytes.reserveCapacity(input.count / 4 + 64)
        let symbols = matches(input)
        var start = 0
        repeat {
            let stop = min(symbols.count, start + blockSymbols)
            block(symbols[start..<stop], into: &writer)
            start = stop
        } while start < symbols.count
        // An empty stored block: BFINAL 0, BTYPE 00, to the byte's end, LEN 0 and NLEN 0xFFFF.
        writer.put(0, 3)
        writer.align()
        writer.bytes += [0x00, 0x00, 0xFF, 0xFF]
        return writer.bytes
    }

    // MARK: - matches

    /// A literal byte (below 256), or a match: 1 << 31 | length << 16 | distance.
    typealias Symbol = UInt32
    static let matchFlag: UInt32 = 1 << 31

    static func matches(_ p: UnsafeBufferPointer<UInt8>) -> [Symbol] {
        let n = p.count
        var symbols: [Symbol] = []
        symbols.reserveCapacity(n / 8 + 16)
        guard n > 0 else { return symbols }
        let hashBits = 15, window = 32_768
        var head = [Int32](repeating: -1, count: 1 << hashBits)
        var previous = [Int32](repeating: -1, count: n)
        head.withUnsafeMutableBufferPointer { head in
            previous.withUnsafeMutableBufferPointer { previous in
                @inline(__always) func hash(_ i: Int) -> Int {
                    (Int(p[i]) << 10 ^ Int(p[i + 1]) << 5 ^ Int(p[i + 2])) & (1 << hashBits - 1)
                }
                @inline(__always) func insert(_ i: Int) {
                    let h = hash(i)
                    previous[i] = head[h]
                    head[h] = Int32(i)
                }
                var i = 0
                while i < n {
                    var bestLength = 0, bestDistance = 0
                    if i + 3 <= n {
                        let most = min(258, n - i)
                        var candidate = Int(head[hash(i)])
                        var tries = chainLimit
                        while candidate >= 0, i - candidate <= window, tries > 0 {
                            tries -= 1
                            if p[candidate + bestLength] == p[i + bestLength] {
                                var length = 0
                                while length < most, p[candidate + length] == p[i + length] { length += 1 }
                                if length > bestLength {
                                    bestLength = length; bestDistance = i - candidate
                                    if length == most { break }
                                }
                            }
                            candidate = Int(previous[candidate])
                        }
                        insert(i)
                    }
                    if bestLength >= 3 {
                        symbols.append(matchFlag | UInt32(bestLength) << 16 | UInt32(bestDistance))
                        // The positions inside a match join the chains; of a long one (a run of
                        // one colour) only the last few, which is what later matches reach for.
                        let last = min(i + bestLength, n - 2)
                        var j = bestLength < 64 ? i + 1 : max(i + 1, last - 3)
                        while j < last { insert(j); j += 1 }
                        i += bestLength
                    } else {
                        symbols.append(UInt32(p[i]))
                        i += 1
                    }
                }
            }
        }
        return symbols
    }

    // MARK: - blocks

    /// Length symbols 257…285: each length's code, and the first length of each code with its extra bits.
    static let lengthBase: [Int] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    static let lengthExtra: [Int] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    static let distanceBase: [Int] = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073,
                                      4097, 6145, 8193, 12289, 16385, 24577]
    static let distanceExtra: [Int] = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]
    /// The code (0…28) of each length 0…258.
    static let lengthCode: [UInt8] = (0...258).map { length in
        UInt8(max(0, (lengthBase.lastIndex { $0 <= length }) ?? 0))
    }
    /// The code of each distance 1…32768 (index distance − 1).
    static let distanceCode: [UInt8] = (1...32_768).map { d in UInt8(distanceBase.lastIndex { $0 <= d }!) }
    /// The order in which the code lengths' code lengths are written.
    static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    static func block(_ symbols: ArraySlice<Symbol>, into w: inout BitWriter) {
        let lengthCode = Self.lengthCode, distanceCode = Self.distanceCode
        var literalCounts = [Int](repeating: 0, count: 286), distanceCounts = [Int](repeating: 0, count: 30)
        for s in symbols {
            if s & matchFlag == 0 {
                literalCounts[Int(s)] += 1
            } else {
                literalCounts[257 + Int(lengthCode[Int(s >> 16 & 0x1FF)])] += 1
                distanceCounts[Int(distanceCode[Int(s & 0xFFFF) - 1])] += 1
            }
        }
        literalCounts[256] = 1
        // A block of literals alone still has a distance code (as zlib writes it: some decoders
        // refuse a block without one); it is never used.
        if !distanceCounts.contains(where: { $0 > 0 }) { distanceCounts[0] = 1 }
        let literalLengths = Huffman.lengths(literalCounts, limit: 15)
        let distanceLengths = Huffman.lengths(distanceCounts, limit: 15)
        let hlit = max(257, (literalLengths.lastIndex { $0 > 0 } ?? 0) + 1)
        let hdist = max(1, (distanceLengths.lastIndex { $0 > 0 } ?? 0) + 1)
        // The code lengths of both alphabets, runs written with 16 (repeat the last 3–6 times),
        // 17 (3–10 zeros) and 18 (11–138 zeros).
        let all = Array(literalLengths[..<hlit]) + Array(distanceLengths[..<hdist])
        var runs: [(symbol: Int, extra: Int)] = []
        var i = 0
        while i < all.count {
            let v = all[i]
            var run = 1
            while i + run < all.count, all[i + run] == v { run += 1 }
            var left = run
            if v == 0 {
                while left >= 11 { let k = min(138, left); runs.append((18, k - 11)); left -= k }
                if left >= 3 { runs.append((17, left - 3)); left = 0 }
                while left > 0 { runs.append((0, 0)); left -= 1 }
            } else {
                runs.append((Int(v), 0)); left -= 1
                while left >= 3 { let k = min(6, left); runs.append((16, k - 3)); left -= k }
                while left > 0 { runs.append((Int(v), 0)); left -= 1 }
            }
            i += run
        }
        var lengthCounts = [Int](repeating: 0, count: 19)
        for r in runs { lengthCounts[r.symbol] += 1 }
        let lengthLengths = Huffman.lengths(lengthCounts, limit: 7)
        let hclen = max(4, (codeLengthOrder.lastIndex { lengthLengths[$0] > 0 } ?? 0) + 1)
        let literalCodes = Huffman.codes(literalLengths), distanceCodes = Huffman.codes(distanceLengths)
        let lengthCodes = Huffman.codes(lengthLengths)

        w.put(0b100, 3)   // BFINAL 0, BTYPE 10 (dynamic)
        w.put(UInt32(hlit - 257), 5); w.put(UInt32(hdist - 1), 5); w.put(UInt32(hclen - 4), 4)
        for k in codeLengthOrder.prefix(hclen) { w.put(UInt32(lengthLengths[k]), 3) }
        let runExtra = [16: 2, 17: 3, 18: 7]
        for r in runs {
            w.put(lengthCodes[r.symbol], Int(lengthLengths[r.symbol]))
            if let bits = runExtra[r.symbol] { w.put(UInt32(r.extra), bits) }
        }
        for s in symbols {
            if s & matchFlag == 0 {
                w.put(literalCodes[Int(s)], Int(literalLengths[Int(s)]))
            } else {
                let length = Int(s >> 16 & 0x1FF), distance = Int(s & 0xFFFF)
                let lc = Int(lengthCode[length]), dc = Int(distanceCode[distance - 1])
                w.put(literalCodes[257 + lc], Int(literalLengths[257 + lc]))
                if lengthExtra[lc] > 0 { w.put(UInt32(length - lengthBase[lc]), lengthExtra[lc]) }
                w.put(distanceCodes[dc], Int(distanceLengths[dc]))
                if distanceExtra[dc] > 0 { w.put(UInt32(distance - distanceBase[dc]), distanceExtra[dc]) }
            }
        }
        w.put(literalCodes[256], Int(literalLengths[256]))
    }

    /// Bits packed from the least significant of each byte, as deflate writes them.
    struct BitWriter {
        var bytes: [UInt8] = []
        private var buffer: UInt64 = 0
        private var count = 0

        @inline(__always) mutating func put(_ bits: UInt32, _ n: Int) {
            buffer |= UInt64(bits) << UInt64(count)
            count += n
            if count >= 32 {
                withUnsafeBytes(of: UInt32(truncatingIfNeeded: buffer).littleEndian) { bytes.append(contentsOf: $0) }
                buffer >>= 32
                count -= 32
            }
        }

        /// The last byte filled with zeros.
        mutating func align() {
            while count > 0 {
                bytes.append(UInt8(truncatingIfNeeded: buffer))
                buffer >>= 8
                count = max(0, count - 8)
            }
            buffer = 0
        }
    }
}

/// Huffman code lengths and canonical codes (RFC 1951, 3.2.2).
enum Huffman {
    /// Code lengths for symbols counted `counts` times, none longer than `limit`: the lengths of a
    /// Huffman code, made again from halved counts while one is too long. A single used symbol gets
    /// length 1, with a second symbol of length 1 beside it, so the code is complete.
    static func lengths(_ counts: [Int], limit: Int) -> [UInt8] {
        var counts = counts
        while true {
            let used = counts.indices.filter { counts[$0] > 0 }
            var lengths = [UInt8](repeating: 0, count: counts.count)
            if used.isEmpty { return lengths }
            if used.count == 1 {
                lengths[used[0]] = 1
                lengths[used[0] == 0 ? 1 : 0] = 1
                return lengths
            }
            // Nodes: leaves first, then inner nodes; the two lightest merged each time (ties to the
            // earlier node, so the lengths are the same on every machine).
            var weight = used.map { counts[$0] }, parent = [Int](repeating: -1, count: used.count)
            var leaves = used.indices.sorted { (weight[$0], $0) < (weight[$1], $1) }[...]
            var inner: [Int] = [], innerNext = 0
            func lightest() -> Int {
                if let l = leaves.first, innerNext >= inner.count || weight[l] <= weight[inner[innerNext]] {
                    leaves.removeFirst(); return l
                }
                innerNext += 1
                return inner[innerNext - 1]
            }
            for _ in 1..<used.count {
                let a = lightest(), b = lightest()
                weight.append(weight[a] + weight[b]); parent.append(-1)
                parent[a] = weight.count - 1; parent[b] = weight.count - 1
                inner.append(weight.count - 1)
            }
            var depth = [Int](repeating: 0, count: weight.count)
            for node in stride(from: weight.count - 2, through: 0, by: -1) { depth[node] = depth[parent[node]] + 1 }
            if used.indices.allSatisfy({ depth[$0] <= limit }) {
                for (k, symbol) in used.enumerated() { lengths[symbol] = UInt8(depth[k]) }
                return lengths
            }
            for k in counts.indices where counts[k] > 0 { counts[k] = max(1, counts[k] / 2) }
        }
    }

    /// The canonical codes of `lengths`, bit-reversed for deflate's least-significant-first packing.
    static func codes(_ lengths: [UInt8]) -> [UInt32] {
        var perLength = [Int](repeating: 0, count: 16)
        for l in lengths where l > 0 { perLength[Int(l)] += 1 }
        var next = [Int](repeating: 0, count: 16), code = 0
        for bits in 1..<16 { code = (code + perLength[bits - 1]) << 1; next[bits] = code }
        return lengths.map { l in
            guard l > 0 else { return 0 }
            let c = next[Int(l)]
            next[Int(l)] += 1
            var reversed: UInt32 = 0
            for bit in 0..<Int(l) where c >> bit & 1 == 1 { reversed |= 1 << UInt32(Int(l) - 1 - bit) }
            return reversed
        }
    }
}
