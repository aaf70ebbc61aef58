using Akka.Actor;
using Akka.Routing;
using PorousActors.Actors.Flow;
using PorousActors.Conditioning;

namespace PorousActors.Actors.Generation;

/// <summary>
/// Several devices behind one address (/user/generator): a GeneratorActor per device, each on its
/// own pinned thread and bound to its device. Brokers' announcements go to every device, which then
/// pull work themselves; a request sent here directly goes to the device with the fewest latents
/// outstanding (queued or running). Each device batches what it is given.
/// </summary>
public sealed class GeneratorPool : ReceiveActor
{
    readonly IActorRef[] devices;
    readonly string[] names;
    readonly long[] outstanding, cubes, batches;
    readonly double[] busy;
    double overhead;

    public GeneratorPool(IReadOnlyList<IGenerator> generators, int batchSize, TimeSpan batchWait)
    {
        int n = generators.Count;
        devices = new IActorRef[n]; names = new string[n];
        outstanding = new long[n]; cubes = new long[n]; batches = new long[n]; busy = new double[n];
        for (int i = 0; i < n; i++)
        {
            devices[i] = Context.ActorOf(GeneratorActor.Props(generators[i], batchSize, batchWait, i), $"device-{i}");
            names[i] = generators[i].Device;
        }
        Receive<GenerateRequest>(r =>
        {
            int best = 0;
            for (int i = 1; i < n; i++) if (outstanding[i] < outstanding[best]) best = i;
            outstanding[best] += r.Latents.Count;
            devices[best].Forward(r);
        });
        // brokers deal with each device directly: the faster device pulls more
        Receive<Broadcast>(b => Self.Forward(b.Message));
        Receive<BrokerHere>(h => { foreach (var device in devices) device.Forward(h); });
        Receive<DeviceBatchDone>(d =>
        {
            outstanding[d.Device] -= d.Cubes - d.Pulled;
            cubes[d.Device] += d.Cubes; batches[d.Device]++; busy[d.Device] += d.BusySeconds; overhead += d.OverheadSeconds;
        });
        Receive<GetGeneratorStats>(_ => Sender.Tell(new GeneratorStats(cubes.Sum(), batches.Sum(), busy.Sum(), overhead,
            Enumerable.Range(0, n).Select(i => new DeviceStats(names[i], cubes[i], batches[i], busy[i])).ToList())));
    }

    public static Props Props(IReadOnlyList<IGenerator> generators, int batchSize, TimeSpan batchWait) =>
        Akka.Actor.Props.Create(() => new GeneratorPool(generators, batchSize, batchWait));
}
