using Akka.Actor;
using Akka.Cluster.Routing;
using Akka.Cluster.Tools.Singleton;
using Akka.Configuration;
using Akka.Routing;
using PorousActors.Actors.Campaigns;
using PorousActors.Actors.Generation;
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
/// /user/generator, <c>pnm</c> a PnmActor pool at /user/pnm, <c>supervisor</c> the
/// ConditioningSupervisor as a cluster singleton (it moves to another supervisor node if this one
/// is lost and resumes from the shared journal). Chains reach generators on every node through a
/// cluster-aware group router; simulation nodes pull evaluations from the supervisor node's
/// EvaluationBroker, which announces itself to them through a broadcasting group router. A node without roles just joins and does nothing.
/// </summary>
public sealed class NodeHost : IAsyncDisposable
{
    public ActorSystem System { get; }
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
        static string Quote(string x) => JournalLocation.Quote(x);
        var nodeConfig = ConfigurationFactory.ParseString($@"
            akka.remote.dot-netty.tcp.hostname = {Quote(node.Hostname)}
            akka.remote.dot-netty.tcp.port = {node.Port}
            akka.cluster.seed-nodes = [{string.Join(",", node.SeedNodes.Select(Quote))}]
            akka.cluster.roles = [{string.Join(",", node.Roles.Select(Quote))}]");
        var config = nodeConfig.WithFallback(journal.ToConfig()).WithFallback(overrides ?? Config.Empty).WithFallback(ClusterConfig()).WithFallback(CampaignHost.DefaultConfig())
            .WithFallback(Akka.Persistence.Sql.SqlPersistence.DefaultConfiguration)
            .WithFallback(ClusterSingleton.DefaultConfig());
        var settings = RuntimeSettings.From(config);
        System = ActorSystem.Create("porous", settings.SizeDispatchers(config));

        if (node.Roles.Contains("generator"))
            System.ActorOf(GeneratorActor.ForDevices(generatorDevices ?? throw new BadInputException("a generator node needs a model", InputField.Model), settings.BatchSize, settings.BatchWait), "generator");
        if (node.Roles.Contains("pnm"))
            System.ActorOf(PnmActor.Pool(forward, settings.PnmWorkers, settings.MaxAttempts), "pnm");
        if (node.Roles.Contains("supervisor"))
        {
            var generator = generatorDevices?[0];
            if (generator is null) throw new BadInputException("a supervisor node needs the model (for the latent size and the model hash)", InputField.Model);
            var generators = System.ActorOf(new ClusterRouterGroup(new RoundRobinGroup(["/user/generator"]),
                new ClusterRouterGroupSettings(10_000, ["/user/generator"], allowLocalRoutees: true, useRole: "generator")).Props(), "generators");
            var pnmNodes = System.ActorOf(new ClusterRouterGroup(new BroadcastGroup(["/user/pnm"]),
                new ClusterRouterGroupSettings(10_000, ["/user/pnm"], allowLocalRoutees: true, useRole: "pnm")).Props(), "pnm-nodes");
            // every simulation node pulls work from this broker as its workers fall idle: work in
            // flight per node is bounded by its workers, and its share follows its capacity
            var workers = System.ActorOf(EvaluationBroker.Props(pnmNodes, settings.AnnounceInterval), "evaluations");
            System.ActorOf(ClusterSingletonManager.Props(
                campaignCommand is null
                    ? ConditioningSupervisor.Props(campaign, outputDir, generator.LatentSize, generators, workers)
                    : ConditioningSupervisor.Resilient(campaign, outputDir, generator.LatentSize, generators, workers, campaignCommand),
                PoisonPill.Instance, ClusterSingletonManagerSettings.Create(System).WithRole("supervisor")), "campaign");
            SingletonProxy = System.ActorOf(ClusterSingletonProxy.Props("/user/campaign",
                ClusterSingletonProxySettings.Create(System).WithRole("supervisor")), "campaign-proxy");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Akka.Cluster.Cluster.Get(System).LeaveAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token).ContinueWith(_ => { });
        await System.Terminate();
    }
}
