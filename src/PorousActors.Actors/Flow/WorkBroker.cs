using Akka.Actor;
using Akka.Event;
using Akka.Routing;
using PorousActors.Actors.Generation;
using PorousActors.Actors.Simulation;

namespace PorousActors.Actors.Flow;

/// <summary>A broker announces itself to the nodes that do its kind of work (every <c>porous.pnm.announce-interval</c>).</summary>
public sealed record BrokerHere(IActorRef Broker);
/// <summary>A node can take <paramref name="Slots"/> more units of work (evaluations, or latents to
/// generate) from the broker it tells.</summary>
public sealed record ReadyForWork(int Slots);
/// <summary>A node finished work it pulled (its reply went to the requester directly); Index is −1 for cube requests.</summary>
public sealed record WorkDone(long RequestId, int Index, IActorRef ReplyTo);
/// <summary>Asks a broker for <see cref="BrokerStats"/>.</summary>
public sealed record GetBrokerStats { public static readonly GetBrokerStats Instance = new(); }
/// <summary>What a broker holds: queued requests, requests in flight per node (by address), and how
/// many it has handed out, dropped as duplicates and put back after a node was lost.</summary>
public sealed record BrokerStats(int Queued, IReadOnlyDictionary<string, int> InFlight, long Dispatched, long DuplicatesDropped, long Requeued);

/// <summary>
/// Work pulling, for the forward simulations (<see cref="Evaluate"/>, pulled by each node's
/// <see cref="PnmNode"/>) and for the generator (<see cref="GenerateRequest"/>, pulled by each
/// device's <see cref="GeneratorActor"/>). Requesters send their work here; nodes pull it, each only
/// as much as it can take at once (idle workers; a batch of latents), so the work in flight on a
/// node is bounded and a node's share of the work follows its capacity (a node twice as fast pulls
/// twice as often). A request already queued or in flight is not queued again when its requester
/// resends it after a timeout, so a long queue does not multiply itself; the work of a node that
/// leaves or is downed goes back to the front of the queue at once, without waiting for timeouts.
/// </summary>
public sealed class WorkBroker : ReceiveActor, IWithTimers
{
    sealed record Announce { public static readonly Announce Instance = new(); }
    readonly record struct Key(IActorRef ReplyTo, long RequestId, int Index);

    readonly string kind;
    readonly LinkedList<object> queue = new();
    readonly HashSet<Key> queued = [];
    readonly Dictionary<Key, (object Work, IActorRef Node)> inFlight = [];
    /// <summary>Units each node has offered and not yet been given work for.</summary>
    readonly Dictionary<IActorRef, int> credit = [];
    long dispatched, duplicates, requeued;

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="nodes">the nodes that do the work: a local actor, or a cluster group router over every node's (announcements are broadcast)</param>
    /// <param name="kind">evaluations or cubes (metrics and log lines)</param>
    public WorkBroker(IActorRef nodes, TimeSpan announceInterval, string kind)
    {
        this.kind = kind;
        Receive<Evaluate>(Submit);
        Receive<GenerateRequest>(Submit);
        Receive<ReadyForWork>(r =>
        {
            if (!credit.ContainsKey(Sender)) { Context.Watch(Sender); credit[Sender] = 0; }
            credit[Sender] += Math.Max(0, r.Slots);
            Dispatch();
        });
        Receive<WorkDone>(d =>
        {
            var key = new Key(d.ReplyTo, d.RequestId, d.Index);
            // a node finishes only what it was given; after a requeue the first finisher wins
            if (inFlight.TryGetValue(key, out var f) && f.Node.Equals(Sender)) inFlight.Remove(key);
        });
        Receive<Terminated>(t =>
        {
            credit.Remove(t.ActorRef);
            var lost = inFlight.Where(p => p.Value.Node.Equals(t.ActorRef)).ToList();
            foreach (var (key, f) in lost)
            {
                inFlight.Remove(key);
                queue.AddFirst(f.Work); queued.Add(key);
            }
            if (lost.Count > 0)
            {
                requeued += lost.Count;
                Telemetry.PorousMetrics.Queued(kind, lost.Count);
                Context.GetLogger().Warning("{0} node {1} is gone with {2} request(s) in flight; they are queued again", kind, t.ActorRef.Path.Address, lost.Count);
            }
            Dispatch();
        });
        Receive<Announce>(_ => nodes.Tell(new Broadcast(new BrokerHere(Self))));
        Receive<GetBrokerStats>(_ => Sender.Tell(new BrokerStats(queue.Count,
            inFlight.Values.GroupBy(f => f.Node.Path.Address.ToString()).ToDictionary(g => g.Key, g => g.Count()), dispatched, duplicates, requeued)));
        Timers.StartPeriodicTimer("announce", Announce.Instance, TimeSpan.Zero, announceInterval);
    }

    protected override void PostStop()
    {
        Telemetry.PorousMetrics.Queued(kind, -queue.Count);
        base.PostStop();
    }

    public static Props Props(IActorRef nodes, TimeSpan announceInterval, string kind) =>
        Akka.Actor.Props.Create(() => new WorkBroker(nodes, announceInterval, kind));

    static Key KeyOf(object work) => work switch
    {
        Evaluate e => new Key(e.ReplyTo, e.RequestId, e.Index),
        GenerateRequest g => new Key(g.ReplyTo, g.RequestId, -1),
        _ => throw new ArgumentException($"not work: {work.GetType().Name}"),
    };

    static int SizeOf(object work) => work is GenerateRequest g ? Math.Max(1, g.Latents.Count) : 1;

    void Submit(object work)
    {
        var key = KeyOf(work);
        if (queued.Contains(key) || inFlight.ContainsKey(key))
        {
            // a resend of work still waiting or running: one answer serves both
            duplicates++;
            Telemetry.PorousMetrics.DuplicateDropped(kind);
            return;
        }
        queue.AddLast(work); queued.Add(key);
        Telemetry.PorousMetrics.Queued(kind, 1);
        Dispatch();
    }

    /// <summary>Hands queued work to nodes with room, most room first: spreads a burst over the nodes.
    /// A request larger than a node's room still goes to it (a batch may run a little over).</summary>
    void Dispatch()
    {
        while (queue.First is { } first)
        {
            IActorRef? best = null; int most = 0;
            foreach (var (node, c) in credit) if (c > most) { best = node; most = c; }
            if (best is null) return;
            var work = first.Value;
            queue.RemoveFirst();
            var key = KeyOf(work);
            queued.Remove(key);
            inFlight[key] = (work, best);
            credit[best] = Math.Max(0, most - SizeOf(work));
            dispatched++;
            Telemetry.PorousMetrics.Queued(kind, -1);
            best.Tell(work);
        }
    }
}
