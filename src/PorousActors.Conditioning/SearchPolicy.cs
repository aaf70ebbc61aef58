namespace PorousActors.Conditioning;

/// <summary>
/// How a step searches the angle t of z(t) = z cos t + u sin t. A policy proposes rounds of angles
/// (each round one generator batch) and sees the errors of each round before the next; the chain
/// keeps the best candidate, t = 0 (the current state) included, so the error never increases.
/// Policies are deterministic given their random source.
/// </summary>
public interface ISearchPolicy
{
    string Name { get; }
    /// <summary>Angles to evaluate next, or empty when the step's search is over.</summary>
    IReadOnlyList<double> NextRound(Random rng, IReadOnlyList<(double T, double Error)> seen, double currentError);

    /// <summary>
    /// An error above which a candidate of the next round cannot change anything this policy does:
    /// such a candidate may be left without its full forward run once a cheap part of its error
    /// already exceeds the bound (<see cref="ConditioningChain.Screen"/>). +∞: every candidate counts.
    /// </summary>
    double ScreenBound(IReadOnlyList<(double T, double Error)> seen, double currentError) => double.PositiveInfinity;

    /// <summary>Directions a step deforms along: 1 (z cos t + u sin t: <see cref="NextRound"/>) or 2
    /// (a point p on the unit sphere, a z + b u₁ + c u₂: <see cref="NextPoints"/>).</summary>
    int Directions => 1;

    /// <summary>Two-direction policies: the points to evaluate next, or empty when the step is over.</summary>
    IReadOnlyList<SpherePoint> NextPoints(Random rng, IReadOnlyList<(SpherePoint At, double Error)> seen, double currentError) =>
        throw new NotSupportedException($"the {Name} policy deforms along one direction");
}

/// <summary>
/// A point on the unit sphere in the span of the current latent z and two fresh directions u₁, u₂:
/// the candidate a z + b u₁ + c u₂. With z, u₁, u₂ independent N(0, I) and a² + b² + c² = 1 it is
/// N(0, I) too: gradual deformation with two realisations at once (Hu 2000; Hu and Le Ravalec 2004).
/// A = 1 is the current state; c = 0 is the one-direction chain at t = atan2(b, a).
/// </summary>
public readonly record struct SpherePoint(double A, double B, double C)
{
    /// <summary>Angle from the current state (rad, 0..π): what the chain records as its step's t.</summary>
    public double Angle => Math.Acos(Math.Clamp(A, -1, 1));

    public static SpherePoint Normalised(double a, double b, double c)
    {
        double n = Math.Sqrt(a * a + b * b + c * c);
        return new SpherePoint(a / n, b / n, c / n);
    }
}

public static class SearchPolicies
{
    public static ISearchPolicy Parse(string name, int batch = 4) => name.Trim().ToLowerInvariant() switch
    {
        "golden" => new BracketSearch(batch),
        "adaptive" => new BracketSearch(batch, refineBelow: 4),
        "paper" => new PaperDescent(),
        "random" => new RandomSampling(),
        "sphere" => new SphereSearch(),
        "surrogate" => new SurrogateChoice(),
        "surrogate-random" => new SurrogateChoice(independent: true),
        _ => throw new Core.BadInputException($"unknown policy '{name}': use golden, adaptive, sphere, paper, random, surrogate or surrogate-random"),
    };
}

/// <summary>
/// Bounded 1-D search on (−π, π], batched: the first round evaluates K evenly spaced angles, each
/// later round K angles evenly spaced in a bracket around the best so far, the bracket shrinking
/// by the golden ratio's square per round (a K-point generalisation of golden-section search; the
/// error is not unimodal in t, so the first round scans the whole circle).
/// </summary>
/// <remarks>With <c>refineBelow</c> set (policy "adaptive"), a step whose first round already
/// improves on the current state stops there unless the best error is below that value: far from
/// the targets a fresh direction is worth more than a finer angle, so refinement is spent only close
/// to them (error ≤ 4 is within two tolerances on one target).</remarks>
public sealed class BracketSearch(int k = 4, int rounds = 3, double? refineBelow = null) : ISearchPolicy
{
    public string Name => refineBelow is null ? "golden" : "adaptive";
    public int K { get; } = Math.Max(2, k);
    public int Rounds { get; } = Math.Max(1, rounds);

