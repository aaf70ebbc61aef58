namespace PorousActors.Dashboard;

/// <summary>One sample of a campaign's counters.</summary>
public sealed record ThroughputSample(DateTimeOffset Time, long Evaluations, int ChainsDone);

/// <summary>
/// Samples taken while the dashboard runs, for throughput over time and the ETA. Bounded: past
/// <see cref="Capacity"/> samples every other old one is dropped, so a week-long campaign keeps
/// its whole history at coarser resolution.
/// </summary>
public sealed class ThroughputHistory
{
    public const int Capacity = 2000;
    readonly List<ThroughputSample> samples = [];

    public void Add(ThroughputSample s)
    {
        lock (samples)
        {
            if (samples.Count > 0 && s.Time <= samples[^1].Time) return;
            samples.Add(s);
            if (samples.Count > Capacity)
            {
                // thin the older half
                var keep = samples.Take(Capacity / 2).Where((_, i) => i % 2 == 0).Concat(samples.Skip(Capacity / 2)).ToList();
                samples.Clear(); samples.AddRange(keep);
            }
        }
    }

    public IReadOnlyList<ThroughputSample> Samples() { lock (samples) return [.. samples]; }

    /// <summary>Rates at each sample over the preceding <paramref name="window"/> (default one minute;
    /// chains finish in bursts, so a per-sample rate would be mostly noise): evaluations per second
    /// and chains finished per hour.</summary>
    public IReadOnlyList<(DateTimeOffset Time, double EvaluationsPerSecond, double ChainsPerHour)> Rates(TimeSpan? window = null)
    {
        var w = window ?? TimeSpan.FromMinutes(1);
        var s = Samples();
        var rates = new List<(DateTimeOffset, double, double)>();
        int j = 0;
        for (int i = 1; i < s.Count; i++)
        {
            while (j < i - 1 && s[i].Time - s[j + 1].Time >= w) j++;
            double dt = (s[i].Time - s[j].Time).TotalSeconds;
            if (dt <= 0) continue;
            rates.Add((s[i].Time, Math.Max(0, s[i].Evaluations - s[j].Evaluations) / dt, Math.Max(0, s[i].ChainsDone - s[j].ChainsDone) / dt * 3600));
        }
        return rates;
    }

    /// <summary>Seconds until <paramref name="remaining"/> more chains finish at the rate of the last
    /// <paramref name="window"/>; null before any chain has finished within it.</summary>
    public double? EtaSeconds(int remaining, TimeSpan window)
    {
        if (remaining <= 0) return 0;
        var s = Samples();
        if (s.Count < 2) return null;
        var last = s[^1];
        var first = s.FirstOrDefault(x => last.Time - x.Time <= window) ?? s[0];
        double dt = (last.Time - first.Time).TotalSeconds;
        int chains = last.ChainsDone - first.ChainsDone;
        if (dt <= 0 || chains <= 0) return null;
        return remaining * dt / chains;
    }
}
