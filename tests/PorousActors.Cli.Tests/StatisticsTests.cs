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
