using System.Text.Json;
using MathNet.Numerics.LinearAlgebra;
using PorousActors.Core;
using PorousActors.Pnm;

namespace PorousActors.Conditioning;

/// <summary>
/// A linear-Gaussian model of one generator's latent-to-property map, fitted once on independent
/// draws: y = b + A z + ε, ε ~ N(0, Σ), with y each property on its own scale (log for
/// permeability, as the chain's error is). Conditioning z ~ N(0, I) on y = target is then exact
/// Gaussian algebra (<see cref="Condition"/>), so a chain can start from, and deform within, the
/// latents the model expects to meet its targets instead of the whole N(0, I). The fit costs
/// <see cref="Samples"/> forward runs, paid once per model and shared by every target of a campaign.
/// </summary>
public sealed record LatentPrior(
    string ModelSha256,
    int LatentSize,
    string[] Properties,
    double[] Intercept,
    double[][] Weights,
    double[][] ResidualCovariance,
    int Samples,
    double[] HeldOutR2)
{
    /// <summary>The scale a property is modelled on: log for permeability, as-is otherwise.</summary>
    public static double ToScale(string property, double value) => IsLogScale(property) ? Math.Log(value) : value;

    public static bool IsLogScale(string property) => RockPropertyCatalog.Find(property)?.LogScale == true;

    /// <summary>
    /// Least-squares fit with an intercept on the draws whose properties are all usable (finite, and
    /// k above zero: a cube that does not percolate has no log k). The held-out R² per property is
    /// from <paramref name="folds"/>-fold cross-validation, so it says how much a new draw's property
    /// the latent explains; Σ is the covariance of the full fit's residuals.
    /// </summary>
    public static LatentPrior Fit(IReadOnlyList<float[]> latents, IReadOnlyList<RockProperties> properties,
        IReadOnlyList<string> names, string modelSha256, int folds = 5)
    {
        if (latents.Count != properties.Count) throw new ArgumentException("one property set per latent expected");
        if (names.Count == 0) throw new BadInputException("a latent prior needs at least one property");
        foreach (var n in names)
            if (RockPropertyCatalog.Find(n) is not { Targetable: true })
                throw new BadInputException($"unknown target property '{n}' for a latent prior");
        int d = latents[0].Length, p = names.Count;
        var rows = new List<int>();
        for (int i = 0; i < latents.Count; i++)
            if (names.All(n => PropertyBands.Usable([properties[i].Get(n)], n).Count == 1)) rows.Add(i);
        // a least-squares fit of d + 1 coefficients needs clearly more draws than that
        if (rows.Count < 5 * (d + 1))
            throw new BadInputException($"a latent prior for a {d}-value latent needs at least {5 * (d + 1)} usable draws, got {rows.Count} of {latents.Count}");
        var X = Design(rows.Select(i => latents[i]).ToList());
        var Y = Matrix<double>.Build.Dense(rows.Count, p, (r, c) => ToScale(names[c], properties[rows[r]].Get(names[c])));
        var B = X.QR().Solve(Y); // (d + 1) × p
        var residual = Y - X * B;
        var cov = residual.TransposeThisAndMultiply(residual) / (rows.Count - d - 1);

        // k-fold cross-validated R²: each fold predicted by a fit on the others
        var press = new double[p];
        for (int f = 0; f < folds; f++)
        {
            var train = Enumerable.Range(0, rows.Count).Where(r => r % folds != f).ToArray();
            var test = Enumerable.Range(0, rows.Count).Where(r => r % folds == f).ToArray();
            var Bf = Rows(X, train).QR().Solve(Rows(Y, train));
            var err = Rows(Y, test) - Rows(X, test) * Bf;
            for (int c = 0; c < p; c++) press[c] += err.Column(c).PointwisePower(2).Sum();
        }
        var r2 = new double[p];
        for (int c = 0; c < p; c++)
        {
            var col = Y.Column(c);
            double mean = col.Average(), total = col.Sum(v => (v - mean) * (v - mean));
            r2[c] = 1 - press[c] / total;
        }
        return new LatentPrior(modelSha256, d, names.ToArray(), B.Row(0).ToArray(),
            Enumerable.Range(0, p).Select(c => B.Column(c).SubVector(1, d).ToArray()).ToArray(),
            cov.ToRowArrays(), rows.Count, r2);
    }

    static Matrix<double> Design(IReadOnlyList<float[]> z) =>
        Matrix<double>.Build.Dense(z.Count, z[0].Length + 1, (r, c) => c == 0 ? 1 : z[r][c - 1]);

    static Matrix<double> Rows(Matrix<double> m, int[] rows) =>
        Matrix<double>.Build.Dense(rows.Length, m.ColumnCount, (r, c) => m[rows[r], c]);

    /// <summary>The model's prediction of each property (on its own scale) for a latent.</summary>
    public double[] Predict(float[] z)
    {
        var y = new double[Properties.Length];
        for (int c = 0; c < y.Length; c++)
        {
            double s = Intercept[c];
            for (int i = 0; i < z.Length; i++) s += Weights[c][i] * z[i];
            y[c] = s;
        }
        return y;
    }

    /// <summary>
    /// z ~ N(0, I) given the targets' values, over the targets this prior models (null when it models
    /// none of them). Each target counts as observed with the model's residual spread plus a uniform
    /// spread over its tolerance (variance τ²/3), so a wide tolerance pulls less.
    /// </summary>
    public ConditionalLatent? Condition(TargetSet targets, int latentSize)
    {
        if (latentSize != LatentSize)
            throw new BadInputException($"the latent prior was fitted for a {LatentSize}-value latent; this generator has {latentSize}");
        var used = targets.Targets.Select(t => (t, c: Array.IndexOf(Properties, t.Property))).Where(x => x.c >= 0).ToList();
        if (used.Count == 0) return null;
        int m = used.Count, d = LatentSize;
        var A = Matrix<double>.Build.Dense(m, d, (r, i) => Weights[used[r].c][i]);
        var noise = Matrix<double>.Build.Dense(m, m, (r, s) => ResidualCovariance[used[r].c][used[s].c]);
        var y = Vector<double>.Build.Dense(m);
        for (int r = 0; r < m; r++)
        {
            var (t, c) = used[r];
            double width = t.LogScale ? Math.Log(1 + t.Tolerance / t.Value) : t.Tolerance;
            noise[r, r] += width * width / 3;
            y[r] = ToScale(t.Property, t.Value) - Intercept[c];
        }
        var S = A * A.Transpose() + noise;
        var gain = A.Transpose() * S.Inverse(); // d × m
        var noiseFactor = noise.Cholesky().Factor;
        return new ConditionalLatent((gain * y).Select(v => (float)v).ToArray(), gain, A, noiseFactor);
    }

    public void Save(string path) => File.WriteAllText(path, ToJson());

    /// <summary>The prior as JSON (what <see cref="Save"/> writes; the campaign journal keeps it whole).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static LatentPrior Load(string path)
    {
        if (!File.Exists(path)) throw new BadInputException($"latent prior file not found: {path}");
        return FromJson(File.ReadAllText(path), path);
    }

    /// <summary>Reads a prior from JSON; <paramref name="what"/> names its source in errors.</summary>
    public static LatentPrior FromJson(string json, string what = "the latent prior")
    {
        LatentPrior? p;
        try { p = JsonSerializer.Deserialize<LatentPrior>(json, Json); }
        catch (JsonException e) { throw new BadInputException($"{what} is not a latent prior: {e.Message}"); }
        if (p is null || p.Properties is null || p.Intercept?.Length != p.Properties.Length || p.Weights?.Length != p.Properties.Length
            || p.Weights.Any(w => w?.Length != p.LatentSize) || p.ResidualCovariance?.Length != p.Properties.Length
            || p.ResidualCovariance.Any(r => r?.Length != p.Properties.Length) || p.LatentSize < 1)
            throw new BadInputException($"{what} is not a complete latent prior (properties, intercept, weights and residual covariance must agree in size)");
        return p;
    }

    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals, // an R² of NaN (a constant property)
    };
}

