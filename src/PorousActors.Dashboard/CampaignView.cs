using PorousActors.Actors.Campaigns;
using PorousActors.Actors.Telemetry;
using PorousActors.Conditioning;

namespace PorousActors.Dashboard;

/// <summary>One target of a chain with what the chain achieved so far.</summary>
public sealed record TargetView(string Property, double Value, double Tolerance, double? Achieved, bool Within);

/// <summary>One row of the chain table.</summary>
public sealed record ChainView(string Id, string Targets, long Seed, string Status, int Steps, int Evaluations, double? Error,
    IReadOnlyList<TargetView> TargetOutcomes, IReadOnlyDictionary<string, double>? AllProperties, string? LastFailure, double? Seconds, bool HasCube);

/// <summary>Chain counts by state.</summary>
public sealed record ChainCounts(int Total, int Pending, int Running, int Unfinished, int Succeeded, int NotReached, int Failed)
{
    public int Done => Succeeded + NotReached + Failed;
}

/// <summary>Everything the page shows, as the JSON API returns it.</summary>
public sealed record CampaignSnapshot(string Campaign, bool Live, string? Model, string? Policy, int? MaxEvaluations, ChainCounts Counts,
    long Evaluations, double? EtaSeconds, IReadOnlyList<string> Properties, IReadOnlyList<ChainView> Chains,
    IReadOnlyList<MemberView> Members, IReadOnlyList<RuntimeEvent> Events, DateTimeOffset Time, string? Note);

public static class CampaignViews
{
    /// <summary>Builds the snapshot from a status. Live: chains the supervisor runs are Running, the
    /// others Pending. From the journal: a chain with accepted steps but no result is Unfinished
    /// (running elsewhere, or interrupted: the journal cannot tell).</summary>
    public static CampaignSnapshot From(CampaignObserver o, CampaignStatus? s, ThroughputHistory history)
    {
        var members = o.Members();
        var events = o.RecentEvents();
        if (s?.Definition is not { } def)
            return new CampaignSnapshot(o.Campaign, o.Live, null, null, null, new ChainCounts(0, 0, 0, 0, 0, 0, 0), 0, null, [], [], members, events, DateTimeOffset.UtcNow,
                o.Live ? "no campaign is running on this node yet" : $"no campaign '{o.Campaign}' in this journal");
        var results = s.Results.ToDictionary(r => r.Id);
        var progress = s.Unfinished.ToDictionary(p => p.Id);
        var chains = new List<ChainView>(def.Chains.Count);
        foreach (var spec in def.Chains)
        {
            var targets = TargetSet.Parse([spec.Targets]).Targets;
            if (results.TryGetValue(spec.Id, out var r))
            {
                var outcomes = r.Outcomes().Select(x => new TargetView(x.Target.Property, x.Target.Value, x.Target.Tolerance, Finite(x.Achieved), x.Within)).ToList();
                chains.Add(new ChainView(spec.Id, spec.Targets, spec.Seed, r.Status, r.Steps, r.Evaluations, r.Error, outcomes, r.AllProperties, null, r.Seconds,
                    File.Exists(Path.Combine(o.OutputDir, def.CubeFile(spec.Id)))));
                continue;
            }
            progress.TryGetValue(spec.Id, out var p);
            string status = o.Live ? (p is null ? "Pending" : "Running") : (p is { Step: > 0 } or { Evaluations: > 0 } ? "Unfinished" : "Pending");
            var current = targets.Select(t =>
            {
                double? a = p?.Properties is { } props && props.TryGetValue(t.Property, out var v) ? Finite(v) : null;
                return new TargetView(t.Property, t.Value, t.Tolerance, a, a is { } x && Math.Abs(x - t.Value) <= t.Tolerance);
            }).ToList();
            chains.Add(new ChainView(spec.Id, spec.Targets, spec.Seed, status, p?.Step ?? 0, p?.Evaluations ?? 0, p?.Error, current, null, p?.LastFailure, null, false));
        }
        var counts = new ChainCounts(chains.Count, chains.Count(c => c.Status == "Pending"), chains.Count(c => c.Status == "Running"), chains.Count(c => c.Status == "Unfinished"),
            chains.Count(c => c.Status == "Succeeded"), chains.Count(c => c.Status == "NotReached"), chains.Count(c => c.Status is "Failed" or "Cancelled"));
        long evaluations = chains.Sum(c => (long)c.Evaluations);
        var properties = chains.SelectMany(c => c.TargetOutcomes.Select(t => t.Property)).Distinct().ToList();
        double? eta = history.EtaSeconds(counts.Total - counts.Done, TimeSpan.FromMinutes(15));
        return new CampaignSnapshot(def.Name, o.Live, def.Model, def.Policy, def.MaxEvaluations, counts, evaluations, eta, properties, chains, members, events, DateTimeOffset.UtcNow, null);
    }

    static double? Finite(double v) => double.IsFinite(v) ? v : null;
}
