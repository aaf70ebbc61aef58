using PorousActors.Reports;

namespace PorousActors.Cli.Tests;

public class StatisticsTests
{
    [Fact]
    public void QuantileInterpolatesLinearlyAndIgnoresNonFiniteValues()
    {
        Assert.Equal(1.75, Statistics.Quantile([4, 1, double.NaN, 3, 2, double.PositiveInfinity], 0.25), 12);
        Assert.Equal(2.5, Statistics.Quantile([1, 2, 3, 4], 0.5), 12);
        Assert.True(double.IsNaN(Statistics.Quantile([double.NaN], 0.5)));
    }

    [Fact]
    public void PearsonOfALineIsOneAndOfAConstantIsUndefined()
    {
        Assert.Equal(-1, Statistics.Pearson([1, 2, 3, 4], [8, 6, 4, 2]), 12);
        Assert.True(double.IsNaN(Statistics.Pearson([1, 2, 3], [5, 5, 5])));
        Assert.True(double.IsNaN(Statistics.Pearson([1, 2], [1, 2])));
    }

    [Fact]
    public void KolmogorovSmirnovOfIdenticalSamplesIsZeroAndOfDisjointOnesIsOne()
    {
        var a = Enumerable.Range(0, 50).Select(i => (double)i).ToList();
        Assert.Equal(0, KolmogorovSmirnov.TwoSample(a, a).D, 12);
        Assert.Equal(1, KolmogorovSmirnov.TwoSample(a, a.Select(x => x + 100).ToList()).D, 12);
        Assert.True(KolmogorovSmirnov.TwoSample(a, a.Select(x => x + 100).ToList()).P < 1e-6);
        Assert.Equal(0.19, QualityReport.KsCritical(100, 100), 2);
    }
}

public class QualityReportTests
{
    static QualitySet Set(string name, int n, double shift, int seed)
    {
        var rng = new Random(seed);
        var rows = new List<double[]>();
        var cubes = new List<PorousActors.Core.Volume>();
        for (int i = 0; i < n; i++)
        {
            double phi = 0.15 + 0.1 * rng.NextDouble() + shift;
            rows.Add([phi, 1000 * phi * phi]);
            var v = new PorousActors.Core.Volume(8, 8, 8, 1e-6);
            for (int j = 0; j < v.Count; j++) v.Data[j] = rng.NextDouble() < phi ? (byte)1 : (byte)0;
            cubes.Add(v);
        }
        return new QualitySet(name, rows, cubes);
    }

    [Fact]
    public void TheGoalsAreMetByTheSameCubesAndMissedByShiftedOrShutOnes()
    {
        string[] props = ["porosity", "permeability_mD"];
        var real = Set("training", 100, 0, 1).Rows;
        Assert.Equal(["ksD porosity", "ksD permeability_mD", "corrPhiLogK", "log10KStdRatio", "percolatingFraction"], GeneratorGoals.Goals(props));
        Assert.All(GeneratorGoals.Met(real, real, props), Assert.True);
        // φ shifted by 0.04 (D 0.4 in the population): the KS goals fail, the correlation still holds
        var shifted = Set("generated", 100, 0.04, 1).Rows;
        Assert.Equal([false, false, true], GeneratorGoals.Met(real, shifted, props).Take(3));
        // a tenth of the cubes shut (k = 0): the percolating fraction is 0.1 off
        var shut = real.Select((r, i) => i % 10 == 0 ? new[] { r[0], 0.0 } : r).ToList();
        Assert.False(GeneratorGoals.Met(real, shut, props)[4]);
        Assert.True(GeneratorGoals.Met(real, real.Select((r, i) => i % 50 == 0 ? new[] { r[0], 0.0 } : r).ToList(), props)[4]); // 0.02 off
        // exactly 0.05 off (0.99 against 0.94, which doubles make 0.05000000000000004) is within 0.05
        var one = real.Select((r, i) => i == 0 ? new[] { r[0], 0.0 } : r).ToList();
        var six = real.Select((r, i) => i < 6 ? new[] { r[0], 0.0 } : r).ToList();
        Assert.True(GeneratorGoals.Met(one, six, props)[4]);
        Assert.False(GeneratorGoals.Met(one, real.Select((r, i) => i < 7 ? new[] { r[0], 0.0 } : r).ToList(), props)[4]);
        // log k squeezed to half its spread: the SD ratio fails
        var squeezed = real.Select(r => new[] { r[0], Math.Pow(10, 0.5 * Math.Log10(r[1]) + 1) }).ToList();
        Assert.False(GeneratorGoals.Met(real, squeezed, props)[3]);
    }

