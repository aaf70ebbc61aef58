using Akka.Actor;
using Akka.Event;
using Akka.Routing;

namespace PorousActors.Actors.Simulation;

/// <summary>A broker announces itself to the simulation nodes (every <c>porous.pnm.announce-interval</c>).</summary>
public sealed record BrokerHere(IActorRef Broker);
/// <summary>A simulation node can take <paramref name="Slots"/> more evaluations from the broker it tells.</summary>
public sealed record ReadyForWork(int Slots);
/// <summary>A simulation node finished an evaluation it pulled (its reply went to the requester directly).</summary>
public sealed record WorkDone(long RequestId, int Index, IActorRef ReplyTo);
/// <summary>Asks a broker for <see cref="BrokerStats"/>.</summary>
public sealed record GetBrokerStats { public static readonly GetBrokerStats Instance = new(); }
/// <summary>What a broker holds: queued evaluations, evaluations in flight per simulation node (by
/// address), and how many it has handed out, dropped as duplicates and put back after a node was lost.</summary>
public sealed record BrokerStats(int Queued, IReadOnlyDictionary<string, int> InFlight, long Dispatched, long DuplicatesDropped, long Requeued);

/// <summary>
/// Work pulling for the forward simulations. Chains send their <see cref="Evaluate"/> requests here;
/// simulation nodes (<see cref="PnmNode"/>) pull them, each only as many as it has idle workers, so
/// the work in flight on a node is bounded by its worker count and a node's share of the work
/// follows its capacity (a node with twice the cores pulls twice as often). A request already queued
/// or in flight is not queued again when its chain resends it after a timeout, so a long queue does
/// not multiply itself; the work of a simulation node that leaves or is downed goes back to the
/// front of the queue at once, without waiting for the chains' timeouts.
/// </summary>
public sealed class EvaluationBroker : ReceiveActor, IWithTimers
{
    sealed record Announce { public static readonly Announce Instance = new(); }
    readonly record struct Key(IActorRef ReplyTo, long RequestId, int Index);

    readonly IActorRef nodes;
    readonly LinkedList<Evaluate> queue = new();
    readonly HashSet<Key> queued = [];
    readonly Dictionary<Key, (Evaluate Work, IActorRef Node)> inFlight = [];
    /// <summary>Idle workers each node has offered and not yet been given work for.</summary>
    readonly Dictionary<IActorRef, int> credit = [];
    long dispatched, duplicates, requeued;

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="nodes">the simulation nodes: a local <see cref="PnmNode"/>, or a cluster group router over every node's /user/pnm (announcements are broadcast)</param>
    public EvaluationBroker(IActorRef nodes, TimeSpan announceInterval)
    {
        this.nodes = nodes;
        Receive<Evaluate>(e =>
        {
            var key = new Key(e.ReplyTo, e.RequestId, e.Index);
            if (queued.Contains(key) || inFlight.ContainsKey(key))
            {
                // a chain's resend of work still waiting or running: one answer serves both
                duplicates++;
                Telemetry.PorousMetrics.DuplicateDropped("evaluations");
                return;
            }
            queue.AddLast(e); queued.Add(key);
            Telemetry.PorousMetrics.EvaluationsQueued.Add(1);
            Dispatch();
        });
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
                Telemetry.PorousMetrics.EvaluationsQueued.Add(lost.Count);
                Context.GetLogger().Warning("simulation node {0} is gone with {1} evaluation(s) in flight; they are queued again", t.ActorRef.Path.Address, lost.Count);
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
        Telemetry.PorousMetrics.EvaluationsQueued.Add(-queue.Count);
        base.PostStop();
    }

    public static Props Props(IActorRef nodes, TimeSpan? announceInterval = null) =>
        Akka.Actor.Props.Create(() => new EvaluationBroker(nodes, announceInterval ?? TimeSpan.FromSeconds(2)));

    /// <summary>Hands queued work to nodes with idle workers, most idle first: spreads a burst over the nodes.</summary>
    void Dispatch()
    {
        while (queue.First is { } first)
        {
            IActorRef? best = null; int most = 0;
            foreach (var (node, c) in credit) if (c > most) { best = node; most = c; }
            if (best is null) return;
            var e = first.Value;
            queue.RemoveFirst();
            var key = new Key(e.ReplyTo, e.RequestId, e.Index);
            queued.Remove(key);
            inFlight[key] = (e, best);
            credit[best] = most - 1;
            dispatched++;
            Telemetry.PorousMetrics.EvaluationsQueued.Add(-1);
            best.Tell(e);
        }
    }
}
