/// A factor model's movie rows laid out for scanning every movie: blocks of 8 movies, and in a
/// block the 8 movies' values of one dimension side by side. A customer's scores for 8 movies
/// are then a sum over dimensions of (their value, broadcast) × (8 movies' values), in full
/// SIMD lanes with no horizontal sums, and one block read from memory serves every customer of
/// a batch while it sits in L1. Row-major dot products (reduce 8 lanes per movie, spill the
/// selector's state) ran at 2.4 multiply-adds a cycle on this machine's cores; this layout lets
/// them run at the FMA units' rate. A copy of the rows: 4.5 MB for 17,770 movies × 64 factors.
struct MovieFactorBlocks: Sendable {
    /// Movies per block (one AVX register of floats).
    static let width = 8
    /// Movies scored per chunk of a scan: a batch's chunk of scores (8 × 512 floats) stays in L1.
    static let chunk = 512

    let values: [Float]
    /// Floats per movie row (the model's stride; padding dimensions are zero).
    let stride: Int
    let count: Int
    /// Blocks, padded to a whole number of chunks with zero movies.
    let blockCount: Int

    init(rows: UnsafePointer<Float>, count: Int, stride: Int) {
        self.stride = stride
        self.count = count
        let paddedMovies = (count + Self.chunk - 1) / Self.chunk * Self.chunk
        blockCount = paddedMovies / Self.width
        var values = [Float](repeating: 0, count: paddedMovies * stride)
        values.withUnsafeMutableBufferPointer { blocks in
            for movie in 0..<count {
                let block = blocks.baseAddress! + (movie / Self.width) * stride * Self.width + movie % Self.width
                for dimension in 0..<stride { block[dimension * Self.width] = rows[movie * stride + dimension] }
            }
        }
        self.values = values
    }

    /// scores[c · chunk + j] = x_c · y_(first + j) for the `customers` rows of `factors` (`stride`
    /// floats each, at most 8) and the chunk of movies from `first` (a multiple of `chunk`).
    /// Every kernel sums the even and the odd dimensions in two chains and adds them at the end,
    /// so a customer's scores are the same bits whichever kernel (batch size) computed them; two
    /// chains per 8 movies also keep enough FMAs in flight to hide their latency.
    func scoreChunk(first: Int, factors: UnsafePointer<Float>, customers: Int, into scores: UnsafeMutablePointer<Float>) {
        let width = Self.width
        values.withUnsafeBufferPointer { values in
            let start = first / width
            let end = start + Self.chunk / width
            if customers == 1 {
                // One customer: four blocks (32 movies) a step, eight chains.
                var block = start
                while block < end {
                    scoreFour(values.baseAddress! + block * stride * width, factors, into: scores + block * width - first)
                    block += 4
                }
                return
            }
            var block = start
            while block < end {
                let pair = values.baseAddress! + block * stride * width
                var customer = 0
                while customer + 2 <= customers {
                    scoreTwoByTwo(pair, factors + customer * stride, into: scores + customer * Self.chunk + block * width - first)
                    customer += 2
                }
                if customer < customers {
                    scoreTwo(pair, factors + customer * stride, into: scores + customer * Self.chunk + block * width - first)
                }
                block += 2
            }
        }
    }

    /// Two customers (x, x + stride) × two blocks (16 movies): eight chains.
    @inline(__always)
    private func scoreTwoByTwo(_ pair: UnsafePointer<Float>, _ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
        let width = Self.width
        let next = stride * width
        var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a0odd = SIMD8<Float>(), a1odd = SIMD8<Float>()
        var b0 = SIMD8<Float>(), b1 = SIMD8<Float>(), b0odd = SIMD8<Float>(), b1odd = SIMD8<Float>()
        var dimension = 0
        while dimension < stride {
            let m0 = VectorMath.load(pair + dimension * width), m1 = VectorMath.load(pair + next + dimension * width)
            let m0odd = VectorMath.load(pair + (dimension + 1) * width), m1odd = VectorMath.load(pair + next + (dimension + 1) * width)
            let xa = SIMD8<Float>(repeating: x[dimension]), xaOdd = SIMD8<Float>(repeating: x[dimension + 1])
            a0.addProduct(xa, m0); a1.addProduct(xa, m1); a0odd.addProduct(xaOdd, m0odd); a1odd.addProduct(xaOdd, m1odd)
            let xb = SIMD8<Float>(repeating: x[stride + dimension]), xbOdd = SIMD8<Float>(repeating: x[stride + dimension + 1])
            b0.addProduct(xb, m0); b1.addProduct(xb, m1); b0odd.addProduct(xbOdd, m0odd); b1odd.addProduct(xbOdd, m1odd)
            dimension += 2
        }
        VectorMath.store(a0 + a0odd, out); VectorMath.store(a1 + a1odd, out + width)
        VectorMath.store(b0 + b0odd, out + Self.chunk); VectorMath.store(b1 + b1odd, out + Self.chunk + width)
    }

    /// One customer × two blocks: the odd one of a batch.
    @inline(__always)
    private func scoreTwo(_ pair: UnsafePointer<Float>, _ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
        let width = Self.width
        let next = stride * width
        var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a0odd = SIMD8<Float>(), a1odd = SIMD8<Float>()
        var dimension = 0
        while dimension < stride {
            let xa = SIMD8<Float>(repeating: x[dimension]), xaOdd = SIMD8<Float>(repeating: x[dimension + 1])
            a0.addProduct(xa, VectorMath.load(pair + dimension * width))
            a1.addProduct(xa, VectorMath.load(pair + next + dimension * width))
            a0odd.addProduct(xaOdd, VectorMath.load(pair + (dimension + 1) * width))
            a1odd.addProduct(xaOdd, VectorMath.load(pair + next + (dimension + 1) * width))
            dimension += 2
        }
        VectorMath.store(a0 + a0odd, out); VectorMath.store(a1 + a1odd, out + width)
    }

    /// One customer × four blocks (32 movies): eight chains.
    @inline(__always)
    private func scoreFour(_ quad: UnsafePointer<Float>, _ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
        let width = Self.width
        let next = stride * width
        var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
        var a0odd = SIMD8<Float>(), a1odd = SIMD8<Float>(), a2odd = SIMD8<Float>(), a3odd = SIMD8<Float>()
        var dimension = 0
        while dimension < stride {
            let even = dimension * width, odd = (dimension + 1) * width
            let xa = SIMD8<Float>(repeating: x[dimension]), xaOdd = SIMD8<Float>(repeating: x[dimension + 1])
            a0.addProduct(xa, VectorMath.load(quad + even)); a0odd.addProduct(xaOdd, VectorMath.load(quad + odd))
            a1.addProduct(xa, VectorMath.load(quad + next + even)); a1odd.addProduct(xaOdd, VectorMath.load(quad + next + odd))
            a2.addProduct(xa, VectorMath.load(quad + 2 * next + even)); a2odd.addProduct(xaOdd, VectorMath.load(quad + 2 * next + odd))
            a3.addProduct(xa, VectorMath.load(quad + 3 * next + even)); a3odd.addProduct(xaOdd, VectorMath.load(quad + 3 * next + odd))
            dimension += 2
        }
        VectorMath.store(a0 + a0odd, out); VectorMath.store(a1 + a1odd, out + width)
        VectorMath.store(a2 + a2odd, out + 2 * width); VectorMath.store(a3 + a3odd, out + 3 * width)
    }
}
