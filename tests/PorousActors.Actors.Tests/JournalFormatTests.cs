using Akka.Actor;
using Microsoft.Data.Sqlite;
using PorousActors.Actors.Campaigns;
using PorousActors.Actors.Chains;
using PorousActors.Actors.Persistence;

namespace PorousActors.Actors.Tests;

/// <summary>
/// The journal format is ours and versioned: a journal written by an earlier release (the committed
/// fixture, written with format /1) must recover with every later one. Regenerate the fixture only
/// when adding a new format version, never to make this test pass:
/// POROUS_WRITE_JOURNAL_FIXTURE=1 dotnet test --filter JournalFormat
/// </summary>
public sealed class JournalFormatTests : IDisposable
{
    static readonly string Fixture = Path.Combine(AppContext.BaseDirectory, "Fixtures", "journal-v1.db");
    static readonly string SourceFixture = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../Fixtures/journal-v1.db"));
    readonly string dir = Directory.CreateTempSubdirectory("porous-jfmt-").FullName;
    public void Dispose() { SqliteConnection.ClearAllPools(); Directory.Delete(dir, true); }

    static CampaignDefinition Definition => new("fixture", "fake", "0123456789abcdef", "golden", 40, 2,
        [new ChainSpec("a", "porosity=0.3:0.005", 1), new ChainSpec("b", "porosity=0.6:0.005", 2), new ChainSpec("c", "porosity=0.99:0.001", 3)]);

    [Fact]
    public async Task CommittedJournalOfFormatOneRecovers()
    {
        bool write = Environment.GetEnvironmentVariable("POROUS_WRITE_JOURNAL_FIXTURE") == "1";
        if (write)
        {
            File.Delete(SourceFixture);
            var loc = JournalLocation.Parse("sqlite:" + SourceFixture, "fixture");
            loc.CheckOwnership("fixture", mustExist: false);
            await using (var host = new CampaignHost("fixture", Path.Combine(dir, "w"), loc, new FakeGenerator(), new PorosityOnly()))
                host.Ask<CampaignDone>(new StartCampaign(Definition), TimeSpan.FromMinutes(1));
            SqliteConnection.ClearAllPools();
        }
        string db = Path.Combine(dir, "journal.db");
        File.Copy(write ? SourceFixture : Fixture, db);
        // every event in the fixture is in our format: no CLR type names stored
        using (var c = new SqliteConnection($"Data Source={db}"))
        {
            c.Open();
            using var q = c.CreateCommand();
            q.CommandText = "SELECT DISTINCT manifest FROM journal ORDER BY manifest";
            var manifests = new List<string>();
            using (var r = q.ExecuteReader()) while (r.Read()) manifests.Add(r.GetString(0));
            Assert.Equal([JournalSerializer.CampaignStartedV1, JournalSerializer.ChainCompletedV1, JournalSerializer.ChainStepV1], manifests);
        }
        SqliteConnection.ClearAllPools();
        var journal = JournalLocation.Parse("sqlite:" + db, "fixture");
        journal.CheckOwnership("fixture", mustExist: true);
        await using var h = new CampaignHost("fixture", Path.Combine(dir, "out"), journal, new FakeGenerator(), new PorosityOnly());
        var status = h.Ask<CampaignStatus>(InspectCampaign.Instance, TimeSpan.FromMinutes(1));
        Assert.Equal(Definition.Chains, status.Definition!.Chains);
        Assert.Equal(["a:Succeeded", "b:NotReached", "c:NotReached"], status.Results.OrderBy(r => r.Id).Select(r => $"{r.Id}:{r.Status}"));
        Assert.All(status.Results, r => Assert.Equal(8, r.Latent.Length));
        // chain events (steps) decode too: an inspect-only chain recovers its last step
        var probe = h.System.ActorOf(ChainActor.Props("fixture", Definition.Chains[2], 8, ActorRefs.Nobody, ActorRefs.Nobody, "golden", 40, inspectOnly: true));
        var progress = await probe.Ask<ChainProgress>(GetChainProgress.Instance, TimeSpan.FromSeconds(30));
        Assert.True(progress.Recovered);
        Assert.Equal(40, progress.Evaluations);
        Assert.Equal("NotReached", progress.Status);
    }

