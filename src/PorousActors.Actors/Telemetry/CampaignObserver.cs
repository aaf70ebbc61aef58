using Akka.Actor;
using Akka.Event;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using PorousActors.Actors.Campaigns;
using PorousActors.Actors.Chains;

namespace PorousActors.Actors.Telemetry;

/// <summary>A cluster member as the dashboard shows it.</summary>
public sealed record MemberView(string Address, IReadOnlyList<string> Roles, string Status, bool Reachable);

/// <summary>A warning or error the runtime logged (node lost, resend, journal failure), newest last.</summary>
public sealed record RuntimeEvent(DateTimeOffset Time, string Level, string Source, string Message);

/// <summary>
/// Read-only view of one campaign for the dashboard: its status (asked of the live supervisor, or
/// recovered from the journal), each chain's accepted steps (read back from the journal with
/// Akka.Persistence.Query), the cluster's members and the runtime's recent warnings. Nothing here
/// sends a command that changes a campaign.
/// </summary>
public sealed class CampaignObserver : IDisposable
{
    readonly ActorSystem system;
    readonly Func<Task<CampaignStatus?>> status;
    readonly IActorRef listener;
    readonly LinkedList<RuntimeEvent> events = new();
    const int MaxEvents = 200;

    public string Campaign { get; }
    public string OutputDir { get; }
    /// <summary>True for a campaign running in this process or cluster; false for one read from its journal.</summary>
    public bool Live { get; }

    public CampaignObserver(ActorSystem system, string campaign, string outputDir, bool live, Func<Task<CampaignStatus?>> status)
    {
        this.system = system; this.status = status;
        Campaign = campaign; OutputDir = outputDir; Live = live;
        listener = system.ActorOf(Props.Create(() => new EventListener(this)), "dashboard-events-" + Guid.NewGuid().ToString("N")[..8]);
        system.EventStream.Subscribe(listener, typeof(Warning));
        system.EventStream.Subscribe(listener, typeof(Error));
    }

    public Task<CampaignStatus?> StatusAsync() => status();

    /// <summary>The accepted steps of one chain, oldest first, from the journal.</summary>
    public async Task<IReadOnlyList<ChainStepPersisted>> TraceAsync(string chainId, CancellationToken cancel = default)
    {
        var journal = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        var steps = new List<ChainStepPersisted>();
        await journal.CurrentEventsByPersistenceId($"{Campaign}/chain/{chainId}", 0, long.MaxValue)
            .RunForeach(e => { if (e.Event is ChainStepPersisted s) lock (steps) steps.Add(s); }, system.Materializer())
            .WaitAsync(TimeSpan.FromSeconds(30), cancel);
        lock (steps) return [.. steps.OrderBy(s => s.Step).ThenBy(s => s.Evaluations)];
    }

    /// <summary>The cluster's members, or this node alone when it runs no cluster.</summary>
    public IReadOnlyList<MemberView> Members()
    {
        if (system.Settings.ProviderClass.Contains("Cluster", StringComparison.Ordinal))
        {
            var cluster = Akka.Cluster.Cluster.Get(system);
            var state = cluster.State;
            return [.. state.Members.Select(m => new MemberView(m.Address.ToString(), [.. m.Roles.OrderBy(r => r)], m.Status.ToString(),
                !state.Unreachable.Contains(m)))];
        }
        return [new MemberView("local", ["generator", "pnm", "supervisor"], "Up", true)];
    }

    public IReadOnlyList<RuntimeEvent> RecentEvents()
    {
        lock (events) return [.. events];
    }

    void Add(RuntimeEvent e)
    {
        lock (events)
        {
            events.AddLast(e);
            while (events.Count > MaxEvents) events.RemoveFirst();
        }
    }

    public void Dispose()
    {
        system.EventStream.Unsubscribe(listener);
        system.Stop(listener);
    }

    sealed class EventListener : ReceiveActor
    {
        public EventListener(CampaignObserver owner)
        {
            Receive<LogEvent>(e => owner.Add(new RuntimeEvent(new DateTimeOffset(e.Timestamp, TimeSpan.Zero), e.LogLevel().ToString().Replace("Level", ""),
                e.LogSource ?? "", (e.Message?.ToString() ?? "").Split('\n')[0])));
        }
    }
}
