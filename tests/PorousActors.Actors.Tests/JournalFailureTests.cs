using System.Collections.Immutable;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Microsoft.Data.Sqlite;
using PorousActors.Actors.Campaigns;
using PorousActors.Actors.Chains;

namespace PorousActors.Actors.Tests;

/// <summary>Test journals.</summary>
static class TestJournals
{
    /// <summary>A new SQLite journal DIR/NAME.db, tagged for campaign NAME as `campaign run` does.</summary>
    public static JournalLocation NewSqlite(string dir, string name)
    {
        var journal = JournalLocation.Parse("sqlite:" + Path.Combine(dir, name + ".db"), name);
        journal.CheckOwnership(name, mustExist: false);
        return journal;
    }
}

/// <summary>A journal whose writes of chain events always fail (a full disk, say) or are rejected.</summary>
public sealed class FailingChainJournal : MemoryJournal
{
    public static volatile bool Reject;

    protected override Task<IImmutableList<Exception?>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        var list = messages.ToList();
        if (list.Any(m => m.PersistenceId.Contains("/chain/")))
        {
            if (Reject) return Task.FromResult<IImmutableList<Exception?>>(list.Select(_ => (Exception?)new InvalidOperationException("event too large")).ToImmutableList());
            throw new IOException("database or disk is full");
        }
        return base.WriteMessagesAsync(list, cancellationToken);
    }
}