    [Fact]
    public void EveryEventRoundTripsThroughTheJournalFormat()
    {
        using var sys = ActorSystem.Create("fmt");
        var s = new JournalSerializer((ExtendedActorSystem)sys);
        var result = new ChainResult("x1", "porosity=0.2:0.01", 5, "Succeeded", 3, 17, 0.25, new() { ["porosity"] = 0.2012, ["permeability_mD"] = double.NaN }, 1.5, [0.1f, -2.5f, 3e-8f]);
        var step = new ChainStepPersisted(3, [1.25f, float.Epsilon], null, new() { ["porosity"] = 0.3 }, 9, -1.2345678901234, "Running", 0.75).WithChecksum() with { LastFailure = "solver did not converge" };
        var started = new CampaignStarted(Definition);
        var sized = new CampaignStarted(Definition with { Size = 128, CubeFormat = "npy" });
        var prior = new Conditioning.LatentPrior("0123456789abcdef", 2, ["porosity"], [0.2], [[0.01, -1e-17]], [[1e-4]], 100, [0.42]);
        var withPrior = new CampaignStarted(Definition with { Prior = prior });
        Assert.NotNull(Definition.DifferenceFrom(withPrior.Definition)); // a prior is part of the work
        Assert.NotNull((Definition with { Prior = prior with { Intercept = [0.3] } }).DifferenceFrom(withPrior.Definition));
        var priorBack = ((CampaignStarted)s.FromBinary(s.ToBinary(withPrior), s.Manifest(withPrior))).Definition;
        Assert.Null(withPrior.Definition.DifferenceFrom(priorBack));
        Assert.Equal(prior.Weights[0], priorBack.Prior!.Weights[0]);
        var surrogate = new Conditioning.LatentSurrogate("0123456789abcdef", 2, ["porosity"], [[0.5f, -1.25f], [2e-8f, 3f]],
            [new Conditioning.SurrogateMap(3.5, 0.2, 0.2, 0.03, [0.7, -1e-17], 0.9, 0.004)], 2);
        var steered = new CampaignStarted(Definition with { Policy = "surrogate", Surrogate = surrogate });
        Assert.NotNull((Definition with { Policy = "surrogate" }).DifferenceFrom(steered.Definition)); // the surrogate is part of the work
        var steeredBack = ((CampaignStarted)s.FromBinary(s.ToBinary(steered), s.Manifest(steered))).Definition;
        Assert.Null(steered.Definition.DifferenceFrom(steeredBack));
        Assert.Equal(surrogate.Predict([0.1f, 0.2f]), steeredBack.Surrogate!.Predict([0.1f, 0.2f]));
        foreach (object e in new object[] { step, ChainCompleted.Of(result), started, sized })
        {
            var back = s.FromBinary(s.ToBinary(e), s.Manifest(e));
            switch (back)
            {
                case ChainStepPersisted b: Assert.True(b.Intact); Assert.Equal(step.Latent, b.Latent); Assert.Equal(step.T, b.T); Assert.Equal("solver did not converge", b.LastFailure); break;
                case ChainCompleted b: Assert.True(b.Intact); Assert.True(double.IsNaN(b.Result.Properties["permeability_mD"])); Assert.Equal(result.Latent, b.Result.Latent); break;
                case CampaignStarted b:
                    var sent = b.Definition.Size is null ? started : sized; // the size is kept, and absent means the model's own
                    Assert.Null(sent.Definition.DifferenceFrom(b.Definition));
                    Assert.Equal(sent.Definition.Size, b.Definition.Size);
                    break;
                default: Assert.Fail($"unexpected {back}"); break;
            }
        }
        Assert.Throws<System.Runtime.Serialization.SerializationException>(() => s.FromBinary("{}"u8.ToArray(), "chain-step/9"));
    }
}