/// <summary>
/// z ~ N(0, I) conditioned on A z + ε = y (ε ~ N(0, Σ)): Gaussian with mean K y and covariance
/// I − K A, K = Aᵀ (A Aᵀ + Σ)⁻¹. Drawn by Matheron's rule, r = w − K (A w + ε) with w ~ N(0, I) and
/// ε ~ N(0, Σ), which needs no d × d factorisation. A chain starts at mean + r₀ and deforms the part
/// about the mean, mean + r cos t + u sin t with u a fresh residual draw: for any t that is again a
/// draw of the same conditional distribution (gradual deformation within it).
/// </summary>
public sealed class ConditionalLatent(float[] mean, Matrix<double> gain, Matrix<double> a, Matrix<double> noiseFactor)
{
    public float[] Mean { get; } = mean;

    /// <summary>A residual draw r ~ N(0, I − K A) from the N(0, I) draw <paramref name="w"/> and its own stream for ε.</summary>
    public float[] Residual(float[] w, Random epsilon)
    {
        var wv = Vector<double>.Build.Dense(w.Length, i => w[i]);
        var e = noiseFactor * Vector<double>.Build.Dense(noiseFactor.RowCount, _ => StandardNormal.Next(epsilon));
        var r = wv - gain * (a * wv + e);
        return r.Select(v => (float)v).ToArray();
    }
}
