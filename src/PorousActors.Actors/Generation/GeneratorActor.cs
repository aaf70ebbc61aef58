using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using Akka.Routing;
using PorousActors.Actors.Flow;
using PorousActors.Conditioning;
using PorousActors.Core;

namespace PorousActors.Actors.Generation;

/// <summary>Latents to turn into cubes; the reply goes to <paramref name="ReplyTo"/>.</summary>
public sealed record GenerateRequest(long RequestId, IReadOnlyList<float[]> Latents, IActorRef ReplyTo);
/// <summary>The cubes for a request, in the order of its latents.</summary>
public sealed record GenerateResponse(long RequestId, IReadOnlyList<Volume> Cubes);
/// <summary>Asks for <see cref="GeneratorStats"/>.</summary>
public sealed record GetGeneratorStats
{
    public static readonly GetGeneratorStats Instance = new();
}
public sealed record GeneratorStats(long Cubes, long Batches, double BusySeconds, double OverheadSeconds, IReadOnlyList<DeviceStats>? PerDevice = null)
{
    public double CubesPerSecond => BusySeconds > 0 ? Cubes / BusySeconds : 0;
}

/// <summary>One device's share of the generator work.</summary>
public sealed record DeviceStats(string Device, long Cubes, long Batches, double BusySeconds);
/// <summary>Sent by a device's GeneratorActor to its <see cref="GeneratorPool"/> after each batch;
/// <paramref name="Pulled"/> of the cubes were for work it pulled from a broker rather than was given by the pool.</summary>
public sealed record DeviceBatchDone(int Device, int Cubes, double BusySeconds, double OverheadSeconds, int Pulled = 0);

/// <summary>
/// One per device. Gathers latent requests from all chains and runs them as one batch when
/// <c>batchSize</c> latents are waiting or <c>batchWait</c> has passed since the first one, then
/// replies to each requester with its cubes. On a GPU a batched pass costs about one cube; on CPU
/// it buys little, and the actor's own overhead (timing the batches) is reported separately.
/// It pulls requests from every <see cref="WorkBroker"/> that announces itself, a batch's worth of
/// latents at a time, so a faster device takes a larger share; requests sent to it directly are
/// served as well.
/// </summary>
public sealed class GeneratorActor : ReceiveActor, IWithTimers
{
    sealed record Flush { public static readonly Flush Instance = new(); }

    readonly IGenerator generator;
    readonly int? deviceIndex;
    readonly int batchSize;
    readonly TimeSpan batchWait;
    readonly List<GenerateRequest> pending = [];
    /// <summary>The broker each pending request was pulled from (absent: sent directly).</summary>
    readonly Dictionary<GenerateRequest, IActorRef> pulledFrom = new(ReferenceEqualityComparer.Instance);
    /// <summary>Latents offered to each broker and not yet received.</summary>
    readonly BrokerOffers offered = new();
    int pendingLatents;
    long cubes, batches;
    double busy, overhead;

    public ITimerScheduler Timers { get; set; } = null!;

    public GeneratorActor(IGenerator generator, int batchSize, TimeSpan batchWait, int? deviceIndex = null)
    {
        this.generator = generator; this.deviceIndex = deviceIndex; this.batchSize = Math.Max(1, batchSize); this.batchWait = batchWait;
        Receive<Broadcast>(b => Self.Forward(b.Message)); // a broker's announcement sent here directly rather than through a router
        Receive<BrokerHere>(h =>
        {
            offered.Heard(h.Broker, Context);
            Offer();
        });
        Receive<Terminated>(t => offered.Forget(t.ActorRef));
        Receive<GenerateRequest>(r =>
        {
            bool pulled = offered.Received(Sender, r.Latents.Count);
            if (r.Latents.FirstOrDefault(z => z.Length != generator.LatentSize) is { } wrong)
            {
                // a node started for another volume size (a convolutional generator's latent grows with
                // it): refuse the request by name instead of failing inside the generator, and free the
                // broker's slot so the work can go to a node that fits
                Context.GetLogger().Error("a request with latents of {0} values reached this generator, whose latent has {1}: the node was started for another volume size than the campaign's (--size); request dropped",
                    wrong.Length, generator.LatentSize);
                if (pulled) Sender.Tell(new WorkDone(r.RequestId, -1, r.ReplyTo));
                return;
            }
            // a resend of a request still queued here (the chain's timeout ran out while it waited):
            // one batch answers both, so the copy adds no work
            if (pending.Any(q => q.RequestId == r.RequestId && q.ReplyTo.Equals(r.ReplyTo))) { Telemetry.PorousMetrics.DuplicateDropped("cubes"); return; }
            pending.Add(r);
            if (pulled) pulledFrom[r] = Sender;
            pendingLatents += r.Latents.Count;
            if (pendingLatents >= this.batchSize || this.batchWait <= TimeSpan.Zero) Run();
            else if (!Timers.IsTimerActive("flush")) Timers.StartSingleTimer("flush", Flush.Instance, this.batchWait);
        });
        Receive<Flush>(_ => Run());
        Receive<GetGeneratorStats>(_ => Sender.Tell(new GeneratorStats(cubes, batches, busy, overhead)));
    }

    public static Props Props(IGenerator generator, int batchSize, TimeSpan batchWait, int? deviceIndex = null) =>
        Akka.Actor.Props.Create(() => new GeneratorActor(generator, batchSize, batchWait, deviceIndex)).WithDispatcher("porous.generator-dispatcher");

    /// <summary>One GeneratorActor, or a <see cref="GeneratorPool"/> over one per device.</summary>
    public static Props ForDevices(IReadOnlyList<IGenerator> generators, int batchSize, TimeSpan batchWait) =>
        generators.Count == 1 ? Props(generators[0], batchSize, batchWait) : GeneratorPool.Props(generators, batchSize, batchWait);

    void Run()
    {
        Timers.Cancel("flush");
        if (pending.Count == 0) return;
        var total = Stopwatch.StartNew();
        var requests = pending.ToList();
        pending.Clear(); pendingLatents = 0;
        var all = requests.SelectMany(r => r.Latents).ToList();
        var gen = Stopwatch.StartNew();
        var volumes = generator.Generate(all);
        busy += gen.Elapsed.TotalSeconds;
        int k = 0, pulled = 0;
        foreach (var r in requests)
        {
            r.ReplyTo.Tell(new GenerateResponse(r.RequestId, volumes.Skip(k).Take(r.Latents.Count).ToList()));
            k += r.Latents.Count;
            if (pulledFrom.Remove(r, out var broker))
            {
                broker.Tell(new WorkDone(r.RequestId, -1, r.ReplyTo));
                pulled += r.Latents.Count;
            }
        }
        cubes += all.Count; batches++;
        Telemetry.PorousMetrics.Generated(deviceIndex, all.Count);
        overhead += total.Elapsed.TotalSeconds - gen.Elapsed.TotalSeconds;
        if (deviceIndex is { } d) Context.Parent.Tell(new DeviceBatchDone(d, all.Count, gen.Elapsed.TotalSeconds, total.Elapsed.TotalSeconds - gen.Elapsed.TotalSeconds, pulled));
        Offer();
    }

    /// <summary>Room: a batch's worth of latents, less those already waiting here.</summary>
    void Offer() => offered.TopUp(batchSize - pendingLatents, Self);
}
