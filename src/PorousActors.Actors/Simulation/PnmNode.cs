using Akka.Actor;
using Akka.Routing;
using PorousActors.Actors.Flow;
using PorousActors.Conditioning;

namespace PorousActors.Actors.Simulation;

/// <summary>A worker finished the evaluation it was given (its reply already went to the requester).</summary>
sealed record WorkerFree { public static readonly WorkerFree Instance = new(); }

/// <summary>
/// A node's forward-simulation workers (/user/pnm): a fixed set of <see cref="PnmActor"/>s on the
/// dedicated threads of porous.pnm-dispatcher (not the shared thread pool that remoting's heartbeats
/// need), each evaluation's kernels capped at cores ÷ workers threads. It pulls work from every <see cref="WorkBroker"/>
/// that announces itself, offering exactly its idle workers, so it never holds more work than it
/// can run. Work sent to it directly (without a broker) is queued and run in order as well.
/// </summary>
public sealed class PnmNode : ReceiveActor
{
    readonly IActorRef[] workers;
    readonly Stack<IActorRef> idle = new();
    readonly Dictionary<IActorRef, (Evaluate Work, IActorRef? Broker)> busy = [];
    readonly Queue<(Evaluate Work, IActorRef? Broker)> waiting = new();
    /// <summary>Idle workers offered to each broker and not yet filled.</summary>
    readonly BrokerOffers offered = new();

    public PnmNode(IForwardModel model, int workerCount, int maxAttempts)
    {
        int threads = Math.Max(1, Environment.ProcessorCount / Math.Max(1, workerCount));
        workers = new IActorRef[Math.Max(1, workerCount)];
        for (int i = 0; i < workers.Length; i++)
        {
            workers[i] = Context.ActorOf(Akka.Actor.Props.Create(() => new PnmActor(model, maxAttempts, threads)).WithDispatcher("porous.pnm-dispatcher"), $"worker-{i}");
            idle.Push(workers[i]);
        }
        Receive<Broadcast>(b => Self.Forward(b.Message)); // a broker's announcement sent to this node directly rather than through a router
        Receive<BrokerHere>(h =>
        {
            offered.Heard(h.Broker, Context);
            Offer();
        });
        Receive<Evaluate>(e =>
        {
            IActorRef? broker = offered.Received(Sender, 1) ? Sender : null;
            waiting.Enqueue((e, broker));
            Run();
        });
        Receive<WorkerFree>(_ =>
        {
            if (!busy.Remove(Sender, out var done)) return;
            done.Broker?.Tell(new WorkDone(done.Work.RequestId, done.Work.Index, done.Work.ReplyTo));
            idle.Push(Sender);
            Run();
        });
        Receive<Terminated>(t => offered.Forget(t.ActorRef));
    }

    public static Props Props(IForwardModel model, int workers, int maxAttempts) =>
        Akka.Actor.Props.Create(() => new PnmNode(model, workers, maxAttempts));

    /// <summary>A worker that crashes is restarted and retries its evaluation (PnmActor.PreRestart).</summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(1000, TimeSpan.FromMinutes(1), _ => Directive.Restart);

    void Run()
    {
        while (idle.Count > 0 && waiting.Count > 0)
        {
            var w = idle.Pop();
            var item = waiting.Dequeue();
            busy[w] = item;
            w.Tell(item.Work, Self);
        }
        Offer();
    }

    /// <summary>Room: the idle workers not already spoken for by work waiting here.</summary>
    void Offer() => offered.TopUp(idle.Count - waiting.Count, Self);
}
