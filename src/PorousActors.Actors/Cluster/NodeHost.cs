using Akka.Actor;
using Akka.Cluster.Routing;
using Akka.Cluster.Tools.Singleton;
using Akka.Configuration;
using Akka.Routing;
using PorousActors.Actors.Campaigns;
using PorousActors.Actors.Flow;
using PorousActors.Actors.Generation;
using PorousActors.Actors.Hosting;
using PorousActors.Actors.Simulation;
using PorousActors.Conditioning;
using PorousActors.Core;

namespace PorousActors.Actors.Cluster;

/// <summary>How a node joins: its address, seed nodes and roles (generator, pnm, supervisor).</summary>
public sealed record NodeOptions(string Hostname, int Port, IReadOnlyList<string> SeedNodes, IReadOnlyList<string> Roles)
{
    public static readonly string[] KnownRoles = ["generator", "pnm", "supervisor"];

    public void Validate()
    {
        foreach (var r in Roles)
            if (!KnownRoles.Contains(r)) throw new BadInputException($"unknown role '{r}'; roles are {string.Join(", ", KnownRoles)}");
        if (Port is < 0 or > 65535) throw new BadInputException($"a node's port must be 0..65535, got {Port}", InputField.Port);
        foreach (var s in SeedNodes)
            if (!s.StartsWith("akka.tcp://porous@")) throw new BadInputException($"seed node '{s}' must look like akka.tcp://porous@HOST:PORT");
    }
}

/// <summary>
/// One cluster node. Roles decide what it hosts: <c>generator</c> a GeneratorActor at
/// /user/generator, <c>pnm</c> simulation workers (a PnmNode) at /user/pnm, <c>supervisor</c> the
/// ConditioningSupervisor as a cluster singleton (it moves to another supervisor node if this one
/// is lost and resumes from the shared journal). Generator devices and simulation nodes pull cube
/// requests and evaluations from the supervisor node's two WorkBrokers, which announce themselves
/// to them through broadcasting cluster group routers. A node without roles just joins and does
/// nothing.
/// </summary>
public sealed class NodeHost : IAsyncDisposable
{
    public ActorSystem System { get; }
    readonly PorousActorSystem host;
    public IActorRef? SingletonProxy { get; }

    public static Config ClusterConfig()
    {
        using var s = typeof(NodeHost).Assembly.GetManifestResourceStream("PorousActors.cluster.conf")!;
        using var r = new StreamReader(s);
        return ConfigurationFactory.ParseString(r.ReadToEnd());
    }

    public NodeHost(NodeOptions node, JournalLocation journal, IReadOnlyList<IGenerator>? generatorDevices, IForwardModel forward,
        string campaign, string outputDir, object? campaignCommand, Config? overrides = null)
    {
        node.Validate();
        var defaults = ClusterConfig().WithFallback(CampaignHost.DefaultConfig()).WithFallback(ClusterSingleton.DefaultConfig());
        var settings = RuntimeSettings.From((overrides ?? Config.Empty).WithFallback(defaults));
        var generator = generatorDevices?[0];
        if (node.Roles.Contains("generator") && generatorDevices is null) throw new BadInputException("a generator node needs a model", InputField.Model);
        if (node.Roles.Contains("supervisor") && generator is null) throw new BadInputException("a supervisor node needs the model (for the latent size and the model hash)", InputField.Model);
        host = PorousActorSystem.Start(settings.SizeDispatchers(overrides ?? Config.Empty), defaults, journal, node, (system, registry) =>
        {
            if (node.Roles.Contains("generator"))
                registry.Register<ActorKeys.Generator>(system.ActorOf(GeneratorActor.ForDevices(generatorDevices!, settings.BatchSize, settings.BatchWait), "generator"));
            if (node.Roles.Contains("pnm"))
                registry.Register<ActorKeys.Simulation>(system.ActorOf(PnmNode.Props(forward, settings.PnmWorkers, settings.MaxAttempts), "pnm"));
            if (!node.Roles.Contains("supervisor")) return;
            var generatorNodes = system.ActorOf(new ClusterRouterGroup(new BroadcastGroup(["/user/generator"]),
                new ClusterRouterGroupSettings(10_000, ["/user/generator"], allowLocalRoutees: true, useRole: "generator")).Props(), "generator-nodes");
            var pnmNodes = system.ActorOf(new ClusterRouterGroup(new BroadcastGroup(["/user/pnm"]),
                new ClusterRouterGroupSettings(10_000, ["/user/pnm"], allowLocalRoutees: true, useRole: "pnm")).Props(), "pnm-nodes");
            // every generator device and simulation node pulls work from these brokers as it has
            // room: work in flight per node is bounded, and its share follows its capacity
            var generators = system.ActorOf(WorkBroker.Props(generatorNodes, settings.AnnounceInterval, "cubes"), "cubes");
            var workers = system.ActorOf(WorkBroker.Props(pnmNodes, settings.AnnounceInterval, "evaluations"), "evaluations");
            registry.Register<ActorKeys.Cubes>(generators);
            registry.Register<ActorKeys.Evaluations>(workers);
            system.ActorOf(ClusterSingletonManager.Props(
                campaignCommand is null
                    ? ConditioningSupervisor.Props(campaign, outputDir, generator!.LatentSize, generators, workers)
                    : ConditioningSupervisor.Resilient(campaign, outputDir, generator!.LatentSize, generators, workers, campaignCommand),
                PoisonPill.Instance, ClusterSingletonManagerSettings.Create(system).WithRole("supervisor")), "campaign");
            registry.Register<ActorKeys.CampaignProxy>(system.ActorOf(ClusterSingletonProxy.Props("/user/campaign",
                ClusterSingletonProxySettings.Create(system).WithRole("supervisor")), "campaign-proxy"));
        });
        System = host.System;
        SingletonProxy = host.Actors.TryGet<ActorKeys.CampaignProxy>(out var proxy) ? proxy : null;
    }

    /// <summary>Ctrl-C and SIGTERM run Akka's coordinated shutdown: the node leaves the cluster and
    /// stops (its work in flight is queued again by the brokers).</summary>
    public StopSignals LeaveOnStopSignals() =>
        StopSignals.On(() => CoordinatedShutdown.Get(System).Run(CoordinatedShutdown.ClrExitReason.Instance));

    public async ValueTask DisposeAsync()
    {
        await Akka.Cluster.Cluster.Get(System).LeaveAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token).ContinueWith(_ => { });
        await host.DisposeAsync();
    }
}
