using MathNet.Numerics.LinearAlgebra;
using PorousActors.Core;

namespace PorousActors.Gan;

/// <summary>
/// Fits a <see cref="LatentMap"/> so that generated cubes have the rock's mean properties and its
/// spread of porosity. On draws w ~ N(0, I) each property is regressed on w: y_k ≈ a_k + b_k·w + ε_k.
/// An offset μ moves property k's mean by b_k·μ; the smallest μ (least distance from the latents the
/// network was trained on) that closes every mean gap Δ solves B μ = Δ, μ = Bᵀ(BBᵀ)⁻¹Δ. Porosity's
/// variance under a scale s along u = b_φ/|b_φ| is |b_φ|²s² + Var ε_φ, which fixes s. The response
/// is not exactly linear (cubes are thresholded and networks extracted), so <see cref="Refine"/>
/// corrects μ and s from fresh measurements under the map.
/// </summary>
public static class LatentMapFit
{
    /// <summary>Least-squares fit of y on w (with intercept): slope vector, intercept and residual variance (n − p − 1 dof).</summary>
    public static (double[] Slope, double Intercept, double ResidualVariance) Linear(IReadOnlyList<float[]> w, IReadOnlyList<double> y)
    {
        if (w.Count != y.Count) throw new ArgumentException("one value per latent");
        int n = w.Count, p = w.Count > 0 ? w[0].Length : 0;
        if (n < p + 10) throw new BadInputException($"a latent map needs at least {p + 10} usable draws for a {p}-value latent, got {n}");
        var x = Matrix<double>.Build.Dense(n, p + 1, (i, j) => j == 0 ? 1.0 : w[i][j - 1]);
        var yv = Vector<double>.Build.Dense(n, i => y[i]);
        var beta = x.QR().Solve(yv);
        var r = yv - x * beta;
        return (beta.SubVector(1, p).ToArray(), beta[0], r.DotProduct(r) / (n - p - 1));
    }

    /// <summary>The smallest offset μ with slopes[k]·μ = gaps[k] for every k (the rows must be independent).</summary>
    public static double[] MinimumNormOffset(IReadOnlyList<double[]> slopes, IReadOnlyList<double> gaps)
    {
        int m = slopes.Count, p = slopes[0].Length;
        var b = Matrix<double>.Build.Dense(m, p, (i, j) => slopes[i][j]);
        var bbt = b * b.Transpose();
        // rows of very different units: judge independence on the correlation of the slopes
        var d = Vector<double>.Build.Dense(m, i => 1 / Math.Sqrt(bbt[i, i]));
        for (int i = 0; i < m; i++) if (!double.IsFinite(d[i])) throw new BadInputException("a matched property does not vary with the latent");
        var corr = Matrix<double>.Build.Dense(m, m, (i, j) => bbt[i, j] * d[i] * d[j]);
        if (corr.ConditionNumber() > 1e6) throw new BadInputException("the matched properties' latent directions are nearly dependent: match fewer properties");
        var lambda = bbt.Solve(Vector<double>.Build.Dense(m, i => gaps[i]));
        return (b.Transpose() * lambda).ToArray();
    }

    /// <summary>The map that closes the mean gaps (targets − means of the unmapped draws) with the
    /// smallest offset and gives porosity (row <paramref name="porosityRow"/>) the standard deviation
    /// <paramref name="sdTarget"/>, under the linear model.</summary>
    public static LatentMap Solve(IReadOnlyList<double[]> slopes, IReadOnlyList<double> gaps, int porosityRow, double porosityResidualVariance, double sdTarget, string? fit = null)
    {
        var bphi = slopes[porosityRow];
        double norm = Math.Sqrt(bphi.Sum(v => v * v));
        if (!(norm > 0)) throw new BadInputException("porosity does not vary with the latent: no direction to map along");
        var u = bphi.Select(v => (float)(v / norm)).ToArray();
        double un = Math.Sqrt(u.Sum(v => (double)v * v)); // unit length to float precision
        for (int i = 0; i < u.Length; i++) u[i] = (float)(u[i] / un);
        double linearVar = sdTarget * sdTarget - porosityResidualVariance;
        if (!(linearVar > 0))
            throw new BadInputException($"the rock's porosity spread (sd {sdTarget:G3}) is smaller than what the generator's porosity varies by apart from the latent direction (sd {Math.Sqrt(porosityResidualVariance):G3}): no scale fits");
        var mu = MinimumNormOffset(slopes, gaps);
        return new LatentMap { Direction = u, Offset = mu.Select(v => (float)v).ToArray(), Scale = Math.Sqrt(linearVar) / norm, Fit = fit };
    }

    /// <summary>One correction from measurements under <paramref name="map"/>: the offset by the
    /// smallest step that closes the remaining mean gaps, the scale so that porosity's linear part of
    /// the variance hits the target.</summary>
    public static LatentMap Refine(LatentMap map, IReadOnlyList<double[]> slopes, IReadOnlyList<double> remainingGaps, double porosityResidualVariance, double sdMeasured, double sdTarget, string? fit = null)
    {
        var step = MinimumNormOffset(slopes, remainingGaps);
        var offset = map.Offset.Select((v, i) => (float)(v + step[i])).ToArray();
        double want = sdTarget * sdTarget - porosityResidualVariance, have = sdMeasured * sdMeasured - porosityResidualVariance;
        double scale = have > 0 && want > 0 ? map.Scale * Math.Sqrt(want / have) : map.Scale;
        return map with { Offset = offset, Scale = scale, Fit = fit ?? map.Fit };
    }

    public static (double Mean, double Sd) MeanSd(IReadOnlyList<double> v)
    {
        double m = v.Average();
        return (m, Math.Sqrt(v.Sum(x => (x - m) * (x - m)) / (v.Count - 1)));
    }
}