/// <summary>Campaigns stop with one clear reason, in bounded time, when the journal fails, is damaged
/// or the outputs cannot be written; nothing spins forever and the journal stays resumable.</summary>
[Collection("journal-failure")]
public sealed class JournalFailureTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("porous-jf-").FullName;
    public void Dispose() { SqliteConnection.ClearAllPools(); Directory.Delete(dir, true); }

    static CampaignDefinition Definition(string name) => new(name, "fake", "0123456789abcdef", "golden", 40, 2,
        [new ChainSpec("a", "porosity=0.3:0.005", 1), new ChainSpec("b", "porosity=0.6:0.005", 2), new ChainSpec("c", "porosity=0.4:0.005", 3)]);

    Config FailingJournal(bool reject)
    {
        FailingChainJournal.Reject = reject;
        return ConfigurationFactory.ParseString($@"
            akka.persistence.journal.plugin = ""akka.persistence.journal.failing""
            akka.persistence.journal.failing.class = ""{typeof(FailingChainJournal).AssemblyQualifiedName}""
            akka.persistence.journal.failing.plugin-dispatcher = ""akka.actor.default-dispatcher""
            akka.persistence.snapshot-store.plugin = ""akka.persistence.snapshot-store.local""
            akka.persistence.snapshot-store.local.dir = ""{dir.Replace("\\", "/")}/snapshots""
            porous.journal-retry {{ min-backoff = 50ms, max-backoff = 200ms, max-failures = 4 }}");
    }

    [Fact]
    public async Task FailingJournalWritesStopTheCampaignAfterBoundedRetries()
    {
        var journal = JournalLocation.Parse("sqlite:" + Path.Combine(dir, "unused.db"), "full");
        var gen = new FakeGenerator();
        await using var host = new CampaignHost("full", dir, journal, gen, new PorosityOnly(), FailingJournal(reject: false));
        var e = Assert.Throws<CampaignStoppedException>(() => host.Ask<CampaignDone>(new StartCampaign(Definition("full")), TimeSpan.FromSeconds(60)));
        Assert.StartsWith("journal write failed: ", e.Message);
        Assert.Contains("disk is full", e.Message);
        // the chains stopped: no more work after the failure
        int calls = gen.Calls;
        await Task.Delay(500);
        Assert.Equal(calls, gen.Calls);
    }

    [Fact]
    public async Task RejectedJournalWriteStopsTheCampaignAtOnce()
    {
        var journal = JournalLocation.Parse("sqlite:" + Path.Combine(dir, "unused.db"), "rejected");
        await using var host = new CampaignHost("rejected", dir, journal, new FakeGenerator(), new PorosityOnly(), FailingJournal(reject: true));
        var e = Assert.Throws<CampaignStoppedException>(() => host.Ask<CampaignDone>(new StartCampaign(Definition("rejected")), TimeSpan.FromSeconds(60)));
        Assert.Contains("rejected", e.Message);
    }

    [Fact]
    public async Task DamagedJournalEventIsNamedQuickly()
    {
        string name = "dmg";
        var journal = TestJournals.NewSqlite(dir, name);
        await using (var host = new CampaignHost(name, Path.Combine(dir, "out"), journal, new FakeGenerator(), new PorosityOnly()))
            host.Ask<CampaignDone>(new StartCampaign(Definition(name)), TimeSpan.FromMinutes(1));
        SqliteConnection.ClearAllPools();
        using (var c = new SqliteConnection(journal.ConnectionString))
        {
            c.Open();
            using var q = c.CreateCommand();
            q.CommandText = "UPDATE journal SET message = X'7B226E6F7420616E206576656E74' WHERE persistence_id = $p AND sequence_number = 2";
            q.Parameters.AddWithValue("$p", "campaign/" + name);
            Assert.Equal(1, q.ExecuteNonQuery());
        }
        SqliteConnection.ClearAllPools();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        await using (var host = new CampaignHost(name, Path.Combine(dir, "out"), journal, new FakeGenerator(), new PorosityOnly()))
        {
            var e = Assert.Throws<CampaignStoppedException>(() => host.Ask<CampaignStatus>(InspectCampaign.Instance, TimeSpan.FromMinutes(2)));
            Assert.Contains("journal is damaged at event 2", e.Message);
        }
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(30), $"took {sw.Elapsed}");
    }

    [Fact]
    public async Task UnwritableOutputsStopTheCampaignAndItResumesOnceFixed()
    {
        string name = "outs";
        string outDir = Path.Combine(dir, "results");
        Directory.CreateDirectory(outDir);
        File.WriteAllText(Path.Combine(outDir, "cubes"), "a file where the cubes folder should be");
        var journal = TestJournals.NewSqlite(dir, name);
        await using (var host = new CampaignHost(name, outDir, journal, new FakeGenerator(), new PorosityOnly()))
        {
            var e = Assert.Throws<CampaignStoppedException>(() => host.Ask<CampaignDone>(new StartCampaign(Definition(name)), TimeSpan.FromMinutes(1)));
            Assert.Contains("writing campaign outputs", e.Message);
        }
        File.Delete(Path.Combine(outDir, "cubes"));
        SqliteConnection.ClearAllPools();
        await using (var host = new CampaignHost(name, outDir, journal, new FakeGenerator(), new PorosityOnly()))
        {
            var done = host.Ask<CampaignDone>(new ResumeCampaign("0123456789abcdef"), TimeSpan.FromMinutes(1));
            Assert.Equal(3, done.Results.Count);
        }
        Assert.Equal(3, Directory.GetFiles(Path.Combine(outDir, "cubes"), "*.raw").Length);
    }
}

