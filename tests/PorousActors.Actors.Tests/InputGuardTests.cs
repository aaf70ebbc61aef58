using Microsoft.Data.Sqlite;
using PorousActors.Actors.Campaigns;
using PorousActors.Actors.Chains;
using PorousActors.Core;

namespace PorousActors.Actors.Tests;

/// <summary>Target ids and campaign names cannot reach outside the campaign's folder or into a
/// connection string, and a foreign SQLite database is never adopted as a journal.</summary>
public sealed class InputGuardTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("porous-guard-").FullName;
    public void Dispose() { SqliteConnection.ClearAllPools(); Directory.Delete(dir, true); }

    [Theory]
    [InlineData("/any/where/victim")]
    [InlineData("../../x")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("a\0b")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData(".hidden")]
    [InlineData("q;Mode=Memory;Data Source=q")]
    [InlineData("")]
    public void UnsafeNamesAreRefused(string name)
    {
        Assert.NotNull(SafeNames.Problem(name));
        Assert.Throws<BadInputException>(() => SafeNames.CheckCampaignName(name));
        Assert.Throws<BadInputException>(() => JournalLocation.Parse(null, name));
    }

    [Fact]
    public void LongIdsAreRefusedAndOrdinaryOnesPass()
    {
        Assert.NotNull(SafeNames.Problem(new string('a', 300)));
        Assert.Null(SafeNames.Problem("phi-0.22_k-800.run2"));
    }

    [Fact]
    public void TargetsCsvSavedByASpreadsheetIsRead()
    {
        // quoted cells, a BOM-less comment line, blank lines and a missing seed (default: the row number)
        string csv = Path.Combine(dir, "sheet.csv");
        File.WriteAllText(csv, "\"id\",\"target\",\"seed\"\n# first batch\n\"a\",\"porosity=0.2:0.01;permeability_mD=800:10%\",\"7\"\n\n\"b\",\"porosity=0.25:0.01\",\"\"\n");
        var specs = CampaignDefinition.ReadTargetsCsv(csv);
        Assert.Equal([new ChainSpec("a", "porosity=0.2:0.01;permeability_mD=800:10%", 7), new ChainSpec("b", "porosity=0.25:0.01", 2)], specs);
    }

    [Fact]
    public void TargetsCsvRowWithPathIdIsRefusedNamingTheRow()
    {
        string csv = Path.Combine(dir, "t.csv");
        File.WriteAllText(csv, "id,target,seed\nok-1,porosity=0.2:0.01,1\n../../victim,porosity=0.2:0.01,2\n");
        var e = Assert.Throws<BadInputException>(() => CampaignDefinition.ReadTargetsCsv(csv));
        Assert.Contains("line 3", e.Message);
        Assert.Contains("../../victim", e.Message);
    }

    [Fact]
    public void SemicolonInJournalPathCannotAddConnectionStringKeys()
    {
        string path = Path.Combine(dir, "q;Mode=Memory;Data Source=other.db");
        var loc = JournalLocation.Parse("sqlite:" + path, "run1");
        var b = new SqliteConnectionStringBuilder(loc.ConnectionString);
        Assert.Equal(Path.GetFullPath(path), b.DataSource);
        Assert.Equal(SqliteOpenMode.ReadWriteCreate, b.Mode);
    }

    [Fact]
    public void EmptyOrDirectoryJournalPathIsBadInput()
    {
        Assert.Throws<BadInputException>(() => JournalLocation.Parse("sqlite:", "run1"));
        Assert.Contains("directory", Assert.Throws<BadInputException>(() => JournalLocation.Parse("sqlite:" + dir, "run1")).Message);
    }

    [Fact]
    public void ForeignSqliteDatabaseIsRefusedAndLeftUntouched()
    {
        string db = Path.Combine(dir, "customers.db");
        using (var c = new SqliteConnection($"Data Source={db}"))
        {
            c.Open();
            using var q = c.CreateCommand();
            q.CommandText = "CREATE TABLE customers (id INTEGER, name TEXT); INSERT INTO customers VALUES (1, 'a')";
            q.ExecuteNonQuery();
        }
        var loc = JournalLocation.Parse("sqlite:" + db, "run1");
        var e = Assert.Throws<BadInputException>(() => loc.CheckOwnership("run1", mustExist: false));
        Assert.Contains("not a PorousActors journal", e.Message);
        using (var c = new SqliteConnection($"Data Source={db}"))
        {
            c.Open();
            using var q = c.CreateCommand();
            q.CommandText = "SELECT group_concat(name) FROM sqlite_master WHERE type = 'table'";
            Assert.Equal("customers", q.ExecuteScalar());
        }
    }

    [Fact]
    public void OwnJournalIsAcceptedAgainButNotByAnotherCampaign()
    {
        string db = Path.Combine(dir, "run1.db");
        var loc = JournalLocation.Parse("sqlite:" + db, "run1");
        loc.CheckOwnership("run1", mustExist: false);
        loc.CheckOwnership("run1", mustExist: true);
        Assert.Contains("belongs to campaign 'run1'", Assert.Throws<BadInputException>(() => loc.CheckOwnership("run2", mustExist: true)).Message);
    }
}

