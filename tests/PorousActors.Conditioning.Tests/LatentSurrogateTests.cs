using System.Globalization;
using PorousActors.Core;
using PorousActors.Pnm;
using PorousActors.Pnm.Flow;

namespace PorousActors.Conditioning.Tests;

/// <summary>
/// The latent surrogate: kernel ridge regression recovers a nonlinear map the linear prior cannot,
/// leaves out what it cannot model, round-trips through its file, and a chain steered by it reaches
/// a target in fewer evaluations than golden search, resumably, refusing what it cannot do.
/// </summary>
public class LatentSurrogateTests
{
    static RockProperties Props(double phi, double kMilliDarcy) => new()
    {
        Porosity = phi, SpecificSurfacePerM = 0, EulerCharacteristic26 = 0, EulerCharacteristic6 = 0, PoreCount = 1, ThroatCount = 0,
        MeanPoreDiameterM = 1e-5, MeanPoreEquivalentDiameterM = 1e-5, MeanThroatDiameterM = double.NaN,
        MeanThroatEquivalentDiameterM = double.NaN, CoordinationNumber = double.NaN,
        Permeability = [new PermeabilityResult(FlowAxis.Z, kMilliDarcy * PermeabilityResult.M2PerMilliDarcy, 0, 0, 1, 0, 0, "test")],
        TimingsMs = new Dictionary<string, double>(),
    };

    // φ = 0.2 + 0.04 sin(1.5 z₀) + 0.02 (z₁² − 1) + N(0, 0.003²): no linear part a straight fit could find;
    // log k = log 500 + 0.4 z₂ + 0.3 z₀ z₃
    static (List<float[]> Z, List<RockProperties> P) CurvedRock(int n, int seed, int d = 6)
    {
        var rng = new Random(seed);
        var zs = new List<float[]>(); var ps = new List<RockProperties>();
        for (int i = 0; i < n; i++)
        {
            var z = StandardNormal.Vector(rng, d);
            double phi = 0.2 + 0.04 * Math.Sin(1.5 * z[0]) + 0.02 * (z[1] * z[1] - 1) + 0.003 * StandardNormal.Next(rng);
            double k = Math.Exp(Math.Log(500) + 0.4 * z[2] + 0.3 * z[0] * z[3]);
            zs.Add(z); ps.Add(Props(phi, k));
        }
        return (zs, ps);
    }

    static readonly string[] PhiK = ["porosity", "permeability_mD"];

    [Fact]
    public void TheFitRecoversACurvedMapThatTheLinearPriorCannot()
    {
        var (z, p) = CurvedRock(800, 1);
        var s = LatentSurrogate.Fit(z, p, PhiK, "sha");
        var linear = LatentPrior.Fit(z, p, PhiK, "sha");
        Assert.Equal(800, s.Samples);
        Assert.True(s.Maps[0].HeldOutR2 > 0.8, $"surrogate R² for φ {s.Maps[0].HeldOutR2}");
        Assert.True(linear.HeldOutR2[0] < 0.2, $"linear R² for φ {linear.HeldOutR2[0]}");
        Assert.True(s.Maps[1].HeldOutR2 > linear.HeldOutR2[1] + 0.1, $"log k: surrogate {s.Maps[1].HeldOutR2}, linear {linear.HeldOutR2[1]}");
        // new latents: predictions within a few residual spreads of the truth, on each property's scale
        var (zt, pt) = CurvedRock(200, 99);
        double worst = 0;
        for (int i = 0; i < zt.Count; i++)
        {
            var y = s.Predict(zt[i]);
            worst = Math.Max(worst, Math.Abs(y[0] - pt[i].Porosity) / s.Maps[0].ResidualSd);
            Assert.Equal(Math.Log(pt[i].Get("permeability_mD")), y[1], 5 * s.Maps[1].ResidualSd);
        }
        Assert.InRange(worst, 0.5, 6);
        Assert.InRange(s.Maps[0].ResidualSd, 0.003, 0.015); // at least the noise, well below φ's spread (~0.035)
    }

