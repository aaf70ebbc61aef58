using PorousActors.Core;
using static TorchSharp.torch;

namespace PorousActors.Gan.Tests;

/// <summary>The latent map: its algebra, its fit on a generator whose porosity is known in closed
/// form, its refusal of bad maps, and that a saved model samples through it.</summary>
[Collection(TorchRng.Collection)]
public sealed class LatentMapTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("porous-latentmap-").FullName;
    public void Dispose() => Directory.Delete(dir, true);

    static float[] Unit(int n, int seed)
    {
        var v = StandardNormal.Vector(new Random(seed), n);
        double norm = Math.Sqrt(v.Sum(x => (double)x * x));
        return v.Select(x => (float)(x / norm)).ToArray();
    }

    static double Dot(float[] a, float[] b) { double s = 0; for (int i = 0; i < a.Length; i++) s += (double)a[i] * b[i]; return s; }

    [Fact]
    public void MovesAndScalesOnlyTheComponentAlongItsDirection()
    {
        var u = Unit(20, 1);
        var mu = Unit(20, 4).Select(x => 0.5f * x).ToArray();
        var map = new LatentMap { Direction = u, Offset = mu, Scale = 1.3 };
        map.Validate(20, convolutional: false);
        var rng = new Random(2);
        var other = Unit(20, 3);
        // a direction orthogonal to u (Gram–Schmidt)
        double d = Dot(other, u);
        var orth = other.Select((x, i) => (float)(x - d * u[i])).ToArray();
        for (int k = 0; k < 50; k++)
        {
            var w = StandardNormal.Vector(rng, 20);
            var z = new float[20];
            map.Apply(w, z);
            Assert.Equal(Dot(mu, u) + 1.3 * Dot(w, u), Dot(z, u), 4);
            Assert.Equal(Dot(mu, orth) + Dot(w, orth), Dot(z, orth), 4);
        }
        // the identity map leaves w as it is
        var id = new LatentMap { Direction = u, Offset = new float[20], Scale = 1 };
        Assert.Equal(0, id.KlFromStandardNormal, 12);
        Assert.Equal(0.5 * (0.25 + 1.69 - 1 - 2 * Math.Log(1.3)), map.KlFromStandardNormal, 5);
        var w1 = StandardNormal.Vector(rng, 20); var z1 = new float[20];
        id.Apply(w1, z1);
        for (int i = 0; i < 20; i++) Assert.Equal(w1[i], z1[i], 6);
    }

    /// <summary>A "generator" whose porosity is a + b·z + ε: the solved map gives the target mean
    /// and spread on fresh draws, to sampling error.</summary>
    [Fact]
    public void LinearSolutionHitsTheTargetMeanAndSpread()
    {
        var rng = new Random(5);
        var b = Unit(20, 6).Select(x => 0.032 * x).ToArray();
        double Phi(float[] z) => 0.19 + b.Select((bi, i) => bi * z[i]).Sum() + 0.016 * StandardNormal.Next(rng);
        var w = Enumerable.Range(0, 4000).Select(_ => StandardNormal.Vector(rng, 20)).ToList();
        var phi = w.Select(Phi).ToList();
        var (slope, intercept, resVar) = LatentMapFit.Linear(w, phi);
        Assert.Equal(0.19, intercept, 3);
        Assert.Equal(0.016, Math.Sqrt(resVar), 3);
        for (int i = 0; i < 20; i++) Assert.Equal(b[i], slope[i], 2);
        var (mg, _) = LatentMapFit.MeanSd(phi);
        var map = LatentMapFit.Solve([slope], [0.197 - mg], 0, resVar, sdTarget: 0.041);
        map.Validate(20, false);
        // one matched mean: the smallest offset lies along the porosity direction itself
        Assert.Equal(map.OffsetLength, Dot(map.Offset, map.Direction), 4);
        Assert.True(map.Scale > 1.1 && map.OffsetLength > 0, $"offset {map.OffsetLength}, scale {map.Scale}");
        var z = new float[20];
        var mapped = Enumerable.Range(0, 20000).Select(_ => { map.Apply(StandardNormal.Vector(rng, 20), z); return Phi(z); }).ToList();
        var (mm, sm) = LatentMapFit.MeanSd(mapped);
        Assert.InRange(mm, 0.196, 0.198);
        Assert.InRange(sm, 0.040, 0.042);
    }

    /// <summary>With a curved response the linear solution misses; refinement from measurements closes the gap.</summary>
    [Fact]
    public void RefinementCorrectsACurvedResponse()
    {
        var rng = new Random(7);
        var u = Unit(20, 8);
        double Phi(float[] z) { double t = Dot(z, u); return 0.19 + 0.03 * t + 0.006 * t * t + 0.01 * StandardNormal.Next(rng); }
        List<double> Draw(LatentMap? map, int n)
        {
            var z = new float[20];
            return Enumerable.Range(0, n).Select(_ => { var w = StandardNormal.Vector(rng, 20); if (map is null) return Phi(w); map.Apply(w, z); return Phi(z); }).ToList();
        }
        var w0 = Enumerable.Range(0, 4000).Select(_ => StandardNormal.Vector(rng, 20)).ToList();
        var phi0 = w0.Select(Phi).ToList();
        var (slope, _, resVar) = LatentMapFit.Linear(w0, phi0);
        var map = LatentMapFit.Solve([slope], [0.21 - phi0.Average()], 0, resVar, 0.045);
        double Err(LatentMap m) { var (a, s) = LatentMapFit.MeanSd(Draw(m, 40000)); return Math.Abs(a - 0.21) + Math.Abs(s - 0.045); }
        double before = Err(map);
        for (int r = 0; r < 3; r++)
        {
            var (a, s) = LatentMapFit.MeanSd(Draw(map, 40000));
            map = LatentMapFit.Refine(map, [slope], [0.21 - a], resVar, s, 0.045);
        }
        double after = Err(map);
        Assert.True(before > 0.002, $"the curved response should make the linear solution miss, error {before}");
        Assert.True(after < before / 4, $"refined error {after} against {before}");
    }

    /// <summary>Three properties with known slopes: the offset closes every mean gap, is the smallest
    /// that does (orthogonal to every offset that changes none of them), and dependent slopes are refused.</summary>
    [Fact]
    public void MinimumNormOffsetClosesEveryGap()
    {
        var b = new[] { Unit(20, 20).Select(x => 0.03 * (double)x).ToArray(), Unit(20, 21).Select(x => 1e-6 * (double)x).ToArray(), Unit(20, 22).Select(x => 0.4 * (double)x).ToArray() };
        double[] gaps = [0.005, -8e-7, 0.1];
        var mu = LatentMapFit.MinimumNormOffset(b, gaps);
        for (int k = 0; k < 3; k++) Assert.Equal(gaps[k], b[k].Zip(mu, (x, y) => x * y).Sum(), 9);
        // μ lies in the span of the slopes: any vector orthogonal to all three is orthogonal to μ
        var v = StandardNormal.Vector(new Random(23), 20).Select(x => (double)x).ToArray();
        // project out the (not orthogonal) slopes, repeated until it settles
        for (int it = 0; it < 50; it++)
            foreach (var bk in b)
            {
                double c = v.Zip(bk, (x, y) => x * y).Sum() / bk.Sum(x => x * x);
                for (int i = 0; i < 20; i++) v[i] -= c * bk[i];
            }
        Assert.Equal(0, v.Zip(mu, (x, y) => x * y).Sum(), 6);
        var dependent = new[] { b[0], b[0].Select(x => 2 * x).ToArray() };
        Assert.Contains("nearly dependent", Assert.Throws<BadInputException>(() => LatentMapFit.MinimumNormOffset(dependent, [0.01, 0.02])).Message);
    }

    [Fact]
    public void RefusesMapsThatDoNotFitTheModel()
    {
        var u = Unit(20, 9);
        Assert.Contains("has 19 values", Assert.Throws<BadInputException>(() => new LatentMap { Direction = u[..19], Offset = new float[20], Scale = 1 }.Validate(20, false)).Message);
        Assert.Contains("unit length", Assert.Throws<BadInputException>(() => new LatentMap { Direction = u.Select(x => 2 * x).ToArray(), Offset = new float[20], Scale = 1 }.Validate(20, false)).Message);
        var nan = (float[])u.Clone(); nan[3] = float.NaN;
        Assert.Contains("NaN", Assert.Throws<BadInputException>(() => new LatentMap { Direction = nan, Offset = new float[20], Scale = 1 }.Validate(20, false)).Message);
        Assert.Contains("more than 3", Assert.Throws<BadInputException>(() => new LatentMap { Direction = u, Offset = u.Select(x => 5 * x).ToArray(), Scale = 1 }.Validate(20, false)).Message);
        Assert.Contains("offset has 3 values", Assert.Throws<BadInputException>(() => new LatentMap { Direction = u, Offset = new float[3], Scale = 1 }.Validate(20, false)).Message);
        Assert.Contains("(0, 3]", Assert.Throws<BadInputException>(() => new LatentMap { Direction = u, Offset = new float[20], Scale = -1 }.Validate(20, false)).Message);
        Assert.Contains("convolutional", Assert.Throws<BadInputException>(() => new LatentMap { Direction = u, Offset = new float[20], Scale = 1 }.Validate(20, true)).Message);
        // a rock spread narrower than the generator's residual cannot be reached
        Assert.Contains("no scale fits", Assert.Throws<BadInputException>(() => LatentMapFit.Solve([u.Select(x => 0.03 * (double)x).ToArray()], [0.01], 0, 0.02 * 0.02, 0.015)).Message);
    }

    /// <summary>A model saved with a map samples w through it: its raw output for w equals the
    /// unmapped model's for the mapped z, and differs from the unmapped model's for w.</summary>
    [Fact]
    public void SavedModelSamplesThroughItsMap()
    {
        var arch = new GanArchitecture(32, 20, "lean");
        manual_seed(3);
        using var g = new Generator(arch);
        string plain = Path.Combine(dir, "plain.model"), mapped = Path.Combine(dir, "mapped.model");
        var card = new ModelCard { Architecture = arch, VoxelSize = 5e-6 };
        new GeneratorModel(g, card).Save(plain);
        var map = new LatentMap { Direction = Unit(20, 10), Offset = Unit(20, 12).Select(x => 0.7f * x).ToArray(), Scale = 1.4, Fit = "test" };
        new GeneratorModel(g, card with { LatentMap = map }).Save(mapped);
        using var mp = GeneratorModel.Load(plain);
        using var mm = GeneratorModel.Load(mapped);
        Assert.Equal(map.Offset, mm.Card.LatentMap!.Offset);
        var w = StandardNormal.Vector(new Random(11), 20);
        var z = new float[20];
        map.Apply(w, z);
        var viaMap = mm.Forward([w])[0];
        var direct = mp.Forward([z])[0];
        var unmapped = mp.Forward([w])[0];
        Assert.Equal(direct, viaMap);
        Assert.NotEqual(unmapped, viaMap);
    }
}
