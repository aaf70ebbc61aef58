using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using PorousActors.Actors.Flow;
using PorousActors.Actors.Generation;
using PorousActors.Actors.Simulation;
using PorousActors.Conditioning;
using PorousActors.Core;
using PorousActors.Pnm;

namespace PorousActors.Actors.Tests;

/// <summary>
/// Work pulling: simulation nodes take from the broker only as many evaluations as they have idle
/// workers, and generator devices a batch of latents at a time, so a node's share follows its
/// capacity; resends of queued or running work are dropped; the work of a node that is lost is
/// queued again at once.
/// </summary>
public sealed class WorkBrokerTests : TestKit
{
    // enough dedicated threads for every worker of the two nodes below; a reply asked for without a
    // timeout gets 10 s rather than 3 (the suite shares two cores with the other test projects)
    static readonly Config Cfg = ConfigurationFactory.ParseString(@"
        akka.loglevel = WARNING
        akka.test.single-expect-default = 10s
        porous.pnm-dispatcher { type = ForkJoinDispatcher, throughput = 1, dedicated-thread-pool { thread-count = 4 } }
        porous.generator-dispatcher { type = PinnedDispatcher }");

    public WorkBrokerTests() : base(Cfg) { }

    /// <summary>Takes a fixed time (sleeping, so a busy machine does not change the shares) and
    /// records how many of its calls ran at once.</summary>
    sealed class SlowModel(int ms) : IForwardModel
    {
        public int Calls, MaxConcurrent;
        int active;
        public RockProperties Evaluate(Volume v, PropertyNeeds needs)
        {
            Interlocked.Increment(ref Calls);
            int now = Interlocked.Increment(ref active);
            int max;
            while ((max = Volatile.Read(ref MaxConcurrent)) < now && Interlocked.CompareExchange(ref MaxConcurrent, now, max) != max) { }
            Thread.Sleep(ms);
            Interlocked.Decrement(ref active);
            return new PorousActors.Conditioning.Tests.PorosityOnly().Evaluate(v, needs);
        }
    }

    static Volume Cube(int seed) => new FakeGenerator().Generate([ConditioningChain.Draw(seed, 0, 8)])[0];

    [Fact]
    public void ANodeHoldsNoMoreThanItsIdleWorkersAndItsShareFollowsItsCapacity()
    {
        // 80 ms per call, so the pull round trip (slow on a busy machine) is small beside the work
        var small = new SlowModel(80);
        var large = new SlowModel(80);
        var nodeSmall = Sys.ActorOf(PnmNode.Props(small, 1, 3), "small");
        var nodeLarge = Sys.ActorOf(PnmNode.Props(large, 3, 3), "large");
        var router = Sys.ActorOf(Props.Empty.WithRouter(new Akka.Routing.BroadcastGroup(nodeSmall.Path.ToString(), nodeLarge.Path.ToString())));
        var broker = Sys.ActorOf(WorkBroker.Props(router, TimeSpan.FromMilliseconds(200), "evaluations"));
        // both nodes have heard of the broker and offered their idle workers
        AwaitAssert(() =>
        {
            broker.Tell(new Evaluate(-1, 0, Cube(0), PropertyNeeds.ImageOnly, TestActor));
            ExpectMsg<Evaluated>(TimeSpan.FromSeconds(5));
            broker.Tell(GetBrokerStats.Instance);
            Assert.True(ExpectMsg<BrokerStats>().Dispatched >= 1);
        }, TimeSpan.FromSeconds(10));
        Thread.Sleep(500);

        const int n = 80;
        var cube = Cube(1);
        for (int i = 0; i < n; i++) broker.Tell(new Evaluate(i, 0, cube, PropertyNeeds.ImageOnly, TestActor));
        int maxSmall = 0, maxLarge = 0, maxQueued = 0;
        var got = new HashSet<long>();
        while (got.Count < n)
        {
            broker.Tell(GetBrokerStats.Instance);
            object m = ExpectMsg<object>(TimeSpan.FromSeconds(30));
            if (m is Evaluated e) { got.Add(e.RequestId); continue; }
            var s = (BrokerStats)m;
            maxQueued = Math.Max(maxQueued, s.Queued);
            // both nodes share one address here: in flight across both never exceeds 1 + 3 workers
            maxLarge = Math.Max(maxLarge, s.InFlight.Values.Sum());
        }
        maxSmall = small.MaxConcurrent;
        Assert.True(maxQueued > 10, $"the work should have queued at the broker, not on the nodes (largest queue {maxQueued})");
        Assert.InRange(maxLarge, 1, 4);
        Assert.Equal(1, maxSmall);
        Assert.InRange(large.MaxConcurrent, 2, 3);
        // the 3-worker node pulls about three times as often as the 1-worker node; the upper bound is
        // loose because a 1-worker node loses a whole round trip per call on a loaded machine
        double ratio = (double)(large.Calls) / (small.Calls - 1); // small.Calls includes at most the warm-up call
        Assert.True(large.Calls + small.Calls >= n);
        Assert.True(ratio is > 2.0 and < 6.0, $"share large/small {large.Calls}/{small.Calls}");
    }

    [Fact]
    public void AFasterGeneratorDevicePullsALargerShareOfTheCubeRequests()
    {
        var fast = new RecordingGenerator(new FakeGenerator(), delayMs: 10);
        var slow = new RecordingGenerator(new FakeGenerator(), delayMs: 50);
        var a = Sys.ActorOf(GeneratorActor.Props(fast, 2, TimeSpan.FromMilliseconds(20)), "fast");
        var b = Sys.ActorOf(GeneratorActor.Props(slow, 2, TimeSpan.FromMilliseconds(20)), "slow");
        var router = Sys.ActorOf(Props.Empty.WithRouter(new Akka.Routing.BroadcastGroup(a.Path.ToString(), b.Path.ToString())));
        var broker = Sys.ActorOf(WorkBroker.Props(router, TimeSpan.FromMilliseconds(200), "cubes"));
        Thread.Sleep(600); // both devices have heard of the broker
        const int n = 80;
        for (int i = 0; i < n; i++) broker.Tell(new GenerateRequest(i, [ConditioningChain.Draw(i, 0, 8)], TestActor));
        var got = new HashSet<long>();
        for (int i = 0; i < n; i++) got.Add(ExpectMsg<GenerateResponse>(TimeSpan.FromSeconds(30)).RequestId);
        Assert.Equal(n, got.Count);
        int byFast = fast.BatchSizes.Sum(), bySlow = slow.BatchSizes.Sum();
        Assert.Equal(n, byFast + bySlow);
        Assert.True(bySlow > 0 && byFast > 2 * bySlow, $"fast {byFast}, slow {bySlow}");
        // never more than a batch's worth given to a device at once
        Assert.All(fast.BatchSizes.Concat(slow.BatchSizes), k => Assert.InRange(k, 1, 2));
    }

    [Fact]
    public void AResendOfQueuedOrRunningWorkIsDroppedAndAnsweredOnce()
    {
        var model = new SlowModel(300);
        var node = Sys.ActorOf(PnmNode.Props(model, 1, 3));
        var broker = Sys.ActorOf(WorkBroker.Props(node, TimeSpan.FromMilliseconds(100), "evaluations"));
        var cube = Cube(2);
        var first = new Evaluate(1, 0, cube, PropertyNeeds.ImageOnly, TestActor);
        var second = new Evaluate(2, 0, cube, PropertyNeeds.ImageOnly, TestActor);
        broker.Tell(first); broker.Tell(second);
        // while 1 runs and 2 waits, both are sent again (as chains do after their timeout)
        broker.Tell(first); broker.Tell(second);
        var ids = new[] { ExpectMsg<Evaluated>(TimeSpan.FromSeconds(10)).RequestId, ExpectMsg<Evaluated>(TimeSpan.FromSeconds(10)).RequestId };
        Assert.Equal([1L, 2L], ids.Order());
        ExpectNoMsg(TimeSpan.FromMilliseconds(800));
        Assert.Equal(2, model.Calls);
        broker.Tell(GetBrokerStats.Instance);
        var s = ExpectMsg<BrokerStats>();
        Assert.Equal(2, s.DuplicatesDropped);
        Assert.Equal(2, s.Dispatched);
        // once answered, the same request is new work again (its first answer was lost with a chain)
        broker.Tell(first);
        Assert.Equal(1, ExpectMsg<Evaluated>(TimeSpan.FromSeconds(10)).RequestId);
    }

    [Fact]
    public void ANodeIsGivenOnlyWhatItOffersAndTheWorkOfALostNodeIsQueuedAgainAtOnce()
    {
        // a stand-in node that offers one slot and never answers
        var lost = CreateTestProbe();
        var broker = Sys.ActorOf(WorkBroker.Props(lost, TimeSpan.FromSeconds(30), "evaluations"));
        lost.ExpectMsg<Akka.Routing.Broadcast>(TimeSpan.FromSeconds(20)); // the broker announced itself (slow when the test run's other actors hold the thread pool)
        for (int i = 0; i < 5; i++) broker.Tell(new Evaluate(i, 0, Cube(3), PropertyNeeds.ImageOnly, TestActor));
        broker.Tell(new ReadyForWork(1), lost);
        Assert.Equal(0, lost.ExpectMsg<Evaluate>(TimeSpan.FromSeconds(20)).RequestId);
        lost.ExpectNoMsg(TimeSpan.FromMilliseconds(300)); // one slot, one evaluation
        broker.Tell(new WorkDone(0, 0, TestActor), lost);
        broker.Tell(new ReadyForWork(1), lost);
        Assert.Equal(1, lost.ExpectMsg<Evaluate>(TimeSpan.FromSeconds(20)).RequestId);

        // the stand-in is lost with request 1 in flight: it goes back to the front of the queue
        Sys.Stop(lost.Ref);
        AwaitAssert(() =>
        {
            broker.Tell(GetBrokerStats.Instance);
            var s = ExpectMsg<BrokerStats>();
            Assert.Equal((1L, 4), (s.Requeued, s.Queued));
        }, TimeSpan.FromSeconds(10));
        // and a real node that comes along finishes everything left, 1 first
        var node = Sys.ActorOf(PnmNode.Props(new SlowModel(10), 1, 3));
        node.Tell(new BrokerHere(broker));
        var order = Enumerable.Range(0, 4).Select(_ => ExpectMsg<Evaluated>(TimeSpan.FromSeconds(10)).RequestId).ToList();
        Assert.Equal([1L, 2, 3, 4], order);
        // the node tells the broker it is done after it answers the requester, so the last
        // WorkDone may still be on its way when the answer arrives
        AwaitAssert(() =>
        {
            broker.Tell(GetBrokerStats.Instance);
            var after = ExpectMsg<BrokerStats>();
            Assert.Equal(0, after.Queued);
            Assert.Empty(after.InFlight);
        }, TimeSpan.FromSeconds(10));
    }
}