    public IReadOnlyList<double> NextRound(Random rng, IReadOnlyList<(double T, double Error)> seen, double currentError)
    {
        int round = seen.Count / K;
        if (round >= Rounds) return [];
        if (round == 0)
        {
            // evenly spaced, rotated by a random offset so successive steps do not repeat angles
            double offset = (rng.NextDouble() - 0.5) * 2 * Math.PI / K;
            return Enumerable.Range(0, K).Select(i => Wrap(-Math.PI + (i + 0.5) * 2 * Math.PI / K + offset)).ToList();
        }
        var best = seen.MinBy(s => s.Error);
        if (refineBelow is { } limit && round == 1 && best.Error < currentError && best.Error > limit) return [];
        double halfWidth = Math.PI / K * Math.Pow(0.381966, round - 1); // shrink per round
        return Enumerable.Range(0, K).Select(i => Wrap(best.T - halfWidth + (i + 0.5) * 2 * halfWidth / K)).ToList();
    }

    /// <summary>Only the best angle so far steers later rounds and is kept, so once a step has a best,
    /// a candidate worse than it changes nothing. The first round has none: there the best of the
    /// round centres the next one even if it is worse than the current state, so all count.</summary>
    public double ScreenBound(IReadOnlyList<(double T, double Error)> seen, double currentError) => StepBest(seen);

    /// <summary>The step's best error so far, +∞ before its first round.</summary>
    internal static double StepBest(IReadOnlyList<(double T, double Error)> seen) =>
        seen.Count == 0 ? double.PositiveInfinity : seen.Min(s => s.Error);

    internal static double Wrap(double t)
    {
        while (t <= -Math.PI) t += 2 * Math.PI;
        while (t > Math.PI) t -= 2 * Math.PI;
        return t;
    }
}

/// <summary>
/// The paper's Algorithm 1: a random angle, then descent on t by finite differences (h = 0.05 rad):
/// each round evaluates t and t + h, moves t against the slope by a step that halves whenever it
/// fails to improve, for a few rounds.
/// </summary>
public sealed class PaperDescent(int rounds = 4, double h = 0.05) : ISearchPolicy
{
    public string Name => "paper";
    double t, step;

    public IReadOnlyList<double> NextRound(Random rng, IReadOnlyList<(double T, double Error)> seen, double currentError)
    {
        int round = seen.Count / 2;
        if (round == 0)
        {
            t = (rng.NextDouble() * 2 - 1) * Math.PI;
            step = 0.5;
            return [t, BracketSearch.Wrap(t + h)];
        }
        if (round >= rounds) return [];
        var (t0, e0) = seen[^2];
        var (_, e1) = seen[^1];
        if (!double.IsFinite(e0) || !double.IsFinite(e1)) return [];
        double slope = (e1 - e0) / h;
        if (round >= 2 && e0 >= seen[^4].Error) step /= 2; // the last move did not help
        t = BracketSearch.Wrap(t0 - Math.Sign(slope) * step);
        return [t, BracketSearch.Wrap(t + h)];
    }
}

/// <summary>
/// Deformation steered by a <see cref="LatentSurrogate"/>: the chain starts at the best of
/// <see cref="StartDraws"/> independent draws, and each step it predicts many candidates
/// z cos t + u_j sin t (several fresh directions u_j, many angles t) and evaluates only the one the
/// surrogate gives the best chance of meeting the targets, taking its direction as the step's u.
/// Every candidate is N(0, I), as in any gradual deformation; the surrogate only chooses which one
/// to pay for. <c>independent</c> ("surrogate-random") is the baseline with the same surrogate:
/// every candidate a fresh independent draw (t = π/2), as many per step, so what deformation adds
/// can be told from what the surrogate adds. The chain sets <see cref="Angle"/> before the step's
/// first round (<see cref="ConditioningChain"/>).
/// </summary>
public sealed class SurrogateChoice(bool independent = false) : ISearchPolicy
{
    public string Name => independent ? "surrogate-random" : "surrogate";
    public bool Independent => independent;
    /// <summary>Fresh directions predicted per step, and the angles tried along each.</summary>
    public const int Directions = 16;
    public static readonly double[] Magnitudes = [0.05, 0.1, 0.2, 0.3, 0.45, 0.6, 0.8, 1.0, 1.25, 1.57, 2.0, 2.6];
    /// <summary>Independent draws the first latent is chosen from.</summary>
    public const int StartDraws = 384;
    public double? Angle { get; set; }

    public IReadOnlyList<double> NextRound(Random rng, IReadOnlyList<(double T, double Error)> seen, double currentError) =>
        seen.Count == 0 && Angle is { } t ? [t] : [];

    /// <summary>One candidate per step: it replaces the state only if better (or if it meets every target).</summary>
    public double ScreenBound(IReadOnlyList<(double T, double Error)> seen, double currentError) => currentError;
}

