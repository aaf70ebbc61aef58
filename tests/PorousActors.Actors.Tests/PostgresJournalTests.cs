using Akka.Actor;
using PorousActors.Actors.Campaigns;
using PorousActors.Actors.Chains;

namespace PorousActors.Actors.Tests;

/// <summary>The shared PostgreSQL journal a cluster uses (CI starts PostgreSQL and sets POROUS_TEST_POSTGRES).</summary>
public sealed class PostgresJournalTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("porous-pg-").FullName;
    public void Dispose() => Directory.Delete(dir, true);

    [SkippableFact]
    public async Task CampaignIsJournalledInPostgreSqlAndRecoveredByANewActorSystem()
    {
        var cs = Environment.GetEnvironmentVariable("POROUS_TEST_POSTGRES");
        Skip.If(cs is null, "POROUS_TEST_POSTGRES not set (CI starts PostgreSQL and sets it)");
        string name = "pg-" + Guid.NewGuid().ToString("N")[..8];
        var journal = JournalLocation.Parse("postgres:" + cs, name);
        var def = new CampaignDefinition(name, "fake", "0123456789abcdef", "golden", 40, 2,
            [new ChainSpec("a", "porosity=0.3:0.005", 1), new ChainSpec("b", "porosity=0.6:0.005", 2), new ChainSpec("c", "porosity=0.8:0.005", 3)]);

        CampaignDone done;
        await using (var host = new CampaignHost(name, dir, journal, new FakeGenerator(), new PorosityOnly()))
            done = await host.Supervisor.Ask<CampaignDone>(new StartCampaign(def), TimeSpan.FromMinutes(2));
        Assert.Equal(3, done.Results.Count);

        await using (var host = new CampaignHost(name, dir, journal, new FakeGenerator(), new PorosityOnly()))
        {
            var status = await host.Supervisor.Ask<CampaignStatus>(InspectCampaign.Instance, TimeSpan.FromMinutes(2));
            Assert.Equal(def.Chains, status.Definition!.Chains);
            Assert.Equal(done.Results.Select(r => (r.Id, r.Status, r.Evaluations)).OrderBy(x => x.Id), status.Results.Select(r => (r.Id, r.Status, r.Evaluations)).OrderBy(x => x.Id));
            // a changed model is refused
            var refused = await host.Supervisor.Ask<object>(new ResumeCampaign("fedcba9876543210"), TimeSpan.FromMinutes(1));
            Assert.IsType<CampaignRefused>(refused);
        }
    }
}
