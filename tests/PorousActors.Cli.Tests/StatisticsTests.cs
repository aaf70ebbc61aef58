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
}
