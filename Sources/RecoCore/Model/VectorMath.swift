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
}
