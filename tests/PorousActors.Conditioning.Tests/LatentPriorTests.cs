using System.Globalization;
using PorousActors.Core;
using PorousActors.Pnm;
using PorousActors.Pnm.Flow;

namespace PorousActors.Conditioning.Tests;

/// <summary>
/// The latent prior: a least-squares fit recovers a known linear map and its noise, z given the
/// targets is the Gaussian it should be, deformation within it keeps that distribution, and a chain
/// that starts and deforms within it reaches a target in the tail of the generator's distribution
/// in fewer evaluations, resumably, and refuses what it cannot do.
/// </summary>
public class LatentPriorTests
{
    static RockProperties Props(double phi, double poreDiameter, double kMilliDarcy = double.NaN) => new()
    {
        Porosity = phi, SpecificSurfacePerM = 0, EulerCharacteristic26 = 0, EulerCharacteristic6 = 0, PoreCount = 1, ThroatCount = 0,
        MeanPoreDiameterM = poreDiameter, MeanPoreEquivalentDiameterM = poreDiameter, MeanThroatDiameterM = double.NaN,
        MeanThroatEquivalentDiameterM = double.NaN, CoordinationNumber = double.NaN,
        Permeability = double.IsNaN(kMilliDarcy) ? [] : [new PermeabilityResult(FlowAxis.Z, kMilliDarcy * PermeabilityResult.M2PerMilliDarcy, 0, 0, 1, 0, 0, "test")],
        TimingsMs = new Dictionary<string, double>(),
    };

    // φ = 0.2 + 0.03 z₀ − 0.02 z₁ + N(0, 0.01²); log k = log 500 + 0.5 z₂ + N(0, 0.2²)
    static (List<float[]> Z, List<RockProperties> P) LinearRock(int n, int seed, int d = 6)
    {
        var rng = new Random(seed);
        var zs = new List<float[]>(); var ps = new List<RockProperties>();
        for (int i = 0; i < n; i++)
        {
            var z = StandardNormal.Vector(rng, d);
            double phi = 0.2 + 0.03 * z[0] - 0.02 * z[1] + 0.01 * StandardNormal.Next(rng);
            double k = Math.Exp(Math.Log(500) + 0.5 * z[2] + 0.2 * StandardNormal.Next(rng));
            zs.Add(z); ps.Add(Props(phi, 1e-5, k));
        }
        return (zs, ps);
    }

    static readonly string[] PhiK = ["porosity", "permeability_mD"];

    [Fact]
    public void TheFitRecoversAKnownLinearMapItsNoiseAndItsShareOfTheVariance()
    {
        var (z, p) = LinearRock(2000, 1);
        var prior = LatentPrior.Fit(z, p, PhiK, "sha");
        Assert.Equal(2000, prior.Samples);
        Assert.Equal(0.2, prior.Intercept[0], 0.002);
        Assert.Equal(0.03, prior.Weights[0][0], 0.002);
        Assert.Equal(-0.02, prior.Weights[0][1], 0.002);
        Assert.Equal(0, prior.Weights[0][2], 0.002);
        Assert.Equal(Math.Log(500), prior.Intercept[1], 0.03);
        Assert.Equal(0.5, prior.Weights[1][2], 0.03);
        // log scale for k: the residual spread is 0.2 in log k, 0.01 in φ
        Assert.Equal(0.01 * 0.01, prior.ResidualCovariance[0][0], 0.00002);
        Assert.Equal(0.2 * 0.2, prior.ResidualCovariance[1][1], 0.004);
        // held out, the latent explains 0.0013 / 0.0014 of φ's variance and 0.25 / 0.29 of log k's
        Assert.Equal(0.0013 / 0.0014, prior.HeldOutR2[0], 0.02);
        Assert.Equal(0.25 / 0.29, prior.HeldOutR2[1], 0.03);
    }

    [Fact]
    public void DrawsThatCannotBeModelledAreLeftOutAndTooFewDrawsAreRefused()
    {
        var (z, p) = LinearRock(200, 2);
        // a cube that does not percolate has k = 0: no log k, so the draw is not used
        p[0] = p[0] with { Permeability = [new PermeabilityResult(FlowAxis.Z, 0, 0, 0, 0, 0, 0, "no path")] };
        p[1] = p[1] with { Porosity = double.NaN };
        Assert.Equal(198, LatentPrior.Fit(z, p, PhiK, "sha").Samples);
        var e = Assert.Throws<BadInputException>(() => LatentPrior.Fit(z.Take(30).ToList(), p.Take(30).ToList(), PhiK, "sha"));
        Assert.Contains("at least 35 usable draws", e.Message);
        Assert.Throws<BadInputException>(() => LatentPrior.Fit(z, p, ["porosity", "colour"], "sha"));
    }

