using System.Text.Json;
using PorousActors.Conditioning.Benchmark;
using PorousActors.Pnm;
using PorousActors.Pnm.Flow;
using PorousActors.Reports;

namespace PorousActors.Cli.Tests;

/// <summary>The benchmark's realism table: conditioned cubes against real cubes matched on the
/// constrained value, beside the same comparison between two matched real sets (the noise floor).</summary>
public sealed class ConditioningRealismTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("porous-realism-").FullName;
    public void Dispose() => Directory.Delete(dir, true);

    /// <summary>A cube whose k follows φ as in a rock (log k linear in φ, with scatter), times <paramref name="kFactor"/>.</summary>
    static RockProperties Cube(Random rng, double kFactor)
    {
        double phi = 0.14 + 0.12 * rng.NextDouble();
        double k = kFactor * Math.Pow(10, 3 + 8 * (phi - 0.2) + 0.15 * StandardNormal(rng));
        return new RockProperties
        {
            Porosity = phi, SpecificSurfacePerM = 1.5e4, EulerCharacteristic26 = 0, EulerCharacteristic6 = 0, PoreCount = 50, ThroatCount = 70,
            MeanPoreDiameterM = 3.4e-5 + 1e-6 * StandardNormal(rng), MeanPoreEquivalentDiameterM = 4e-5, MeanThroatDiameterM = 2.5e-5, MeanThroatEquivalentDiameterM = 2.6e-5,
            CoordinationNumber = 2.8, TimingsMs = new Dictionary<string, double>(),
            Permeability = [new PermeabilityResult(FlowAxis.Z, k * PermeabilityResult.M2PerMilliDarcy, 0, 1, 50, 0, 1, null)],
        };
    }

    static double StandardNormal(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());

    static JsonElement Realism(string dir, int chains, int realCubes, double kFactor)
    {
        var rng = new Random(3);
        var real = Enumerable.Range(0, realCubes).Select(_ => Cube(rng, 1)).ToList();
        var runs = Enumerable.Range(0, chains).Select(i => new BenchmarkChain("porosity", $"phi{i}", "golden", "porosity=0.2:0.01", i, true, 5, 0.1,
            new float[20], Cube(rng, kFactor), 5)).ToList();
        var bands = new Dictionary<string, (double, double)> { ["porosity"] = (0.15, 0.25), ["permeability_mD"] = (300, 3000), ["meanPoreDiameter_m"] = (3e-5, 4e-5) };
        ConditioningBenchmarkReport.Write(dir, "t", runs, 200, real, real, bands, ["porosity", "permeability_mD", "meanPoreDiameter_m"], new Dictionary<string, object?>());
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
        return doc.RootElement.GetProperty("realism").GetProperty("porosity").Clone();
    }

    [Fact]
    public void ConditionedCubesLikeTheRockSitAtTheFloorAndABiasedKStandsOut()
    {
        var like = Realism(Path.Combine(dir, "like"), 100, 400, 1);
        double dLike = like.GetProperty("permeability_mD").GetProperty("ksD").GetDouble();
        double floor = like.GetProperty("permeability_mD").GetProperty("ksDRealVsReal").GetDouble();
        Assert.InRange(dLike, 0, QualityReport.KsCritical(100, 100));
        Assert.InRange(floor, 0, QualityReport.KsCritical(100, 100));

        // half the permeability at the same porosity: the conditioned cubes stand out, the floor does not move
        var biased = Realism(Path.Combine(dir, "biased"), 100, 400, 0.5);
        Assert.True(biased.GetProperty("permeability_mD").GetProperty("ksD").GetDouble() > QualityReport.KsCritical(100, 100), biased.ToString());
        Assert.True(biased.GetProperty("permeability_mD").GetProperty("p").GetDouble() < 0.05);
        Assert.Equal(floor, biased.GetProperty("permeability_mD").GetProperty("ksDRealVsReal").GetDouble(), 12);
        Assert.Contains("real vs real", File.ReadAllText(Path.Combine(dir, "biased", "report.md")));
    }

    [Fact]
    public void APriorMethodsReportNamesThePriorItsDrawsAndItsHeldOutFit()
    {
        var rng = new Random(4);
        var real = Enumerable.Range(0, 60).Select(_ => Cube(rng, 1)).ToList();
        var runs = new[] { "golden", "golden+prior" }.Select((m, i) => new BenchmarkChain("porosity", "phi1", m, "porosity=0.2:0.01", 1, true, 5 + i, 0.1,
            new float[20], Cube(rng, 1), 5 + i)).ToList();
        var bands = new Dictionary<string, (double, double)> { ["porosity"] = (0.15, 0.25), ["permeability_mD"] = (300, 3000), ["meanPoreDiameter_m"] = (3e-5, 4e-5) };
        var meta = new Dictionary<string, object?>
        {
            ["latentPrior"] = new Dictionary<string, object?> { ["file"] = "m.prior.json", ["draws"] = 290, ["properties"] = new[] { "porosity", "permeability_mD" }, ["heldOutR2"] = new[] { 0.385, 0.199 } },
        };
        ConditioningBenchmarkReport.Write(dir, "t", runs, 200, real, real, bands, ["porosity", "permeability_mD", "meanPoreDiameter_m"], meta);
        string md = File.ReadAllText(Path.Combine(dir, "report.md"));
        Assert.Contains("within the latent prior m.prior.json (fitted once on 290 usable independent draws", md);
        Assert.Contains("porosity 0.39, permeability_mD 0.20", md);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
        Assert.Equal(290, doc.RootElement.GetProperty("latentPrior").GetProperty("draws").GetInt32());
    }

    [Fact]
    public void WithoutEnoughRealCubesForTwoSetsThereIsNoFloor()
    {
        var r = Realism(dir, 30, 45, 1);
        Assert.Equal(JsonValueKind.Null, r.GetProperty("permeability_mD").GetProperty("ksDRealVsReal").ValueKind);
    }
}
