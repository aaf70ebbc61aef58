using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Configuration;
using Akka.Hosting;
using Akka.Persistence.Sql.Hosting;
using Akka.Remote.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PorousActors.Actors.Campaigns;
using PorousActors.Actors.Cluster;

namespace PorousActors.Actors.Hosting;

/// <summary>
/// The actor system of a campaign process or cluster node, built with Akka.Hosting: the journal,
/// remoting and cluster membership are typed options (a connection string, host name, seed list or
/// role can no longer break the configuration by what it contains); the HOCON files in config/ stay
/// the defaults, and the user's overrides (campaign file, command line) still win over everything.
/// The actors are created in the callback given to <see cref="Start"/> and registered by key in the
/// <see cref="ActorRegistry"/>.
/// </summary>
public sealed class PorousActorSystem : IAsyncDisposable
{
    readonly IHost host;
    public ActorSystem System { get; }
    public IReadOnlyActorRegistry Actors { get; }

    PorousActorSystem(IHost host)
    {
        this.host = host;
        System = host.Services.GetRequiredService<ActorSystem>();
        Actors = host.Services.GetRequiredService<ActorRegistry>();
    }

    /// <param name="overrides">the user's settings (campaign file, command line): they win over everything</param>
    /// <param name="defaults">the embedded defaults (config/*.conf): everything else wins over them</param>
    /// <param name="node">remoting and cluster membership, or null for a local actor system</param>
    public static PorousActorSystem Start(Config overrides, Config defaults, JournalLocation journal, NodeOptions? node, Action<ActorSystem, IActorRegistry> actors)
    {
        var builder = new HostBuilder().ConfigureServices(services => services
            .AddSingleton<IHostLifetime, ProcessOwnsSignals>()
            .AddAkka("porous", b =>
        {
            // each Prepend goes on top: typed options over the defaults, the user's overrides over both
            b.AddHocon(defaults, HoconAddMode.Append)
                .WithSqlPersistence(journal.ConnectionString, journal.Provider, autoInitialize: true);
            if (node is not null)
                b.WithRemoting(node.Hostname, node.Port)
                    .WithClustering(new ClusterOptions { Roles = [.. node.Roles], SeedNodes = [.. node.SeedNodes] });
            // the commands own SIGTERM and Ctrl-C (a campaign saves and says how to resume, a node
            // leaves the cluster): the actor system must not stop itself on the CLR's exit hook first
            b.AddHocon("akka.coordinated-shutdown.run-by-clr-shutdown-hook = off", HoconAddMode.Prepend);
            b.AddHocon(overrides, HoconAddMode.Prepend);
            b.WithActors(actors);
        }));
        var host = builder.Build();
        try { host.StartAsync().GetAwaiter().GetResult(); }
        catch
        {
            host.Dispose();
            throw;
        }
        return new PorousActorSystem(host);
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
    }
}

/// <summary>The host does not take SIGTERM and Ctrl-C (the default ConsoleLifetime would): the
/// commands handle them, saving progress and saying how to resume.</summary>
sealed class ProcessOwnsSignals : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Keys of the runtime's actors in the <see cref="ActorRegistry"/>.</summary>
public static class ActorKeys
{
    /// <summary>The GeneratorActor (or GeneratorPool over several devices), /user/generator.</summary>
    public sealed class Generator { }
    /// <summary>This node's simulation workers (a PnmNode), /user/pnm.</summary>
    public sealed class Simulation { }
    /// <summary>The WorkBroker chains send their evaluations to, /user/evaluations.</summary>
    public sealed class Evaluations { }
    /// <summary>The WorkBroker chains send their cube requests to, /user/cubes.</summary>
    public sealed class Cubes { }
    /// <summary>The ConditioningSupervisor (local), /user/campaign.</summary>
    public sealed class Campaign { }
    /// <summary>The proxy to the campaign singleton (cluster supervisor nodes), /user/campaign-proxy.</summary>
    public sealed class CampaignProxy { }
}