    [Fact]
    public void ZGivenTheTargetsIsTheGaussianPosteriorAndDeformationStaysInIt()
    {
        var (z, p) = LinearRock(2000, 3);
        var prior = LatentPrior.Fit(z, p, PhiK, "sha");
        // a target two standard deviations out on φ; k not targeted
        var targets = TargetSet.Parse(["porosity=0.272:0.001"]);
        var cond = prior.Condition(targets, 6)!;
        var starts = Enumerable.Range(0, 4000).Select(s => new ConditioningChain(s, targets, 6, () => SearchPolicies.Parse("golden"), 10, cond).State.Latent).ToList();
        // posterior of a = 0.03 z₀ − 0.02 z₁ given a + ε = 0.072 (ε: residual 0.01 and tolerance 0.001/√3):
        // mean 0.072 · v / (v + σ²), v = 0.0013
        double v = 0.03 * 0.03 + 0.02 * 0.02, s2 = 0.01 * 0.01 + 0.001 * 0.001 / 3;
        double expected = 0.072 * v / (v + s2), sd = Math.Sqrt(v * s2 / (v + s2));
        var a = starts.Select(x => 0.03 * x[0] - 0.02 * x[1]).ToList();
        Assert.Equal(expected, a.Average(), 0.0015);
        Assert.Equal(sd, StdDev(a), 0.002);
        // the untargeted directions stay N(0, 1)
        Assert.Equal(0, starts.Average(x => x[2]), 0.06);
        Assert.Equal(1, StdDev(starts.Select(x => (double)x[2]).ToList()), 0.05);
        // deformed latents, mean + r cos t + u sin t with u a fresh residual draw, have the same law
        var rng = new Random(9);
        var deformed = starts.Select((x, i) =>
        {
            var u = cond.Residual(StandardNormal.Vector(rng, 6), rng);
            double t = rng.NextDouble() * Math.PI;
            return Enumerable.Range(0, 6).Select(j => (float)(cond.Mean[j] + (x[j] - cond.Mean[j]) * Math.Cos(t) + u[j] * Math.Sin(t))).ToArray();
        }).ToList();
        var b = deformed.Select(x => 0.03 * x[0] - 0.02 * x[1]).ToList();
        Assert.Equal(expected, b.Average(), 0.0015);
        Assert.Equal(sd, StdDev(b), 0.002);
    }

    static double StdDev(IReadOnlyList<double> x) { double m = x.Average(); return Math.Sqrt(x.Sum(v => (v - m) * (v - m)) / (x.Count - 1)); }

    [Fact]
    public void AChainWithinThePriorReachesATailTargetInFewerEvaluations()
    {
        // the fake generator's porosity is a smooth function of z₀ + z₁ + z₂; fit the prior on its own draws
        var gen = new FakeGenerator();
        var rng = new Random(4);
        var zs = Enumerable.Range(0, 300).Select(_ => StandardNormal.Vector(rng, 8)).ToList();
        var props = gen.Generate(zs).Select(v => new PorosityOnly().Evaluate(v, PropertyNeeds.ImageOnly)).ToList();
        var fitted = LatentPrior.Fit(zs, props.Select(x => Props(x.Porosity, 1e-5)).ToList(), ["porosity"], "sha");
        Assert.True(fitted.HeldOutR2[0] > 0.9, $"R² {fitted.HeldOutR2[0]}");
        var targets = TargetSet.Parse(["porosity=0.86:0.005"]); // the generator's 95th percentile
        var cond = fitted.Condition(targets, 8);
        int plain = 0, within = 0, plainOk = 0, withinOk = 0;
        for (int seed = 1; seed <= 30; seed++)
        {
            var a = new ConditioningChain(seed, targets, 8, () => SearchPolicies.Parse("golden"), 200);
            var b = new ConditioningChain(seed, targets, 8, () => SearchPolicies.Parse("golden"), 200, cond);
            ChainRunner.Run(a, gen, new PorosityOnly());
            ChainRunner.Run(b, gen, new PorosityOnly());
            plain += a.State.Evaluations; within += b.State.Evaluations;
            plainOk += a.State.Status == ChainStatus.Succeeded ? 1 : 0; withinOk += b.State.Status == ChainStatus.Succeeded ? 1 : 0;
            Assert.InRange(FakeGenerator.PorosityOf(b.State.Latent), 0.86 - 0.0056, 0.86 + 0.0056);
        }
        Assert.Equal(30, withinOk);
        Assert.True(withinOk >= plainOk);
        Assert.True(within * 2 < plain, $"evaluations within the prior {within}, without {plain}");
    }

