using Microsoft.Data.Sqlite;
using PorousActors.Actors.Campaigns;
using PorousActors.Actors.Chains;
using PorousActors.Conditioning;
using PorousActors.Core;
using PorousActors.Pnm;

namespace PorousActors.Actors.Tests;

/// <summary>
/// A chain that has reported its end is neither running nor recorded while its cube is written and
/// given its full evaluation. Other chains finishing meanwhile launch new ones; the finishing chain
/// must not be launched again (found by the 10,000-chain scale run: "actor name is not unique", or
/// a chain counted twice).
/// </summary>
public sealed class FinishingChainsTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("porous-finish-").FullName;
    public void Dispose() { SqliteConnection.ClearAllPools(); Directory.Delete(dir, true); }

    /// <summary>Porosity after a delay that makes every evaluation, the final full one included, slow.</summary>
    sealed class SlowPorosity : IForwardModel
    {
        public RockProperties Evaluate(Volume v, PropertyNeeds needs)
        {
            Thread.Sleep(needs.Axes.Count == 3 ? 120 : 5); // the final, all-axes evaluation is the slowest
            return new PnmForwardModel().Evaluate(v, PropertyNeeds.ImageOnly);
        }
    }

    [Fact]
    public async Task ChainsFinishingTogetherAreEachRecordedOnce()
    {
        var journal = TestJournals.NewSqlite(dir, "finish");
        var specs = Enumerable.Range(1, 24).Select(i => new ChainSpec($"c{i}", "porosity=0.99:0.001", i)).ToList();
        var def = new CampaignDefinition("finish", "fake", "0123456789abcdef", "golden", 3, 6, specs);
        await using var host = new CampaignHost("finish", Path.Combine(dir, "out"), journal, new FakeGenerator(), new SlowPorosity());
        var done = await Akka.Actor.Futures.Ask<CampaignDone>(host.Supervisor, new StartCampaign(def), TimeSpan.FromMinutes(3));
        Assert.Equal(specs.Select(s => s.Id), done.Results.Select(r => r.Id));
        Assert.All(done.Results, r => Assert.Equal(3, r.Evaluations));
        // each chain recorded once in the journal and once in results.csv
        using var db = new SqliteConnection($"Data Source={journal.SqlitePath}");
        db.Open();
        var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM journal WHERE persistence_id = 'campaign/finish' AND manifest = 'chain-completed/1'";
        Assert.Equal(24L, (long)cmd.ExecuteScalar()!);
        var rows = File.ReadAllLines(Path.Combine(dir, "out", "results.csv")).Skip(1).Select(l => l.Split(',')[0]).ToList();
        Assert.Equal(specs.Select(s => s.Id), rows);
    }

    /// <summary>Porosity, but the final all-axes evaluation of a finished chain's cube waits for a gate.</summary>
    sealed class GatedFinalEvaluation : IForwardModel
    {
        public readonly ManualResetEventSlim FinalStarted = new(), Gate = new();
        public RockProperties Evaluate(Volume v, PropertyNeeds needs)
        {
            if (needs.Axes.Count == 3) { FinalStarted.Set(); Gate.Wait(TimeSpan.FromMinutes(2)); }
            return new PnmForwardModel().Evaluate(v, PropertyNeeds.ImageOnly);
        }
    }

    /// <summary>While a finished chain's cube is evaluated it is neither running nor recorded; the
    /// live status must still show it with the evaluations it spent (the dashboard's count once fell
    /// from 34 to 0 in that window).</summary>
    [Fact]
    public async Task AChainWhoseCubeIsBeingEvaluatedKeepsItsEvaluationsInTheLiveStatus()
    {
        var journal = TestJournals.NewSqlite(dir, "ending");
        var def = new CampaignDefinition("ending", "fake", "0123456789abcdef", "golden", 4, 1, [new ChainSpec("c1", "porosity=0.99:0.001", 1)]);
        var forward = new GatedFinalEvaluation();
        await using var host = new CampaignHost("ending", Path.Combine(dir, "out"), journal, new FakeGenerator(), forward);
        var reply = Akka.Actor.Futures.Ask<CampaignDone>(host.Supervisor, new StartCampaign(def), TimeSpan.FromMinutes(3));
        Assert.True(forward.FinalStarted.Wait(TimeSpan.FromMinutes(1)), "the chain never reached its final evaluation");
        var s = await Akka.Actor.Futures.Ask<CampaignStatus>(host.Supervisor, GetLiveStatus.Instance, TimeSpan.FromSeconds(30));
        Assert.Empty(s.Results);
        var p = Assert.Single(s.Unfinished);
        Assert.Equal("c1", p.Id);
        Assert.Equal(4, p.Evaluations);
        forward.Gate.Set();
        var done = await reply;
        Assert.Equal(4, Assert.Single(done.Results).Evaluations);
    }
}
