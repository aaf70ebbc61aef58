using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using PorousActors.Actors.Campaigns;
using PorousActors.Actors.Simulation;
using PorousActors.Conditioning;
using PorousActors.Core;
using PorousActors.Pnm;

namespace PorousActors.Actors.Tests;

/// <summary>
/// Simulations run on the dedicated threads of porous.pnm-dispatcher, not on the shared thread pool
/// that remoting's heartbeats use, and each evaluation's kernels are capped at cores ÷ workers
/// threads, so a fully loaded node does not oversubscribe its cores.
/// </summary>
public sealed class SimulationThreadsTests : TestKit
{
    const int Workers = 2;
    static readonly Config Cfg = new RuntimeSettings(8, TimeSpan.FromMilliseconds(20), Workers, 3, TimeSpan.FromSeconds(2))
        .SizeDispatchers(ConfigurationFactory.ParseString(@"akka.loglevel = WARNING
        akka.test.single-expect-default = 10s").WithFallback(CampaignHost.DefaultConfig()));

    public SimulationThreadsTests() : base(Cfg) { }

    /// <summary>Records where it runs and how many kernel threads run at once.</summary>
    sealed class ProbeModel : IForwardModel
    {
        public readonly ConcurrentBag<(int Thread, bool Pool)> Seen = [];
        public int MaxConcurrentKernelThreads;
        int active;

        public RockProperties Evaluate(Volume v, PropertyNeeds needs)
        {
            Seen.Add((Environment.CurrentManagedThreadId, Thread.CurrentThread.IsThreadPoolThread));
            Parallel.For(0, 64, KernelParallelism.Options, _ =>
            {
                int now = Interlocked.Increment(ref active);
                int max;
                while ((max = Volatile.Read(ref MaxConcurrentKernelThreads)) < now && Interlocked.CompareExchange(ref MaxConcurrentKernelThreads, now, max) != max) { }
                Thread.Sleep(2);
                Interlocked.Decrement(ref active);
            });
            return new PnmForwardModel().Evaluate(v, PropertyNeeds.ImageOnly);
        }
    }

    [Fact]
    public void EvaluationsRunOnDedicatedThreadsWithCappedKernels()
    {
        var model = new ProbeModel();
        var pool = Sys.ActorOf(PnmNode.Props(model, Workers, 3));
        var cube = new FakeGenerator().Generate([ConditioningChain.Draw(1, 0, 8)])[0];
        for (int i = 0; i < 8; i++) pool.Tell(new Evaluate(i, i, cube, PropertyNeeds.ImageOnly, TestActor));
        for (int i = 0; i < 8; i++) Assert.NotNull(ExpectMsg<Evaluated>(TimeSpan.FromSeconds(30)).Properties);

        Assert.Equal(8, model.Seen.Count);
        Assert.All(model.Seen, s => Assert.False(s.Pool, "an evaluation ran on the shared thread pool"));
        Assert.InRange(model.Seen.Select(s => s.Thread).Distinct().Count(), 1, Workers);
        // two evaluations at once, each capped: never more kernel threads than cores (at least one each)
        int cap = Math.Max(1, Environment.ProcessorCount / Workers);
        Assert.InRange(model.MaxConcurrentKernelThreads, 1, Workers * cap);
    }

    [Fact]
    public void KernelsOutsideAWorkerAreNotCapped()
    {
        Assert.Equal(-1, KernelParallelism.Options.MaxDegreeOfParallelism);
        using (KernelParallelism.Cap(1)) Assert.Equal(1, KernelParallelism.Options.MaxDegreeOfParallelism);
        Assert.Equal(-1, KernelParallelism.Options.MaxDegreeOfParallelism);
    }
}