    [Fact]
    public void AChainWithAPriorResumesToTheSameResult()
    {
        var gen = new TwoPropertyGenerator();
        var rng = new Random(5);
        var zs = Enumerable.Range(0, 300).Select(_ => StandardNormal.Vector(rng, 8)).ToList();
        var model = new CountingTwoPropertyModel();
        var props = gen.Generate(zs).Select(v => model.Evaluate(v, new PropertyNeeds(true, [FlowAxis.Z]))).ToList();
        var prior = LatentPrior.Fit(zs, props, PhiK, "sha");
        var targets = TargetSet.Parse([string.Create(CultureInfo.InvariantCulture, $"porosity=0.6:0.01;permeability_mD=700:2%")]);
        var cond = prior.Condition(targets, 8)!;
        var whole = new ConditioningChain(11, targets, 8, () => SearchPolicies.Parse("golden"), 150, cond);
        ChainRunner.Run(whole, gen, new CountingTwoPropertyModel());
        // stop after the first accepted step, continue from the saved state with the same prior
        var first = new ConditioningChain(11, targets, 8, () => SearchPolicies.Parse("golden"), 150, cond);
        var runner = new CountingTwoPropertyModel();
        while (first.State.Step < 1 && !first.Finished)
        {
            var batch = first.Next()!;
            var cubes = gen.Generate(batch.Latents);
            first.Report(batch, cubes.Select(c => (RockProperties?)runner.Evaluate(c, targets.Needs)).ToList());
        }
        var resumed = new ConditioningChain(first.State, targets, () => SearchPolicies.Parse("golden"), 150, cond);
        ChainRunner.Run(resumed, gen, new CountingTwoPropertyModel());
        Assert.Equal(whole.State.Latent, resumed.State.Latent);
        Assert.Equal(whole.State.Evaluations, resumed.State.Evaluations);
        Assert.Equal(whole.State.Status, resumed.State.Status);
    }

    [Fact]
    public void APriorRoundTripsThroughItsFileAndBadFilesAndMismatchesAreRefused()
    {
        var (z, p) = LinearRock(300, 6);
        var prior = LatentPrior.Fit(z, p, PhiK, "abc");
        string dir = Directory.CreateTempSubdirectory().FullName;
        try
        {
            string path = Path.Combine(dir, "prior.json");
            prior.Save(path);
            var back = LatentPrior.Load(path);
            Assert.Equal(prior.Properties, back.Properties);
            Assert.Equal(prior.Weights.SelectMany(w => w), back.Weights.SelectMany(w => w));
            Assert.Equal(prior.ResidualCovariance.SelectMany(w => w), back.ResidualCovariance.SelectMany(w => w));
            Assert.Equal(prior.Predict(z[0]), back.Predict(z[0]));
            Assert.Equal("abc", back.ModelSha256);

            Assert.Throws<BadInputException>(() => LatentPrior.Load(Path.Combine(dir, "missing.json")));
            File.WriteAllText(Path.Combine(dir, "bad.json"), "{ not json");
            Assert.Throws<BadInputException>(() => LatentPrior.Load(Path.Combine(dir, "bad.json")));
            File.WriteAllText(Path.Combine(dir, "short.json"), File.ReadAllText(path).Replace("\"latentSize\": 6", "\"latentSize\": 7"));
            Assert.Throws<BadInputException>(() => LatentPrior.Load(Path.Combine(dir, "short.json")));
        }
        finally { Directory.Delete(dir, true); }
        // a prior for another latent length, and one that models none of the targets
        Assert.Throws<BadInputException>(() => prior.Condition(TargetSet.Parse(["porosity=0.2:0.01"]), 8));
        Assert.Null(prior.Condition(TargetSet.Parse(["specificSurface_per_m=10000:100"]), 6));
    }
}
