#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A small, fast, seedable generator (SplitMix64) so that synthetic data, shuffles and
/// initialisations are the same on every machine for the same seed.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    /// An independent stream for `stream` under `seed`, for work done in parallel or in pieces.
    public init(seed: UInt64, stream: UInt64) {
        var mixer = SplitMix64(seed: seed ^ (stream &* 0x9E37_79B9_7F4A_7C15))
        state = mixer.next() ^ stream
    }

    @inline(__always)
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    @inline(__always)
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform in 0..<bound without modulo bias worth caring about for bound < 2^32.
    @inline(__always)
    public mutating func next(below bound: Int) -> Int {
        Int((UInt64(UInt32(truncatingIfNeeded: next() >> 32)) &* UInt64(bound)) >> 32)
    }

    /// Standard normal deviate (Box–Muller; one of the pair is dropped to stay stateless).
    @inline(__always)
    public mutating func nextGaussian() -> Double {
        let u1 = max(nextUnit(), 0x1.0p-53)
        let u2 = nextUnit()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// Two independent standard normal deviates (both halves of Box–Muller).
    @inline(__always)
    public mutating func nextGaussianPair() -> (Double, Double) {
        let u1 = max(nextUnit(), 0x1.0p-53)
        let u2 = nextUnit()
        let radius = (-2 * log(u1)).squareRoot()
        return (radius * cos(2 * Double.pi * u2), radius * sin(2 * Double.pi * u2))
    }
}