    [Fact]
    public void PassRatesFromLargerSetsSeparateTheSameRockFromAShiftedOneAndNeedAPoolOfTwiceTheDraw()
    {
        string[] props = ["porosity", "permeability_mD"];
        var real = Set("training", 400, 0, 1).Rows;
        var again = Set("again", 400, 0, 2).Rows;
        var same = Set("generated", 400, 0, 3).Rows;
        var rates = GeneratorGoals.Estimate(real, same, again, props, draws: 400)!;
        // the same distribution: a generator as good as the rock scores as the real-vs-real floor
        Assert.InRange(rates.AllGenerated, 0.6, 1.0);
        Assert.InRange(Math.Abs(rates.AllGenerated - rates.AllRealVsReal), 0, 0.15);
        // φ shifted by 0.015: D ≈ 0.15 in the population, so a draw of 100 passes sometimes, not always
        var near = GeneratorGoals.Estimate(real, Set("generated", 400, 0.015, 3).Rows, again, props, draws: 400)!;
        Assert.InRange(near.Generated[0], 0.05, 0.95);
        Assert.True(near.Generated[0] < rates.Generated[0]);
        var far = GeneratorGoals.Estimate(real, Set("generated", 400, 0.05, 3).Rows, again, props, draws: 400)!;
        Assert.Equal(0, far.AllGenerated);
        Assert.Equal(rates.AllRealVsReal, far.AllRealVsReal); // the same seed draws the same real subsets
        // a pool of 150 cannot give independent-looking draws of 100: no estimate
        Assert.Null(GeneratorGoals.Estimate(real.Take(150).ToList(), same, again, props));
        // in the report: only with 200 cubes or more per set
        string dir = Path.Combine(Path.GetTempPath(), "porous-goals-" + Guid.NewGuid().ToString("N"));
        try
        {
            QualityReport.Write(dir, "t", props, Set("training", 200, 0, 1), Set("generated", 200, 0, 3), trainingAgain: Set("again", 200, 0, 2));
            using var summary = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
            var g = summary.RootElement.GetProperty("goalPassRate");
            Assert.Equal(100, g.GetProperty("subsetSize").GetInt32());
            Assert.InRange(g.GetProperty("generated").GetProperty("ksD porosity").GetDouble(), 0, 1);
            Assert.Contains("real vs real", File.ReadAllText(Path.Combine(dir, "report.md")));
            QualityReport.Write(dir, "t", props, Set("training", 100, 0, 1), Set("generated", 100, 0, 3));
            using var small = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
            Assert.False(small.RootElement.TryGetProperty("goalPassRate", out _));
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }

    [Fact]
    public void TheSecondRealDrawGivesTheNoiseFloorBesideTheGeneratorsGap()
    {
        string dir = Path.Combine(Path.GetTempPath(), "porous-quality-" + Guid.NewGuid().ToString("N"));
        try
        {
            var training = Set("training", 30, 0, 1);
            var again = Set("training, second draw", 30, 0, 1);       // the same draw: floor 0
            var generated = Set("generated", 30, 1.0, 2);             // disjoint: D 1
            string md = QualityReport.Write(dir, "t", ["porosity", "permeability_mD"], training, generated, trainingAgain: again);
            using var summary = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
            var root = summary.RootElement;
            Assert.Equal(1.0, root.GetProperty("selectionScore").GetDouble(), 12);
            Assert.Equal(0.0, root.GetProperty("selectionScoreRealVsReal").GetDouble(), 12);
            Assert.Equal(0.0, root.GetProperty("properties").GetProperty("porosity").GetProperty("ksDRealVsReal").GetDouble(), 12);
            Assert.Contains("real vs real", File.ReadAllText(md));
            var planes = root.GetProperty("planePorosity");
            foreach (var set in new[] { "training", "generated", "training, second draw" })
                Assert.Equal(3, planes.GetProperty(set).GetProperty("spread").GetArrayLength());
            Assert.Equal(planes.GetProperty("generated").GetProperty("spread").EnumerateArray().Max(e => e.GetDouble()),
                root.GetProperty("planePorositySpreadGenerated").GetDouble(), 12);
            Assert.True(File.Exists(Path.Combine(dir, "plane-porosity.png")));
            // lineal path: capped at the 8-voxel cubes; the all-pore "generated" cubes are open at
            // every length, the random training cubes (φ ≈ 0.2) at none of 8, so the ratio there is undefined
            var lp = root.GetProperty("linealPath");
            Assert.Equal(9, lp.GetProperty("training").GetArrayLength());
            Assert.Equal(1.0, lp.GetProperty("generated")[8].GetDouble(), 12);
            Assert.Equal(0.0, lp.GetProperty("training")[8].GetDouble(), 12);
            Assert.Equal(System.Text.Json.JsonValueKind.Null, lp.GetProperty("ratioAt10").ValueKind);
            Assert.Equal(lp.GetProperty("training")[1].GetDouble(), lp.GetProperty("training, second draw")[1].GetDouble(), 12); // the same draw
            Assert.True(File.Exists(Path.Combine(dir, "lineal-path.png")));
            // an independent draw of the same distribution differs by sampling noise only
            QualityReport.Write(dir, "t", ["porosity", "permeability_mD"], training, generated, trainingAgain: Set("again", 30, 0, 3));
            using var second = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
            double floor = second.RootElement.GetProperty("selectionScoreRealVsReal").GetDouble();
            Assert.InRange(floor, 0.01, QualityReport.KsCritical(30, 30) + 0.1);
            // without a second draw the summary has no floor
            QualityReport.Write(dir, "t", ["porosity", "permeability_mD"], training, generated);
            using var none = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
            Assert.False(none.RootElement.TryGetProperty("selectionScoreRealVsReal", out _));
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }

    [Fact]
    public void PlaneProfilesFindAPoreLayerAndStayFlatForRandomCubes()
    {
        // one cube whose pore space is the plane z = 1: the z profile is 1 there and 0 elsewhere,
        // every y and x plane holds one pore row in four
        var layer = new PorousActors.Core.Volume(4, 5, 6, 1e-6);
        for (int y = 0; y < 5; y++) for (int x = 0; x < 6; x++) layer.Data[layer.Index(1, y, x)] = 1;
        var p = Statistics.MeanPlaneProfiles([layer]);
        Assert.Equal(new double[] { 0, 1, 0, 0 }, p[0]);
        Assert.All(p[1], v => Assert.Equal(0.25, v, 12));
        Assert.All(p[2], v => Assert.Equal(0.25, v, 12));
        Assert.Equal(Math.Sqrt(3.0) / 4, Statistics.ProfileSpread(p[0]), 12); // values 0,1,0,0 about 1/4
        Assert.Equal(0, Statistics.ProfileSpread(p[1]), 12);
        // random cubes: every plane near the porosity, so the spread is sampling noise only
        var random = Set("r", 40, 0, 5).Cubes;
        var q = Statistics.MeanPlaneProfiles(random);
        Assert.All(q, axis => Assert.InRange(Statistics.ProfileSpread(axis), 0, 0.05));
        Assert.Throws<ArgumentException>(() => Statistics.MeanPlaneProfiles([layer, new PorousActors.Core.Volume(4, 4, 4, 1e-6)]));
    }
}