/// <summary>Journal events carry checksums: an edited value is reported, not shown as a result.</summary>
public sealed class JournalChecksumTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("porous-jc-").FullName;
    public void Dispose() { SqliteConnection.ClearAllPools(); Directory.Delete(dir, true); }

    [Fact]
    public async Task EditedResultInTheJournalIsDetected()
    {
        string name = "edit";
        var journal = TestJournals.NewSqlite(dir, name);
        var def = new CampaignDefinition(name, "fake", "0123456789abcdef", "golden", 40, 1, [new ChainSpec("a", "porosity=0.3:0.005", 1)]);
        ChainResult result;
        await using (var host = new CampaignHost(name, Path.Combine(dir, "out"), journal, new FakeGenerator(), new PorosityOnly()))
            result = host.Ask<CampaignDone>(new StartCampaign(def), TimeSpan.FromMinutes(1)).Results[0];
        SqliteConnection.ClearAllPools();
        string achieved = result.Properties["porosity"].ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        using (var c = new SqliteConnection(journal.ConnectionString))
        {
            c.Open();
            using var q = c.CreateCommand();
            q.CommandText = "SELECT message FROM journal WHERE persistence_id = $p AND sequence_number = 2";
            q.Parameters.AddWithValue("$p", "campaign/" + name);
            string json = System.Text.Encoding.UTF8.GetString((byte[])q.ExecuteScalar()!);
            Assert.Contains(achieved, json);
            string edited = json.Replace(achieved, "0.2699");
            q.CommandText = "UPDATE journal SET message = $m WHERE persistence_id = $p AND sequence_number = 2";
            q.Parameters.AddWithValue("$m", System.Text.Encoding.UTF8.GetBytes(edited));
            Assert.Equal(1, q.ExecuteNonQuery());
        }
        SqliteConnection.ClearAllPools();
        await using (var host = new CampaignHost(name, Path.Combine(dir, "out"), journal, new FakeGenerator(), new PorosityOnly()))
        {
            var e = Assert.Throws<CampaignStoppedException>(() => host.Ask<CampaignStatus>(InspectCampaign.Instance, TimeSpan.FromMinutes(1)));
            Assert.Contains("does not match its checksum", e.Message);
            Assert.Contains("event 2", e.Message);
        }
    }
}

public sealed class MissingCubeTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("porous-mc-").FullName;
    public void Dispose() { SqliteConnection.ClearAllPools(); Directory.Delete(dir, true); }

    [Fact]
    public async Task ResumeRegeneratesDeletedCubesFromTheirLatents()
    {
        string name = "gone";
        string outDir = Path.Combine(dir, "out");
        var journal = TestJournals.NewSqlite(dir, name);
        var def = new CampaignDefinition(name, "fake", "0123456789abcdef", "golden", 40, 2,
            [new ChainSpec("a", "porosity=0.3:0.005", 1), new ChainSpec("b", "porosity=0.6:0.005", 2)]);
        await using (var host = new CampaignHost(name, outDir, journal, new FakeGenerator(), new PorosityOnly()))
            host.Ask<CampaignDone>(new StartCampaign(def), TimeSpan.FromMinutes(1));
        string cube = Path.Combine(outDir, "cubes", "a.raw");
        var original = File.ReadAllBytes(cube);
        File.Delete(cube);
        SqliteConnection.ClearAllPools();
        var gen = new FakeGenerator();
        await using (var host = new CampaignHost(name, outDir, journal, gen, new PorosityOnly()))
            host.Ask<CampaignDone>(new ResumeCampaign("0123456789abcdef"), TimeSpan.FromMinutes(1));
        Assert.Equal(original, File.ReadAllBytes(cube));
        Assert.Equal(1, gen.Calls); // only the missing cube
    }
}

public sealed class WrittenCubeTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("porous-wc-").FullName;
    public void Dispose() { SqliteConnection.ClearAllPools(); Directory.Delete(dir, true); }

    [Fact]
    public async Task EveryWrittenCubeIsTheCubeOfItsChainsFinalLatent()
    {
        // chains accept steps both when a candidate succeeds and when the policy ends a step's search
        // (then the best may come from an earlier round): the handed-over cube must follow the latent
        string name = "cubes";
        string outDir = Path.Combine(dir, "out");
        var journal = TestJournals.NewSqlite(dir, name);
        var def = new CampaignDefinition(name, "fake", "0123456789abcdef", "golden", 60, 3,
            Enumerable.Range(1, 6).Select(i => new ChainSpec($"c{i}", $"porosity={0.2 + 0.1 * i}:0.0005", i)).ToList());
        CampaignDone done;
        await using (var host = new CampaignHost(name, outDir, journal, new FakeGenerator(), new PorosityOnly()))
            done = host.Ask<CampaignDone>(new StartCampaign(def), TimeSpan.FromMinutes(1));
        Assert.Contains(done.Results, r => r.Steps > 1);
        var gen = new FakeGenerator();
        foreach (var r in done.Results)
            Assert.Equal(gen.Generate([r.Latent])[0].Data, File.ReadAllBytes(Path.Combine(outDir, "cubes", r.Id + ".raw")));
    }
}
