/// Sine and cosine for drawing charts: the domain library imports no C math library, and a point on a sunburst
/// needs far less precision than these give (better than 1e-12 after reduction to [-π, π]).
enum ChartGeometry {
    static func sine(_ angle: Double) -> Double {
        let twoPi = 2 * Double.pi
        var x = angle - twoPi * (angle / twoPi).rounded()
        // sin(x) = sin(π - x) keeps the series' argument within [-π/2, π/2], where it converges fast.
        if x > Double.pi / 2 { x = Double.pi - x } else if x < -Double.pi / 2 { x = -Double.pi - x }
        var term = x, sum = x
        let square = x * x
        for n in 1...10 {
            term *= -square / Double((2 * n) * (2 * n + 1))
            sum += term
        }
        return sum
    }

    static func cosine(_ angle: Double) -> Double {
        sine(angle + Double.pi / 2)
    }
}
