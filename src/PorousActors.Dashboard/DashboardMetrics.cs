using Prometheus;
using PorousActors.Actors.Telemetry;

namespace PorousActors.Dashboard;

/// <summary>
/// The /metrics endpoint's registry (prometheus-net): the runtime's own counters from
/// <see cref="PorousMetrics"/> through prometheus-net's MeterAdapter, plus gauges taken from the
/// latest campaign snapshot. Names are listed in README ("Metrics").
/// </summary>
public sealed class DashboardMetrics : IDisposable
{
    public CollectorRegistry Registry { get; } = Metrics.NewCustomRegistry();
    readonly IDisposable adapter;
    readonly Gauge chains, members, evaluations, eta;
    CampaignSnapshot? latest;

    public DashboardMetrics()
    {
        var f = Metrics.WithCustomRegistry(Registry);
        adapter = MeterAdapter.StartListening(new MeterAdapterOptions
        {
            Registry = Registry,
            MetricFactory = f,
            InstrumentFilterPredicate = i => i.Meter.Name == PorousMetrics.MeterName,
        });
        chains = f.CreateGauge("porous_chains", "Chains of the campaign by status (Pending, Running, Unfinished, Succeeded, NotReached, Failed)", "campaign", "status");
        members = f.CreateGauge("porous_cluster_members", "Cluster members by status and reachability", "status", "reachable");
        evaluations = f.CreateGauge("porous_campaign_evaluations", "Evaluations the campaign's chains have recorded (all nodes, from the journal or the supervisor)", "campaign");
        eta = f.CreateGauge("porous_campaign_eta_seconds", "Estimated seconds until every chain has finished (NaN before a rate is known)", "campaign");
        Registry.AddBeforeCollectCallback(Update);
    }

    public void Observe(CampaignSnapshot s) => latest = s;

    void Update()
    {
        if (latest is not { } s) return;
        var c = s.Counts;
        foreach (var (status, n) in new[] { ("Pending", c.Pending), ("Running", c.Running), ("Unfinished", c.Unfinished), ("Succeeded", c.Succeeded), ("NotReached", c.NotReached), ("Failed", c.Failed) })
            chains.WithLabels(s.Campaign, status).Set(n);
        foreach (var g in s.Members.GroupBy(m => (m.Status, m.Reachable)))
            members.WithLabels(g.Key.Status, g.Key.Reachable ? "true" : "false").Set(g.Count());
        evaluations.WithLabels(s.Campaign).Set(s.Evaluations);
        eta.WithLabels(s.Campaign).Set(s.EtaSeconds ?? double.NaN);
    }

    public void Dispose() => adapter.Dispose();
}
