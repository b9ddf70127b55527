/// `np.add.reduce` over a contiguous float64 array: numpy's pairwise summation (8 accumulators in blocks of
/// up to 128, recursive halving above). Matching it keeps the mean's last bits equal to the reference's
/// (checked against numpy 2.4 for lengths 1 to 52,177).
public enum NumpySum {
    public static func sum(_ values: [Double]) -> Double {
        values.withUnsafeBufferPointer { pairwise($0) }
    }

    static func pairwise(_ a: UnsafeBufferPointer<Double>) -> Double {
        let n = a.count
        if n < 8 {
            var res = 0.0
            for x in a { res += x }
            return res
        } else if n <= 128 {
            var r = (a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7])
            var i = 8
            while i < n - n % 8 {
                r.0 += a[i]; r.1 += a[i + 1]; r.2 += a[i + 2]; r.3 += a[i + 3]
                r.4 += a[i + 4]; r.5 += a[i + 5]; r.6 += a[i + 6]; r.7 += a[i + 7]
                i += 8
            }
            var res = ((r.0 + r.1) + (r.2 + r.3)) + ((r.4 + r.5) + (r.6 + r.7))
            while i < n { res += a[i]; i += 1 }
            return res
        } else {
            var n2 = n / 2
            n2 -= n2 % 8
            return pairwise(UnsafeBufferPointer(rebasing: a[..<n2])) + pairwise(UnsafeBufferPointer(rebasing: a[n2...]))
        }
    }
}
