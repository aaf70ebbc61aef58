using Microsoft.Data.Sqlite;
using PorousActors.Actors.Campaigns;
using PorousActors.Actors.Chains;
using PorousActors.Actors.Telemetry;
using PorousActors.Conditioning;
using PorousActors.Core;
using PorousActors.Pnm;

namespace PorousActors.Dashboard.Tests;

/// <summary>Porosity from the voxels after a fixed delay: a campaign slow enough to watch.</summary>
public sealed class SlowPorosity(int delayMs) : IForwardModel
{
    public RockProperties Evaluate(Volume v, PropertyNeeds needs)
    {
        Thread.Sleep(delayMs);
        return new PnmForwardModel().Evaluate(v, PropertyNeeds.ImageOnly);
    }
}

/// <summary>A real campaign (fake generator, porosity-only forward model, SQLite journal) in this
/// process, with its dashboard on a free loopback port.</summary>
public sealed class TestCampaign : IAsyncDisposable
{
    public string Dir { get; } = Directory.CreateTempSubdirectory("porous-dash-").FullName;
    public CampaignHost Host { get; }
    public DashboardServer Server { get; private set; } = null!;
    public CampaignDefinition Definition { get; }
    public Task<object> Reply { get; private set; } = null!;
    public JournalLocation Journal { get; }
    public HttpClient Http { get; private set; } = null!;

    public TestCampaign(string name, IReadOnlyList<ChainSpec> chains, int maxEvaluations, IForwardModel forward, int concurrency = 2)
    {
        Journal = JournalLocation.Parse("sqlite:" + Path.Combine(Dir, name + ".db"), name);
        Journal.CheckOwnership(name, mustExist: false);
        Definition = new CampaignDefinition(name, "fake", "0123456789abcdef", "golden", maxEvaluations, concurrency, [.. chains]);
        Host = new CampaignHost(name, Path.Combine(Dir, "out"), Journal, new FakeGenerator(), forward);
    }

    public static async Task<TestCampaign> StartAsync(string name, IReadOnlyList<ChainSpec> chains, int maxEvaluations, IForwardModel forward, DashboardOptions? options = null)
    {
        var c = new TestCampaign(name, chains, maxEvaluations, forward);
        var observer = new CampaignObserver(c.Host.System, name, Path.Combine(c.Dir, "out"), live: true,
            async () => await Akka.Actor.Futures.Ask<CampaignStatus>(c.Host.Supervisor, GetLiveStatus.Instance, TimeSpan.FromSeconds(10)));
        c.Server = await DashboardServer.StartAsync(observer, options ?? new DashboardOptions(Port: 0), TimeSpan.FromMilliseconds(500));
        c.Http = new HttpClient { BaseAddress = c.Server.Url, Timeout = TimeSpan.FromSeconds(60) };
        c.Reply = Akka.Actor.Futures.Ask(c.Host.Supervisor, new StartCampaign(c.Definition), Timeout.InfiniteTimeSpan);
        return c;
    }

    public async Task<CampaignDone> Done(TimeSpan timeout) => (CampaignDone)await Reply.WaitAsync(timeout);

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        if (Server is not null) await Server.DisposeAsync();
        await Host.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(Dir, true); } catch (IOException) { }
    }
}
