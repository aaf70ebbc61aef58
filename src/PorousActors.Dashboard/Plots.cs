using PorousActors.Actors.Chains;
using PorousActors.Reports;

namespace PorousActors.Dashboard;

/// <summary>Server-rendered PNG charts (ScottPlot): nothing to download, so the page works air-gapped.</summary>
public static class Plots
{
    const int Width = 640, Height = 360;

    public static byte[] Throughput(ThroughputHistory history)
    {
        var rates = history.Rates();
        var plt = new ScottPlot.Plot();
        if (rates.Count == 0)
        {
            plt.Title("throughput: waiting for two samples");
            return plt.GetImageBytes(Width, Height, ScottPlot.ImageFormat.Png);
        }
        var t0 = rates[0].Time;
        var minutes = rates.Select(r => (r.Time - t0).TotalMinutes).ToArray();
        var evals = plt.Add.Scatter(minutes, rates.Select(r => r.EvaluationsPerSecond).ToArray());
        evals.LegendText = "evaluations / s";
        var chains = plt.Add.Scatter(minutes, rates.Select(r => r.ChainsPerHour).ToArray());
        chains.LegendText = "chains finished / h (right axis)";
        chains.Axes.YAxis = plt.Axes.Right;
        plt.Axes.Right.Label.Text = "chains / h";
        plt.YLabel("evaluations / s");
        plt.XLabel($"minutes since {t0:HH:mm:ss} UTC");
        plt.Title("throughput (rates over the preceding minute)");
        plt.ShowLegend(ScottPlot.Alignment.UpperLeft);
        return plt.GetImageBytes(Width, Height, ScottPlot.ImageFormat.Png);
    }

    /// <summary>Target against achieved for one property over the finished chains.</summary>
    public static byte[] Targets(CampaignSnapshot s, string property)
    {
        var outcomes = s.Chains.Where(c => c.Status is "Succeeded" or "NotReached")
            .SelectMany(c => c.TargetOutcomes.Where(t => t.Property == property && t.Achieved is not null)
                .Select(t => new TargetOutcome(c.Id, property, t.Value, t.Tolerance, t.Achieved!.Value, t.Within, c.Evaluations, c.Seconds ?? double.NaN)))
            .ToList();
        if (outcomes.Count == 0)
        {
            var empty = new ScottPlot.Plot();
            empty.Title($"{property}: no finished chain yet");
            return empty.GetImageBytes(Width, Height, ScottPlot.ImageFormat.Png);
        }
        return CampaignReport.TargetPlot(property, outcomes).GetImageBytes(520, 440, ScottPlot.ImageFormat.Png);
    }

    /// <summary>A chain's objective error after each accepted step.</summary>
    public static byte[] Trace(string chainId, IReadOnlyList<ChainStepPersisted> steps)
    {
        var plt = new ScottPlot.Plot();
        var finite = steps.Where(s => s.Error is { } e && double.IsFinite(e) && e > 0).ToList();
        if (finite.Count == 0) plt.Title($"chain {chainId}: no accepted step yet");
        else
        {
            var sc = plt.Add.Scatter(finite.Select(s => (double)s.Evaluations).ToArray(), finite.Select(s => Math.Log10(s.Error!.Value)).ToArray());
            sc.LegendText = "error after each accepted step";
            plt.Axes.Left.TickGenerator = LogTicks.Generator();
            plt.XLabel("evaluations");
            plt.YLabel("objective error (log scale)");
            plt.Title($"chain {chainId}: {steps.Count} accepted steps");
        }
        return plt.GetImageBytes(Width, Height, ScottPlot.ImageFormat.Png);
    }
}
