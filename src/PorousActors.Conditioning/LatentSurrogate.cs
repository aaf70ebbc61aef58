using System.Text.Json;
using MathNet.Numerics.LinearAlgebra;
using PorousActors.Core;
using PorousActors.Pnm;

namespace PorousActors.Conditioning;

/// <summary>
/// A nonlinear model of one generator's latent-to-property map: kernel ridge regression with a
/// Gaussian kernel (the posterior mean of a Gaussian process) of each property on the latent,
/// fitted once on independent draws. Where the linear <see cref="LatentPrior"/> explains 25–45 % of
/// each property's spread on the shipped model, this explains far more of the porosity's (measured:
/// held-out R² 0.92 against 0.45 on 1,917 draws), so a chain can choose where to deform
/// (<see cref="SurrogateChoice"/>) by predicting its candidates before it spends forward runs.
/// Each property is modelled on its own scale (log for permeability) with its own length scale and
/// ridge, chosen by cross-validation.
/// </summary>
public sealed record LatentSurrogate(
    string ModelSha256,
    int LatentSize,
    string[] Properties,
    float[][] Latents,
    SurrogateMap[] Maps,
    int Samples)
{
    /// <summary>Kernel length scales and ridges tried in the fit (latents are N(0, I): |z| ≈ √d).</summary>
    public static readonly double[] LengthScales = [2.5, 3.5, 5.0];
    public static readonly double[] Ridges = [0.05, 0.2, 0.8];

    /// <summary>
    /// Fits every property on the draws whose properties are all usable (as <see cref="LatentPrior.Fit"/>).
    /// For each property the (length scale, ridge) of the best <paramref name="folds"/>-fold held-out R²
    /// is kept; <see cref="SurrogateMap.ResidualSd"/> is the held-out residual spread on the property's scale.
    /// With <paramref name="varyingSpread"/>, each property's spread may also vary with its prediction
    /// (<see cref="FitSpread"/>); off by default, since on the shipped model it helped single k targets
    /// and cost joint k + throat targets more than that (models/berea64-conditioning-surrogate/varying-spread/).
    /// </summary>
    public static LatentSurrogate Fit(IReadOnlyList<float[]> latents, IReadOnlyList<RockProperties> properties,
        IReadOnlyList<string> names, string modelSha256, int folds = 5, Action<string>? progress = null, bool varyingSpread = false)
    {
        if (latents.Count != properties.Count) throw new ArgumentException("one property set per latent expected");
        if (names.Count == 0) throw new BadInputException("a latent surrogate needs at least one property");
        foreach (var n in names)
            if (RockPropertyCatalog.Find(n) is not { Targetable: true })
                throw new BadInputException($"unknown target property '{n}' for a latent surrogate");
        int d = latents[0].Length, p = names.Count;
        var rows = new List<int>();
        for (int i = 0; i < latents.Count; i++)
            if (names.All(n => PropertyBands.Usable([properties[i].Get(n)], n).Count == 1)) rows.Add(i);
        if (rows.Count < 10 * (d + 1))
            throw new BadInputException($"a latent surrogate for a {d}-value latent needs at least {10 * (d + 1)} usable draws, got {rows.Count} of {latents.Count}");
        int m = rows.Count;
        var z = rows.Select(i => latents[i]).ToArray();
        var y = new double[p][];
        for (int c = 0; c < p; c++) y[c] = rows.Select(i => LatentPrior.ToScale(names[c], properties[i].Get(names[c]))).ToArray();
        var dist = new double[m, m];
        for (int i = 0; i < m; i++)
            for (int j = i; j < m; j++) dist[i, j] = dist[j, i] = SquaredDistance(z[i], z[j]);

        var bestR2 = Enumerable.Repeat(double.NegativeInfinity, p).ToArray();
        var bestCombo = new (double L, double Ridge)[p];
        var bestResidual = new double[p];
        var bestResiduals = new double[p][]; // each draw's held-out residual at the chosen combination
        var total = y.Select(yc => { double mu = yc.Average(); return yc.Sum(v => (v - mu) * (v - mu)); }).ToArray();
        foreach (double l in LengthScales)
            foreach (double ridge in Ridges)
            {
                var e = HeldOutResiduals(dist, y, l, ridge, folds);
                var r2 = new double[p];
                for (int c = 0; c < p; c++)
                {
                    double press = 0;
                    for (int f = 0; f < folds; f++) // fold by fold, as the residuals were predicted
                        for (int r = f; r < m; r += folds) press += e[c][r] * e[c][r];
                    r2[c] = 1 - press / total[c];
                    if (r2[c] > bestR2[c]) { bestR2[c] = r2[c]; bestCombo[c] = (l, ridge); bestResidual[c] = Math.Sqrt(press / m); bestResiduals[c] = e[c]; }
                }
                progress?.Invoke($"length scale {l}, ridge {ridge}: held-out R² {string.Join(" / ", r2.Select(v => v.ToString("F3")))}");
            }
        var all = Enumerable.Range(0, m).ToArray();
        var maps = new SurrogateMap[p];
        for (int c = 0; c < p; c++)
        {
            var (alpha, mean, scale) = Solve(dist, all, [y[c]], bestCombo[c].L, bestCombo[c].Ridge);
            SpreadMap? spread = null;
            if (varyingSpread)
            {
                var residuals = bestResiduals[c];
                spread = FitSpread(y[c].Zip(residuals, (v, e) => v - e).ToArray(), residuals, folds);
                progress?.Invoke(spread is null
                    ? $"{names[c]}: one residual spread (held-out negative log-likelihood per draw {ConstantNll(residuals):F3}; modelled on the prediction it was not better)"
                    : $"{names[c]}: residual spread modelled on the prediction (held-out negative log-likelihood per draw {spread.HeldOutNll:F3} against {ConstantNll(residuals):F3} for one spread)");
            }
            maps[c] = new SurrogateMap(bestCombo[c].L, bestCombo[c].Ridge, mean[0], scale[0], alpha[0], bestR2[c], bestResidual[c], spread);
        }
        return new LatentSurrogate(modelSha256, d, names.ToArray(), z, maps, m);
    }

    /// <summary>Each draw's residual of each property when predicted by a fit on the other folds
    /// (draw r is in fold r mod <paramref name="folds"/>); the kernel is evaluated once per pair and
    /// shared by the properties.</summary>
    static double[][] HeldOutResiduals(double[,] dist, double[][] y, double l, double ridge, int folds)
    {
        int m = y[0].Length, p = y.Length;
        var e = Enumerable.Range(0, p).Select(_ => new double[m]).ToArray();
        var s = new double[p];
        for (int f = 0; f < folds; f++)
        {
            var train = Enumerable.Range(0, m).Where(r => r % folds != f).ToArray();
            var (alpha, mean, scale) = Solve(dist, train, y, l, ridge);
            for (int r = f; r < m; r += folds)
            {
                Array.Clear(s);
                for (int k = 0; k < train.Length; k++)
                {
                    double kernel = Kernel(dist[r, train[k]], l);
                    for (int c = 0; c < p; c++) s[c] += alpha[c][k] * kernel;
                }
                for (int c = 0; c < p; c++) e[c][r] = y[c][r] - (mean[c] + scale[c] * s[c]);
            }
        }
        return e;
    }

    /// <summary>Gaussian negative log-likelihood per residual with one spread for all (the fit's RMS).</summary>
    static double ConstantNll(double[] e)
    {
        double v = e.Average(x => x * x);
        return 0.5 * Math.Log(2 * Math.PI * v) + 0.5;
    }

    /// <summary>
    /// A model of how the residual spread varies with the predicted value (log k's does: its held-out
    /// residuals spread about twice as wide where low k is predicted as where high k is): log(e² + ε)
    /// regressed on a quadratic in the held-out prediction ŷ, its exponential scaled so that it
    /// averages to the squared residuals (E[log χ²₁] is −1.27, not 0). A function of ŷ rather than of
    /// the latent itself: fitted on the latent by kernel ridge regression, the spread of the shipped
    /// model's log k predicted held-out residuals worse than one spread for all. Kept only when it
    /// predicts held-out residuals better than one spread (Gaussian log-likelihood per draw,
    /// <paramref name="folds"/>-fold, by at least 0.01); otherwise null.
    /// </summary>
    static SpreadMap? FitSpread(double[] predicted, double[] e, int folds)
    {
        int m = e.Length;
        double floor = 1e-4 * e.Average(x => x * x) + 1e-300; // a residual of 0 must not give log 0
        var v = e.Select(x => Math.Log(x * x + floor)).ToArray();
        double lo = predicted.Min(), hi = predicted.Max();
        double nll = 0;
        for (int f = 0; f < folds; f++)
        {
            var train = Enumerable.Range(0, m).Where(r => r % folds != f).ToArray();
            var fit = FitQuadratic(train.Select(r => predicted[r]).ToArray(), train.Select(r => v[r]).ToArray(), train.Select(r => e[r]).ToArray(), lo, hi);
            for (int r = f; r < m; r += folds)
            {
                double var = fit.Variance(predicted[r]);
                nll += 0.5 * Math.Log(2 * Math.PI * var) + e[r] * e[r] / (2 * var);
            }
        }
        nll /= m;
        if (!(nll < ConstantNll(e) - 0.01)) return null;
        return FitQuadratic(predicted, v, e, lo, hi) with { HeldOutNll = nll };
    }

    static SpreadMap FitQuadratic(double[] x, double[] v, double[] e, double lo, double hi)
    {
        // centred and scaled so the normal equations stay well conditioned
        double mid = (lo + hi) / 2, half = Math.Max((hi - lo) / 2, 1e-12);
        var X = Matrix<double>.Build.Dense(x.Length, 3, (i, j) => Math.Pow((x[i] - mid) / half, j));
        var b = X.QR().Solve(Vector<double>.Build.DenseOfArray(v));
        var map = new SpreadMap(b[0], b[1], b[2], mid, half, lo, hi, 1, double.NaN);
        double calibration = Enumerable.Range(0, x.Length).Average(i => e[i] * e[i] / map.Variance(x[i]));
        return map with { Calibration = calibration };
    }

    /// <summary>Kernel ridge weights of each property on the rows <paramref name="train"/> (standardised
    /// on them), by one Cholesky factorisation shared by the properties.</summary>
    static (double[][] Alpha, double[] Mean, double[] Scale) Solve(double[,] dist, int[] train, double[][] y, double l, double ridge)
    {
        int n = train.Length, p = y.Length;
        var K = Matrix<double>.Build.Dense(n, n, (i, j) => Kernel(dist[train[i], train[j]], l) + (i == j ? ridge : 0));
        var mean = new double[p]; var scale = new double[p];
        var Y = Matrix<double>.Build.Dense(n, p);
        for (int c = 0; c < p; c++)
        {
            mean[c] = train.Average(r => y[c][r]);
            scale[c] = Math.Sqrt(train.Sum(r => (y[c][r] - mean[c]) * (y[c][r] - mean[c])) / Math.Max(1, n - 1));
            if (!(scale[c] > 0)) scale[c] = 1; // a constant property: predicted as its mean
            for (int i = 0; i < n; i++) Y[i, c] = (y[c][train[i]] - mean[c]) / scale[c];
        }
        var A = K.Cholesky().Solve(Y);
        return (Enumerable.Range(0, p).Select(c => A.Column(c).ToArray()).ToArray(), mean, scale);
    }

    static double Kernel(double squaredDistance, double l) => Math.Exp(-squaredDistance / (2 * l * l));

    static double SquaredDistance(float[] a, float[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) { double e = a[i] - b[i]; s += e * e; }
        return s;
    }

    /// <summary>Squared distances from <paramref name="z"/> to every training latent (reused by every property).</summary>
    public void Distances(float[] z, Span<double> into)
    {
        if (z.Length != LatentSize) throw new ArgumentException($"a {LatentSize}-value latent expected");
        for (int i = 0; i < Latents.Length; i++) into[i] = SquaredDistance(z, Latents[i]);
    }

    /// <summary>The model's prediction of property <paramref name="c"/> (on its own scale) from the distances.</summary>
    public double Predict(int c, ReadOnlySpan<double> distances)
    {
        var map = Maps[c];
        double s = 0, inv = 1 / (2 * map.LengthScale * map.LengthScale);
        for (int i = 0; i < distances.Length; i++) s += map.Weights[i] * Math.Exp(-distances[i] * inv);
        return map.Mean + map.Scale * s;
    }

    /// <summary>The model's residual spread of property <paramref name="c"/> (on its own scale) where it
    /// predicts <paramref name="predicted"/>: the held-out spread, or where the fit found it to vary,
    /// its <see cref="SpreadMap"/>.</summary>
    public double ResidualSd(int c, double predicted) =>
        Maps[c].Spread is { } sp ? Math.Sqrt(sp.Variance(predicted)) : Maps[c].ResidualSd;

    /// <summary>Each property's prediction (on its own scale) for a latent.</summary>
    public double[] Predict(float[] z)
    {
        var dist = new double[Latents.Length];
        Distances(z, dist);
        return Enumerable.Range(0, Properties.Length).Select(c => Predict(c, dist)).ToArray();
    }

    public void Save(string path) => File.WriteAllText(path, ToJson());

    /// <summary>The surrogate as JSON (what <see cref="Save"/> writes; a campaign's journal keeps it whole).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static LatentSurrogate Load(string path)
    {
        if (!File.Exists(path)) throw new BadInputException($"latent surrogate file not found: {path}");
        return FromJson(File.ReadAllText(path), path);
    }

    /// <summary>Reads a surrogate from JSON; <paramref name="path"/> names its source in errors.</summary>
    public static LatentSurrogate FromJson(string json, string path = "the latent surrogate")
    {
        LatentSurrogate? s;
        try { s = JsonSerializer.Deserialize<LatentSurrogate>(json, Json); }
        catch (JsonException e) { throw new BadInputException($"{path} is not a latent surrogate: {e.Message}"); }
        if (s is null || s.Properties is null || s.Latents is null || s.Maps is null || s.LatentSize < 1 || s.Maps.Length != s.Properties.Length
            || s.Latents.Any(z => z?.Length != s.LatentSize) || s.Maps.Any(m => m?.Weights?.Length != s.Latents.Length || !(m.LengthScale > 0)
                || m.Spread is { } sp && !(sp.Calibration > 0 && sp.Half > 0 && sp.Low <= sp.High)))
            throw new BadInputException($"{path} is not a complete latent surrogate (properties, latents and weights must agree in size)");
        return s;
    }

    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}

/// <summary>One property's kernel ridge map: y = Mean + Scale Σ Weights_i exp(−|z − z_i|² / 2ℓ²), on the
/// property's scale, with its held-out R² and residual spread, and where that spread varies over the
/// latent, its own map (null: one spread for all; surrogates written before it existed have none).</summary>
public sealed record SurrogateMap(double LengthScale, double Ridge, double Mean, double Scale, double[] Weights, double HeldOutR2, double ResidualSd, SpreadMap? Spread = null);

/// <summary>The residual variance as a function of the prediction ŷ: Calibration · exp(A + B x + C x²),
/// x = (ŷ − Mid) / Half with ŷ held within [Low, High], the predictions it was fitted on (no
/// extrapolation of the quadratic); HeldOutNll is its held-out Gaussian negative log-likelihood per draw.</summary>
public sealed record SpreadMap(double A, double B, double C, double Mid, double Half, double Low, double High, double Calibration, double HeldOutNll)
{
    public double Variance(double predicted)
    {
        double x = (Math.Clamp(predicted, Low, High) - Mid) / Half;
        return Calibration * Math.Exp(A + B * x + C * x * x);
    }
}