    [Fact]
    public void WhereTheResidualSpreadVariesWithThePredictionItIsModelledAndOnlyThere()
    {
        // φ = 0.3 + 0.04 z₀ + N(0, (0.01 e^{0.7 z₀})²): its noise is 8× wider where φ is high (z₀ = 1.5)
        // than where it is low (z₀ = −1.5); log k = log 500 + 0.4 z₂ + N(0, 0.1²): one spread everywhere
        var rng = new Random(21);
        var zs = new List<float[]>(); var ps = new List<RockProperties>();
        for (int i = 0; i < 600; i++)
        {
            var z = StandardNormal.Vector(rng, 4);
            double phi = 0.3 + 0.04 * z[0] + 0.01 * Math.Exp(0.7 * z[0]) * StandardNormal.Next(rng);
            double k = Math.Exp(Math.Log(500) + 0.4 * z[2] + 0.1 * StandardNormal.Next(rng));
            zs.Add(z); ps.Add(Props(phi, k));
        }
        Assert.All(LatentSurrogate.Fit(zs, ps, PhiK, "sha").Maps, m => Assert.Null(m.Spread)); // asked for only
        var s = LatentSurrogate.Fit(zs, ps, PhiK, "sha", varyingSpread: true);
        Assert.NotNull(s.Maps[0].Spread);
        Assert.Null(s.Maps[1].Spread);
        double wide = s.ResidualSd(0, 0.3 + 0.04 * 1.5), narrow = s.ResidualSd(0, 0.3 - 0.04 * 1.5);
        Assert.True(wide > 3 * narrow, $"φ's spread {narrow} at z₀ = −1.5 and {wide} at 1.5 (true 0.0035 and 0.029)");
        Assert.InRange(s.ResidualSd(0, 0.3), 0.005, 0.02); // true 0.01
        Assert.Equal(s.ResidualSd(0, 1.0), s.ResidualSd(0, s.Maps[0].Spread!.High)); // no extrapolation
        Assert.Equal(s.Maps[1].ResidualSd, s.ResidualSd(1, Math.Log(900)));
        // the spread map travels with the file
        var back = LatentSurrogate.FromJson(s.ToJson());
        Assert.Equal(s.Maps[0].Spread, back.Maps[0].Spread);
        Assert.Null(back.Maps[1].Spread);
    }

    [Fact]
    public void DrawsThatCannotBeModelledAreLeftOutAndTooFewDrawsAreRefused()
    {
        var (z, p) = CurvedRock(200, 2);
        p[0] = p[0] with { Permeability = [new PermeabilityResult(FlowAxis.Z, 0, 0, 0, 0, 0, 0, "no path")] };
        p[1] = p[1] with { Porosity = double.NaN };
        Assert.Equal(198, LatentSurrogate.Fit(z, p, PhiK, "sha").Samples);
        var e = Assert.Throws<BadInputException>(() => LatentSurrogate.Fit(z.Take(60).ToList(), p.Take(60).ToList(), PhiK, "sha"));
        Assert.Contains("at least 70 usable draws", e.Message);
        Assert.Throws<BadInputException>(() => LatentSurrogate.Fit(z, p, ["porosity", "colour"], "sha"));
    }

    static LatentSurrogate FakeGeneratorSurrogate(IGenerator gen, IForwardModel model, string[] names, int seed)
    {
        var rng = new Random(seed);
        var zs = Enumerable.Range(0, 300).Select(_ => StandardNormal.Vector(rng, 8)).ToList();
        var props = gen.Generate(zs).Select(v => model.Evaluate(v, new PropertyNeeds(true, [FlowAxis.Z]))).ToList();
        return LatentSurrogate.Fit(zs, props, names, "sha");
    }

    [Fact]
    public void AChainSteeredByTheSurrogateReachesATailTargetInFewerEvaluations()
    {
        var gen = new FakeGenerator();
        var s = FakeGeneratorSurrogate(gen, new PorosityOnly(), ["porosity"], 4);
        Assert.True(s.Maps[0].HeldOutR2 > 0.9, $"R² {s.Maps[0].HeldOutR2}");
        var targets = TargetSet.Parse(["porosity=0.86:0.005"]); // the generator's 95th percentile
        int golden = 0, steered = 0;
        for (int seed = 1; seed <= 30; seed++)
        {
            var a = new ConditioningChain(seed, targets, 8, () => SearchPolicies.Parse("golden"), 200);
            var b = new ConditioningChain(seed, targets, 8, () => SearchPolicies.Parse("surrogate"), 200) { Surrogate = s };
            ChainRunner.Run(a, gen, new PorosityOnly());
            ChainRunner.Run(b, gen, new PorosityOnly());
            golden += a.State.Evaluations; steered += b.State.Evaluations;
            Assert.Equal(ChainStatus.Succeeded, b.State.Status);
            Assert.InRange(FakeGenerator.PorosityOf(b.State.Latent), 0.86 - 0.0056, 0.86 + 0.0056);
        }
        Assert.True(steered * 3 < golden, $"evaluations steered by the surrogate {steered}, golden {golden}");
    }

