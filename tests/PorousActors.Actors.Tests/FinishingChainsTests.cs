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
}
