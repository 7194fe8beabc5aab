import AttacheModels

/// How far a stated change may be from the computed one and still agree.
///
/// Stated numbers are rounded, and the figures they are checked against are too, so:
/// - a plain percent agrees within max(1 point, 5 % of the stated value);
/// - a plain ratio within max(0.05, 5 %);
/// - a plain absolute change within max(1 % of it, 0.5 % of the larger amount);
/// - with a qualifier the tolerance triples ("nearly 2.5 times" accepts 2.1–2.9); `atLeast`
///   ("over 20%") only fails when the computed change is below the stated one minus the
///   tolerance, `atMost` only when above it plus the tolerance.
public enum Tolerance {
    public static func round(_ x: Double, _ places: Int) -> Double {
        var f = 1.0
        for _ in 0..<places { f *= 10 }
        return (x * f).rounded() / f
    }

    public static func percent(_ a: Double, _ b: Double) -> Double? {
        guard a != 0 else { return nil }
        return round((b - a) / abs(a) * 100, 1)
    }

    public static func ratio(_ a: Double, _ b: Double) -> Double? {
        guard a != 0 else { return nil }
        return round(b / a, 3)
    }

    static func within(_ computed: Double, _ stated: Double, _ tol: Double, _ q: Qualifier?) -> Bool {
        switch q {
        case .atLeast: return computed >= stated - tol
        case .atMost: return computed <= stated + tol
        default: return abs(computed - stated) <= tol
        }
    }

    /// Whether a stated change agrees with the amounts `from` → `to`.
    public static func agrees(change c: StatedChange, from a: Double, to b: Double) -> Bool {
        let factor = c.qualifier == nil ? 1.0 : 3.0
        if let p = c.percent, a != 0 {
            let computed = (b - a) / abs(a) * 100
            if !within(computed, p, max(1, 0.05 * abs(p)) * factor, c.qualifier) { return false }
        }
        if let r = c.ratio, a != 0 {
            if !within(b / a, r, max(0.05, 0.05 * r) * factor, c.qualifier) { return false }
        }
        if let x = c.absolute {
            if !within(b - a, x, max(0.01 * abs(x), 0.005 * max(abs(a), abs(b))) * factor, c.qualifier) { return false }
        }
        return true
    }
}
