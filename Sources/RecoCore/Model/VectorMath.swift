/// SIMD kernels over factor rows whose length is a multiple of 8.
public enum VectorMath {
    @inline(__always)
    static func load(_ pointer: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always)
    static func store(_ value: SIMD8<Float>, _ pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: SIMD8<Float>.self)
    }

    /// a·b for `count` floats, `count` a multiple of 8. Two accumulators hide FMA latency.
    @inline(__always)
    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        var even = SIMD8<Float>()
        var odd = SIMD8<Float>()
        var index = 0
        while index + 16 <= count {
            even.addProduct(load(a + index), load(b + index))
            odd.addProduct(load(a + index + 8), load(b + index + 8))
            index += 16
        }
        if index < count { even.addProduct(load(a + index), load(b + index)) }
        return (even + odd).sum()
    }

    /// Squared Euclidean length.
    @inline(__always)
    public static func squaredNorm(_ a: UnsafePointer<Float>, count: Int) -> Float {
        dot(a, a, count: count)
    }

    /// y += a·x for `count` floats, `count` a multiple of 8.
    @inline(__always)
    public static func axpy(_ a: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        let scale = SIMD8<Float>(repeating: a)
        var index = 0
        while index < count {
            var value = load(y + index)
            value.addProduct(scale, load(x + index))
            store(value, y + index)
            index += 8
        }
    }

    /// a·b₀ … a·b₃ at once: four independent FMA chains hide each other's latency, which a
    /// single dot of a short row (k = 64 is 8 vectors) cannot.
    @inline(__always)
    public static func dot4(_ a: UnsafePointer<Float>, _ b0: UnsafePointer<Float>, _ b1: UnsafePointer<Float>,
                            _ b2: UnsafePointer<Float>, _ b3: UnsafePointer<Float>, count: Int) -> SIMD4<Float> {
        var s0 = SIMD8<Float>()
        var s1 = SIMD8<Float>()
        var s2 = SIMD8<Float>()
        var s3 = SIMD8<Float>()
        var index = 0
        while index < count {
            let x = load(a + index)
            s0.addProduct(x, load(b0 + index))
            s1.addProduct(x, load(b1 + index))
            s2.addProduct(x, load(b2 + index))
            s3.addProduct(x, load(b3 + index))
            index += 8
        }
        return SIMD4(s0.sum(), s1.sum(), s2.sum(), s3.sum())
    }

    /// y += c₀·x₀ + c₁·x₁ + c₂·x₂ + c₃·x₃ in one pass over y.
    @inline(__always)
    public static func axpy4(_ c: SIMD4<Float>, _ x0: UnsafePointer<Float>, _ x1: UnsafePointer<Float>, _ x2: UnsafePointer<Float>,
                             _ x3: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        let c0 = SIMD8<Float>(repeating: c[0])
        let c1 = SIMD8<Float>(repeating: c[1])
        let c2 = SIMD8<Float>(repeating: c[2])
        let c3 = SIMD8<Float>(repeating: c[3])
        var index = 0
        while index < count {
            var value = load(y + index)
            value.addProduct(c0, load(x0 + index))
            value.addProduct(c1, load(x1 + index))
            value.addProduct(c2, load(x2 + index))
            value.addProduct(c3, load(x3 + index))
            store(value, y + index)
            index += 8
        }
    }
}