/// <summary>
/// The baseline: plain random sampling from the generator. Each step proposes t = π/2 only, so the
/// candidate is z cos(π/2) + u_n sin(π/2) = u_n, a fresh independent N(0, I) draw: the chain then
/// keeps the best independent sample so far and stops at the first that meets the targets.
/// </summary>
public sealed class RandomSampling : ISearchPolicy
{
    public string Name => "random";
    public IReadOnlyList<double> NextRound(Random rng, IReadOnlyList<(double T, double Error)> seen, double currentError) =>
        seen.Count == 0 ? [Math.PI / 2] : [];

    /// <summary>The one sample of a step replaces the state only if it is better.</summary>
    public double ScreenBound(IReadOnlyList<(double T, double Error)> seen, double currentError) => currentError;
}

/// <summary>
/// Golden-style search over two directions at once: each step deforms z on the sphere spanned by z
/// and two fresh N(0, I) directions. The first round evaluates <c>N</c> points spread evenly over
/// the sphere (a Fibonacci lattice about z, turned by a random angle), each later round <c>K</c>
/// points on a ring around the best so far, the ring shrinking by the golden ratio's square. With
/// joint targets a one-direction step traces a curve through the property space, which rarely
/// crosses a small box of two tolerances; a two-direction step covers a surface.
/// </summary>
public sealed class SphereSearch(int first = 8, int k = 4, int rounds = 3) : ISearchPolicy
{
    public string Name => "sphere";
    public int Directions => 2;
    public int First { get; } = Math.Max(4, first);
    public int K { get; } = Math.Max(3, k);
    public int Rounds { get; } = Math.Max(1, rounds);

    public IReadOnlyList<double> NextRound(Random rng, IReadOnlyList<(double T, double Error)> seen, double currentError) =>
        throw new NotSupportedException("the sphere policy proposes points (NextPoints), not angles");

    public IReadOnlyList<SpherePoint> NextPoints(Random rng, IReadOnlyList<(SpherePoint At, double Error)> seen, double currentError)
    {
        int round = seen.Count < First ? 0 : 1 + (seen.Count - First) / K;
        if (round >= Rounds) return [];
        if (round == 0)
        {
            // Fibonacci lattice: a = 1 − 2(i + ½)/N (never the pole, the current state), longitudes
            // the golden angle apart, all turned by one random angle
            double turn = rng.NextDouble() * 2 * Math.PI, golden = Math.PI * (3 - Math.Sqrt(5));
            return Enumerable.Range(0, First).Select(i =>
            {
                double a = 1 - 2 * (i + 0.5) / First, r = Math.Sqrt(1 - a * a), phi = turn + i * golden;
                return new SpherePoint(a, r * Math.Cos(phi), r * Math.Sin(phi));
            }).ToList();
        }
        var best = seen.MinBy(s => s.Error).At;
        // the first ring sits halfway to the lattice's neighbours (spacing ~ √(4π/N)), then shrinks
        double radius = 0.5 * Math.Sqrt(4 * Math.PI / First) * Math.Pow(0.381966, round - 1);
        var (e1, e2) = Tangents(best);
        double offset = rng.NextDouble() * 2 * Math.PI / K;
        return Enumerable.Range(0, K).Select(i =>
        {
            double alpha = offset + 2 * Math.PI * i / K, c = Math.Cos(radius), s = Math.Sin(radius);
            return SpherePoint.Normalised(
                c * best.A + s * (Math.Cos(alpha) * e1.A + Math.Sin(alpha) * e2.A),
                c * best.B + s * (Math.Cos(alpha) * e1.B + Math.Sin(alpha) * e2.B),
                c * best.C + s * (Math.Cos(alpha) * e1.C + Math.Sin(alpha) * e2.C));
        }).ToList();
    }

    /// <summary>As the golden policy: once a step has a best, only it steers later rounds and is kept.</summary>
    public double ScreenBound(IReadOnlyList<(double T, double Error)> seen, double currentError) => BracketSearch.StepBest(seen);

    /// <summary>Two unit vectors orthogonal to p and to each other.</summary>
    internal static (SpherePoint E1, SpherePoint E2) Tangents(SpherePoint p)
    {
        // start from the axis p is least aligned with
        var axis = Math.Abs(p.A) < 0.9 ? new SpherePoint(1, 0, 0) : new SpherePoint(0, 1, 0);
        double d = axis.A * p.A + axis.B * p.B + axis.C * p.C;
        var e1 = SpherePoint.Normalised(axis.A - d * p.A, axis.B - d * p.B, axis.C - d * p.C);
        var e2 = new SpherePoint(p.B * e1.C - p.C * e1.B, p.C * e1.A - p.A * e1.C, p.A * e1.B - p.B * e1.A);
        return (e1, e2);
    }
}
