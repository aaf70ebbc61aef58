namespace PorousActors.Reports;

/// <summary>Small statistics used by the reports.</summary>
public static class Statistics
{
    /// <summary>See <see cref="Core.Quantiles.Of"/> (R-7 over the finite values; NaN for none).</summary>
    public static double Quantile(IReadOnlyList<double> values, double q) => Core.Quantiles.Of(values, q);

    /// <summary>Pearson correlation over the pairs where both values are finite (MathNet.Numerics); NaN below 3 pairs or for a constant.</summary>
    public static double Pearson(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        var pairs = x.Zip(y).Where(p => double.IsFinite(p.First) && double.IsFinite(p.Second)).ToList();
        if (pairs.Count < 3) return double.NaN;
        double r = MathNet.Numerics.Statistics.Correlation.Pearson(pairs.Select(p => p.First), pairs.Select(p => p.Second));
        return double.IsFinite(r) ? r : double.NaN;
    }

    /// <summary>RMSE of achieved vs target divided by the range of the targets (the paper's normalised RMSE).</summary>
    public static double NormalisedRmse(IReadOnlyList<double> target, IReadOnlyList<double> achieved)
    {
        double rmse = Math.Sqrt(target.Zip(achieved).Average(p => (p.First - p.Second) * (p.First - p.Second)));
        double range = target.Max() - target.Min();
        return range > 0 ? rmse / range : double.NaN;
    }

    /// <summary>Largest |a[i] − b[i]| over the indices both hold (curves such as S2(r)).</summary>
    public static double MaxAbsDifference(IEnumerable<double> a, IEnumerable<double> b) => a.Zip(b).Max(p => Math.Abs(p.First - p.Second));

    /// <summary>S2(r) of the pore phase for lags 0..<paramref name="maxLag"/>, averaged over volumes
    /// (over the lags every volume holds).</summary>
    public static double[] MeanS2(IReadOnlyList<Core.Volume> volumes, int maxLag) =>
        MeanCurve(volumes, maxLag, Core.Metrics.TwoPointCorrelation.Compute);

    /// <summary>Lineal path L(r) of the pore phase for r = 0..<paramref name="maxLength"/> voxels,
    /// averaged over volumes (over the lengths every volume holds).</summary>
    public static double[] MeanLinealPath(IReadOnlyList<Core.Volume> volumes, int maxLength) =>
        MeanCurve(volumes, maxLength, Core.Metrics.LinealPath.Compute);

    static double[] MeanCurve(IReadOnlyList<Core.Volume> volumes, int maxLag, Func<Core.Volume, int, double[]> curve)
    {
        var acc = new double[maxLag + 1];
        int lags = acc.Length;
        foreach (var v in volumes)
        {
            var s = curve(v, maxLag);
            lags = Math.Min(lags, s.Length);
            for (int i = 0; i < s.Length; i++) acc[i] += s[i];
        }
        return acc.Take(lags).Select(x => x / volumes.Count).ToArray();
    }

    /// <summary>
    /// Porosity by plane position, averaged over cubes: [axis][plane] for the z, y and x planes. Cubes
    /// cut at random places from a stationary rock give flat profiles (up to sampling noise); a
    /// generator whose output depends on the position in its cube does not (edges, or a period set
    /// by its upsampling layers). All cubes must have the same shape.
    /// </summary>
    public static double[][] MeanPlaneProfiles(IReadOnlyList<Core.Volume> volumes)
    {
        var v0 = volumes[0];
        var acc = new[] { new double[v0.Nz], new double[v0.Ny], new double[v0.Nx] };
        foreach (var v in volumes)
        {
            if (v.Nz != v0.Nz || v.Ny != v0.Ny || v.Nx != v0.Nx) throw new ArgumentException("plane profiles need cubes of one shape");
            var profiles = Core.Metrics.Porosity.Profiles(v);
            for (int a = 0; a < 3; a++)
                for (int i = 0; i < profiles[a].Length; i++) acc[a][i] += profiles[a][i];
        }
        foreach (var axis in acc) for (int i = 0; i < axis.Length; i++) axis[i] /= volumes.Count;
        return acc;
    }

    /// <summary>Standard deviation of a profile's values about their mean (population form).</summary>
    public static double ProfileSpread(IReadOnlyList<double> profile)
    {
        double m = profile.Average();
        return Math.Sqrt(profile.Sum(v => (v - m) * (v - m)) / profile.Count);
    }

    /// <summary>Do the interquartile ranges of two samples overlap?</summary>
    public static bool IqrOverlap(IReadOnlyList<double> a, IReadOnlyList<double> b) =>
        Quantile(a, 0.25) <= Quantile(b, 0.75) && Quantile(b, 0.25) <= Quantile(a, 0.75);
}

/// <summary>Two-sample Kolmogorov–Smirnov test: D = sup |F₁ − F₂| and its asymptotic p-value.</summary>
public static class KolmogorovSmirnov
{
    public static (double D, double P) TwoSample(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        var x = a.Where(double.IsFinite).Order().ToArray();
        var y = b.Where(double.IsFinite).Order().ToArray();
        if (x.Length == 0 || y.Length == 0) return (double.NaN, double.NaN);
        int i = 0, j = 0;
        double d = 0;
        while (i < x.Length && j < y.Length)
        {
            double v = Math.Min(x[i], y[j]);
            while (i < x.Length && x[i] <= v) i++;
            while (j < y.Length && y[j] <= v) j++;
            d = Math.Max(d, Math.Abs((double)i / x.Length - (double)j / y.Length));
        }
        double en = Math.Sqrt((double)x.Length * y.Length / (x.Length + y.Length));
        return (d, KolmogorovQ((en + 0.12 + 0.11 / en) * d));
    }

    /// <summary>Q_KS(λ) = 2 Σ (−1)^(k−1) exp(−2k²λ²), the Kolmogorov distribution's tail.</summary>
    public static double KolmogorovQ(double lambda)
    {
        if (lambda < 1e-3) return 1;
        double sum = 0, sign = 1;
        for (int k = 1; k <= 200; k++)
        {
            double term = sign * Math.Exp(-2.0 * k * k * lambda * lambda);
            sum += term;
            if (Math.Abs(term) < 1e-12) break;
            sign = -sign;
        }
        return Math.Clamp(2 * sum, 0, 1);
    }
}
