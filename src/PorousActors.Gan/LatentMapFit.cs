using MathNet.Numerics.LinearAlgebra;
using PorousActors.Core;

namespace PorousActors.Gan;

/// <summary>
/// Fits a <see cref="LatentMap"/> so that generated porosity has the rock's mean and spread. On
/// draws w ~ N(0, I) the generated φ is regressed on w: φ ≈ a + b·w + ε. Along u = b/|b| a shift δ
/// moves the mean by |b|δ, and a scale s makes the variance |b|²s² + Var ε; so δ = (m_rock − m_gen)/|b|
/// and s² = (sd_rock² − Var ε)/|b|². The response is not exactly linear (cubes are thresholded), so
/// <see cref="Refine"/> corrects both from a fresh measurement under the map.
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

    /// <summary>The map that gives mean <paramref name="meanTarget"/> and standard deviation
    /// <paramref name="sdTarget"/> under the linear model (slope, mean of the unmapped draws, residual variance).</summary>
    public static LatentMap Solve(double[] slope, double meanGenerated, double residualVariance, double meanTarget, double sdTarget, string? fit = null)
    {
        double norm = Math.Sqrt(slope.Sum(v => v * v));
        if (!(norm > 0)) throw new BadInputException("porosity does not vary with the latent: no direction to map along");
        var u = slope.Select(v => (float)(v / norm)).ToArray();
        // renormalise in float so the stored direction has unit length to float precision
        double un = Math.Sqrt(u.Sum(v => (double)v * v));
        for (int i = 0; i < u.Length; i++) u[i] = (float)(u[i] / un);
        double shift = (meanTarget - meanGenerated) / norm;
        double linearVar = sdTarget * sdTarget - residualVariance;
        if (!(linearVar > 0))
            throw new BadInputException($"the rock's porosity spread (sd {sdTarget:G3}) is smaller than what the generator's porosity varies by apart from the latent direction (sd {Math.Sqrt(residualVariance):G3}): no scale fits");
        return new LatentMap { Direction = u, Shift = shift, Scale = Math.Sqrt(linearVar) / norm, Fit = fit };
    }

    /// <summary>One correction from a measurement under <paramref name="map"/>: the shift by the
    /// remaining mean error over |b|, the scale so the linear part of the variance hits the target.</summary>
    public static LatentMap Refine(LatentMap map, double slopeNorm, double residualVariance, double meanMeasured, double sdMeasured, double meanTarget, double sdTarget, string? fit = null)
    {
        double shift = map.Shift + (meanTarget - meanMeasured) / slopeNorm;
        double want = sdTarget * sdTarget - residualVariance, have = sdMeasured * sdMeasured - residualVariance;
        double scale = have > 0 && want > 0 ? map.Scale * Math.Sqrt(want / have) : map.Scale;
        return map with { Shift = shift, Scale = scale, Fit = fit ?? map.Fit };
    }

    public static (double Mean, double Sd) MeanSd(IReadOnlyList<double> v)
    {
        double m = v.Average();
        return (m, Math.Sqrt(v.Sum(x => (x - m) * (x - m)) / (v.Count - 1)));
    }
}
