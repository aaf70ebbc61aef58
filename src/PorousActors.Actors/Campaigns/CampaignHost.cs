using Akka.Actor;
using Akka.Configuration;
using PorousActors.Actors.Flow;
using PorousActors.Actors.Generation;
using PorousActors.Actors.Hosting;
using PorousActors.Actors.Simulation;
using PorousActors.Conditioning;

namespace PorousActors.Actors.Campaigns;

/// <summary>
/// Starts a local actor system for one campaign: the GeneratorActor and the simulation workers
/// (a PnmNode), each pulling from its WorkBroker, and the ConditioningSupervisor, with the journal
/// configured from <see cref="JournalLocation"/>.
/// </summary>
public sealed class CampaignHost : IAsyncDisposable
{
    public ActorSystem System { get; }
    readonly PorousActorSystem host;
    public IActorRef Supervisor { get; }
    public IActorRef Generator { get; }
    public RuntimeSettings Settings { get; }
    /// <summary>Completes with the reason when the campaign stops on an error (journal write failed,
    /// journal damaged, outputs not writable), even before anyone has asked it anything.</summary>
    public Task<string> Fatal => fatal.Task;
    readonly TaskCompletionSource<string> fatal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    readonly string campaign, outputDir;
    readonly int latentSize;
    /// <summary>The brokers chains send their evaluations and cube requests to.</summary>
    readonly IActorRef evaluations, cubeBroker;
    int inspections;

    public static Config DefaultConfig()
    {
        using var s = typeof(CampaignHost).Assembly.GetManifestResourceStream("PorousActors.akka.conf")!;
        using var r = new StreamReader(s);
        return ConfigurationFactory.ParseString(r.ReadToEnd());
    }

    public CampaignHost(string campaign, string outputDir, JournalLocation journal, IGenerator generator, IForwardModel forward, Config? overrides = null)
        : this(campaign, outputDir, journal, [generator], forward, overrides) { }

    /// <param name="generators">one per device (see <see cref="GeneratorPool"/>)</param>
    public CampaignHost(string campaign, string outputDir, JournalLocation journal, IReadOnlyList<IGenerator> generators, IForwardModel forward, Config? overrides = null)
    {
        var generator = generators[0];
        var config = (overrides ?? Config.Empty).WithFallback(DefaultConfig());
        Settings = RuntimeSettings.From(config);
        var settings = Settings;
        this.campaign = campaign; this.outputDir = outputDir; latentSize = generator.LatentSize;
        host = PorousActorSystem.Start(settings.SizeDispatchers(overrides ?? Config.Empty), DefaultConfig(), journal, node: null, (system, registry) =>
        {
            var gen = system.ActorOf(GeneratorActor.ForDevices(generators, settings.BatchSize, settings.BatchWait), "generator");
            var workers = system.ActorOf(PnmNode.Props(forward, settings.PnmWorkers, settings.MaxAttempts), "pnm");
            // chains send their cube requests and evaluations to brokers; the generator and the
            // workers pull them (as in a cluster)
            var cubes = system.ActorOf(WorkBroker.Props(gen, settings.AnnounceInterval, "cubes"), "cubes");
            var broker = system.ActorOf(WorkBroker.Props(workers, settings.AnnounceInterval, "evaluations"), "evaluations");
            var supervisor = system.ActorOf(ConditioningSupervisor.Props(campaign, outputDir, generator.LatentSize, cubes, broker, onFatal: r => fatal.TrySetResult(r)), "campaign");
            registry.Register<ActorKeys.Generator>(gen);
            registry.Register<ActorKeys.Cubes>(cubes);
            registry.Register<ActorKeys.Simulation>(workers);
            registry.Register<ActorKeys.Evaluations>(broker);
            registry.Register<ActorKeys.Campaign>(supervisor);
        });
        System = host.System;
        Generator = host.Actors.Get<ActorKeys.Generator>();
        cubeBroker = host.Actors.Get<ActorKeys.Cubes>();
        evaluations = host.Actors.Get<ActorKeys.Evaluations>();
        Supervisor = host.Actors.Get<ActorKeys.Campaign>();
    }

    /// <summary>Asks the supervisor, but gives up with the campaign's own error as soon as it stops on one.</summary>
    public T Ask<T>(object message, TimeSpan timeout)
    {
        var reply = Supervisor.Ask(message, timeout);
        int which = Task.WaitAny(reply, Fatal);
        if (which == 1 && !reply.IsCompleted) throw new CampaignStoppedException(Fatal.Result);
        var r = reply.GetAwaiter().GetResult();
        if (r is CampaignFailed f) throw new CampaignStoppedException(f.Reason);
        return r is T t ? t : throw new InvalidOperationException($"unexpected reply {r}");
    }

    /// <summary>The campaign's status read afresh from the journal, for a campaign another process
    /// may be running: a new read-only supervisor recovers, answers and stops (the host's own
    /// supervisor recovered once, at start).</summary>
    public async Task<CampaignStatus?> InspectFromJournalAsync(TimeSpan timeout)
    {
        var probe = System.ActorOf(ConditioningSupervisor.Props(campaign, outputDir, latentSize, cubeBroker, evaluations), $"inspect-{Interlocked.Increment(ref inspections)}");
        try
        {
            return await probe.Ask(InspectCampaign.Instance, timeout) switch
            {
                CampaignStatus s => s,
                CampaignFailed f => throw new CampaignStoppedException(f.Reason),
                var other => throw new InvalidOperationException($"unexpected reply {other}"),
            };
        }
        finally { System.Stop(probe); }
    }

    public async ValueTask DisposeAsync() => await host.DisposeAsync();
}

/// <summary>The campaign stopped on an error the user must fix; the journal is consistent and the
/// campaign can be resumed once the cause is gone.</summary>
public sealed class CampaignStoppedException(string reason) : Exception(reason);