/// <summary>One process per campaign, and a journal that cannot be reached fails fast with its cause.</summary>
public sealed class CampaignLockTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("porous-lock-").FullName;
    public void Dispose() { SqliteConnection.ClearAllPools(); Directory.Delete(dir, true); }

    [Fact]
    public void SecondRunOfASqliteCampaignIsRefusedNamingTheFirst()
    {
        var loc = JournalLocation.Parse("sqlite:" + Path.Combine(dir, "run1.db"), "run1");
        using (CampaignLock.Acquire(loc, "run1"))
        {
            var e = Assert.Throws<BadInputException>(() => CampaignLock.Acquire(loc, "run1"));
            Assert.Contains("campaign run1 is running in process " + Environment.ProcessId, e.Message);
        }
        using (CampaignLock.Acquire(loc, "run1")) { } // released with the first
    }

    [SkippableFact]
    public void SecondRunOfAPostgresCampaignIsRefused()
    {
        var cs = Environment.GetEnvironmentVariable("POROUS_TEST_POSTGRES");
        Skip.If(cs is null, "POROUS_TEST_POSTGRES not set (CI starts PostgreSQL and sets it)");
        string name = "lock-" + Guid.NewGuid().ToString("N")[..8];
        var loc = JournalLocation.Parse("postgres:" + cs, name);
        using (CampaignLock.Acquire(loc, name))
            Assert.Contains("is running in process", Assert.Throws<BadInputException>(() => CampaignLock.Acquire(loc, name)).Message);
        using (CampaignLock.Acquire(loc, name)) { }
    }

    [Fact]
    public void UnreachablePostgresFailsInSecondsWithTheDriversMessage()
    {
        var loc = JournalLocation.Parse("postgres:Host=127.0.0.1;Port=1;Username=porous;Password=wrong;Database=none;Timeout=3", "run1");
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var e = Assert.Throws<BadInputException>(() => loc.CheckOwnership("run1", mustExist: false));
        Assert.StartsWith("journal: cannot connect to PostgreSQL at 127.0.0.1/none:", e.Message);
        Assert.DoesNotContain("\n", e.Message);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(15), $"took {sw.Elapsed}");
    }
}

public class CampaignDefinitionTests
{
    static CampaignDefinition Def(int budget = 40, string target = "porosity=0.3:0.005") =>
        new("c", "m", "0123456789abcdef", "golden", budget, 2, [new Chains.ChainSpec("a", "porosity=0.2:0.01", 1), new Chains.ChainSpec("b", target, 2)]);

    [Fact]
    public void ARefusedRunNamesTheSettingThatDiffers()
    {
        Assert.Null(Def().DifferenceFrom(Def() with { Concurrency = 8 })); // concurrency is not the work
        Assert.Equal("max evaluations (40 vs 60)", Def().DifferenceFrom(Def(60)));
        Assert.StartsWith("target 2 (b: porosity=0.3:0.005, seed 2 vs b: porosity=0.4:0.005", Def().DifferenceFrom(Def(target: "porosity=0.4:0.005")));
    }
}