    [Fact]
    public void ASteeredChainResumesToTheSameResultAndRefusesWhatItCannotDo()
    {
        var gen = new TwoPropertyGenerator();
        var s = FakeGeneratorSurrogate(gen, new CountingTwoPropertyModel(), PhiK, 5);
        var targets = TargetSet.Parse([string.Create(CultureInfo.InvariantCulture, $"porosity=0.6:0.01;permeability_mD=700:2%")]);
        ISearchPolicy Policy() => SearchPolicies.Parse("surrogate");
        var whole = new ConditioningChain(11, targets, 8, Policy, 150) { Surrogate = s };
        ChainRunner.Run(whole, gen, new CountingTwoPropertyModel());
        Assert.True(whole.State.Step >= 2, "the chain should take more than one step for the test to mean something");
        var first = new ConditioningChain(11, targets, 8, Policy, 150) { Surrogate = s };
        var runner = new CountingTwoPropertyModel();
        while (first.State.Step < 1 && !first.Finished)
        {
            var batch = first.Next()!;
            Assert.True(batch.Latents.Count == 1);                 // one candidate per step
            var cubes = gen.Generate(batch.Latents);
            first.Report(batch, cubes.Select(c => (RockProperties?)runner.Evaluate(c, targets.Needs)).ToList());
        }
        var resumed = new ConditioningChain(first.State, targets, Policy, 150) { Surrogate = s };
        ChainRunner.Run(resumed, gen, new CountingTwoPropertyModel());
        Assert.Equal(whole.State.Latent, resumed.State.Latent);
        Assert.Equal(whole.State.Evaluations, resumed.State.Evaluations);
        Assert.Equal(whole.State.Status, resumed.State.Status);

        // no surrogate; a surrogate that does not model a target; one for another latent length
        // refused before the first evaluation
        static void Refused(ConditioningChain c, string says) => Assert.Contains(says, Assert.Throws<BadInputException>(() => c.Next()).Message);
        Refused(new ConditioningChain(12, targets, 8, Policy, 150), "needs a latent surrogate");
        var phiOnly = FakeGeneratorSurrogate(gen, new CountingTwoPropertyModel(), ["porosity"], 6);
        Refused(new ConditioningChain(12, targets, 8, Policy, 150) { Surrogate = phiOnly }, "does not model permeability_mD");
        Refused(new ConditioningChain(12, targets, 8, Policy, 150) { Surrogate = s with { LatentSize = 9 } }, "9-value latent");
    }

    [Fact]
    public void ASurrogateRoundTripsThroughItsFileAndBadFilesAreRefused()
    {
        var (z, p) = CurvedRock(200, 6);
        var s = LatentSurrogate.Fit(z, p, PhiK, "abc");
        string dir = Directory.CreateTempSubdirectory().FullName;
        try
        {
            string path = Path.Combine(dir, "surrogate.json");
            s.Save(path);
            var back = LatentSurrogate.Load(path);
            Assert.Equal(s.Properties, back.Properties);
            Assert.Equal("abc", back.ModelSha256);
            Assert.Equal(s.Predict(z[3]), back.Predict(z[3]));
            Assert.Throws<BadInputException>(() => LatentSurrogate.Load(Path.Combine(dir, "missing.json")));
            File.WriteAllText(Path.Combine(dir, "bad.json"), "{ not json");
            Assert.Throws<BadInputException>(() => LatentSurrogate.Load(Path.Combine(dir, "bad.json")));
            File.WriteAllText(Path.Combine(dir, "short.json"), File.ReadAllText(path).Replace("\"latentSize\":6", "\"latentSize\":7"));
            Assert.Contains("not a complete latent surrogate", Assert.Throws<BadInputException>(() => LatentSurrogate.Load(Path.Combine(dir, "short.json"))).Message);
        }
        finally { Directory.Delete(dir, true); }
    }
}
