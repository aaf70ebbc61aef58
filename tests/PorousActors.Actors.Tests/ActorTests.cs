using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using PorousActors.Actors.Chains;
using PorousActors.Actors.Generation;
using PorousActors.Actors.Simulation;
using PorousActors.Conditioning;
using PorousActors.Core;

namespace PorousActors.Actors.Tests;

public class ActorTests : TestKit
{
    // every test system keeps its snapshots in a folder of its own: a snapshot left by another test
    // (or an earlier run) under the same persistence id would be recovered and shorten the chain
    static Config Cfg(string snapshots) => ConfigurationFactory.ParseString($@"
        akka.loglevel = WARNING
        akka.test.single-expect-default = 10s
        akka.persistence.journal.plugin = ""akka.persistence.journal.inmem""
        akka.persistence.snapshot-store.plugin = ""akka.persistence.snapshot-store.local""
        akka.persistence.snapshot-store.local.dir = ""{snapshots.Replace("\\", "/")}""
        porous.generator-dispatcher {{ type = PinnedDispatcher }}
        porous.pnm-dispatcher {{ type = Dispatcher, throughput = 1 }}");

    readonly string snapshots;

    public ActorTests() : this(Path.Combine(Path.GetTempPath(), "porous-actor-tests-" + Guid.NewGuid().ToString("N"))) { }

    ActorTests(string snapshots) : base(Cfg(snapshots)) { this.snapshots = snapshots; }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && Directory.Exists(snapshots)) Directory.Delete(snapshots, true);
    }

    [Fact]
    public void GeneratorBatchesRequestsFromManyChains()
    {
        var gen = new RecordingGenerator(new FakeGenerator());
        var actor = Sys.ActorOf(GeneratorActor.Props(gen, batchSize: 4, batchWait: TimeSpan.FromSeconds(5)));
        var probes = Enumerable.Range(0, 4).Select(_ => CreateTestProbe()).ToList();
        for (int i = 0; i < 4; i++) actor.Tell(new GenerateRequest(i, [ConditioningChain.Draw(i, 0, 8)], probes[i]));
        for (int i = 0; i < 4; i++)
        {
            var r = probes[i].ExpectMsg<GenerateResponse>(TimeSpan.FromSeconds(5));
            Assert.Equal(i, r.RequestId);
            Assert.Single(r.Cubes);
        }
        Assert.Equal([4], gen.BatchSizes);
    }

    [Fact]
    public void GeneratorFlushesAPartialBatchAfterTheWait()
    {
        var gen = new RecordingGenerator(new FakeGenerator());
        var actor = Sys.ActorOf(GeneratorActor.Props(gen, batchSize: 8, batchWait: TimeSpan.FromMilliseconds(100)));
        actor.Tell(new GenerateRequest(1, [ConditioningChain.Draw(1, 0, 8), ConditioningChain.Draw(2, 0, 8)], TestActor));
        var r = ExpectMsg<GenerateResponse>(TimeSpan.FromSeconds(5));
        Assert.Equal(2, r.Cubes.Count);
        Assert.Equal([2], gen.BatchSizes);
        // each requester gets its own cubes: the cube of latent 1 has the porosity its latent implies
        Assert.Equal(FakeGenerator.PorosityOf(ConditioningChain.Draw(1, 0, 8)), Core.Metrics.Porosity.Compute(r.Cubes[0]), 2);
    }

    [Fact]
    public void ALatentOfAnotherSizeIsRefusedByNameAndTheGeneratorCarriesOn()
    {
        // a node started for another volume size than the campaign's: the request is dropped with an
        // error saying so, not a crash inside the generator, and good requests are still served
        var gen = new RecordingGenerator(new FakeGenerator());
        var actor = Sys.ActorOf(GeneratorActor.Props(gen, batchSize: 1, batchWait: TimeSpan.Zero));
        EventFilter.Error(contains: "another volume size").ExpectOne(() =>
            actor.Tell(new GenerateRequest(1, [new float[gen.LatentSize + 3]], TestActor)));
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        actor.Tell(new GenerateRequest(2, [ConditioningChain.Draw(2, 0, gen.LatentSize)], TestActor));
        Assert.Equal(2, ExpectMsg<GenerateResponse>(TimeSpan.FromSeconds(5)).RequestId);
        Assert.Equal([1], gen.BatchSizes);
    }

    [Fact]
    public void AResentRequestStillQueuedIsAnsweredOnceWithoutExtraWork()
    {
        var gen = new RecordingGenerator(new FakeGenerator());
        var actor = Sys.ActorOf(GeneratorActor.Props(gen, batchSize: 8, batchWait: TimeSpan.FromMilliseconds(300)));
        var latents = new[] { ConditioningChain.Draw(1, 0, 8), ConditioningChain.Draw(2, 0, 8) };
        actor.Tell(new GenerateRequest(5, latents, TestActor));
        actor.Tell(new GenerateRequest(5, latents, TestActor)); // the chain's timeout ran out while it waited
        var r = ExpectMsg<GenerateResponse>(TimeSpan.FromSeconds(5));
        Assert.Equal(2, r.Cubes.Count);
        ExpectNoMsg(TimeSpan.FromMilliseconds(600));
        Assert.Equal([2], gen.BatchSizes);
    }

    [Fact]
    public void ResendsWaitLongerEachTimeUpToEightTimesTheTimeout()
    {
        var t = TimeSpan.FromSeconds(30);
        Assert.Equal([30.0, 60, 120, 240, 240, 240], Enumerable.Range(0, 6).Select(k => Chains.ChainActor.ResendDelay(t, k).TotalSeconds));
    }

    [Fact]
    public void CrashingWorkerIsRestartedAndTheEvaluationRetried()
    {
        var model = new FlakyForwardModel(failures: 1);
        var pool = Sys.ActorOf(PnmNode.Props(model, workers: 2, maxAttempts: 3));
        var cube = new FakeGenerator().Generate([ConditioningChain.Draw(3, 0, 8)])[0];
        pool.Tell(new Evaluate(7, 0, cube, PropertyNeeds.ImageOnly, TestActor));
        var r = ExpectMsg<Evaluated>(TimeSpan.FromSeconds(10));
        Assert.NotNull(r.Properties);
        Assert.Null(r.Error);
        Assert.Equal(2, model.TotalCalls); // one crash, one retry
        // the pool still works afterwards
        pool.Tell(new Evaluate(8, 1, cube, PropertyNeeds.ImageOnly, TestActor));
        Assert.NotNull(ExpectMsg<Evaluated>(TimeSpan.FromSeconds(10)).Properties);
    }

    [Fact]
    public void CubeThatKeepsFailingIsMarkedFailed()
    {
        var model = new FlakyForwardModel(failures: 100);
        var pool = Sys.ActorOf(PnmNode.Props(model, workers: 1, maxAttempts: 3));
        var cube = new FakeGenerator().Generate([ConditioningChain.Draw(4, 0, 8)])[0];
        pool.Tell(new Evaluate(9, 0, cube, PropertyNeeds.ImageOnly, TestActor));
        var r = ExpectMsg<Evaluated>(TimeSpan.FromSeconds(10));
        Assert.Null(r.Properties);
        Assert.Contains("simulated crash", r.Error);
        Assert.Equal(3, model.TotalCalls);
    }

    /// <summary>Stands in for the supervisor: spawns the chain and forwards what it says.</summary>
    sealed class Parent : UntypedActor
    {
        readonly IActorRef report;
        public Parent(Func<IActorContext, IActorRef> spawn, IActorRef report) { this.report = report; spawn(Context); }
        protected override void OnReceive(object message) => report.Forward(message);
    }

    IActorRef SpawnChain(ChainSpec spec, IActorRef gen, IActorRef pnm, string campaign, int maxEval)
        => Sys.ActorOf(Props.Create(() => new Parent(ctx => ctx.ActorOf(ChainActor.Props(campaign, spec, 8, gen, pnm, "golden", maxEval), "chain"), TestActor)));

    [Fact]
    public void ChainActorResultEqualsTheEngineRunAndSurvivesARestart()
    {
        // a target the fake cannot quite hit, so the chain runs its whole budget
        var spec = new ChainSpec("c1", "porosity=0.9499:0.00001", 5);
        var reference = new ConditioningChain(5, TargetSet.Parse([spec.Targets]), 8, () => SearchPolicies.Parse("golden"), 120);
        ChainRunner.Run(reference, new FakeGenerator(), new PorosityOnly());

        var genModel = new RecordingGenerator(new FakeGenerator(), delayMs: 20) { PauseAfter = 30 };
        var gen = Sys.ActorOf(GeneratorActor.Props(genModel, 4, TimeSpan.Zero));
        var pnm = Sys.ActorOf(PnmNode.Props(new PorosityOnly(), 2, 3));

        // first incarnation: stop it once it has made progress
        var first = SpawnChain(spec, gen, pnm, "camp", 120);
        AwaitCondition(() => genModel.BatchSizes.Sum() >= 30, TimeSpan.FromSeconds(20));
        Sys.Stop(first);
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        genModel.Release(); // the batch held back goes to the stopped chain's dead letters
        int before = genModel.BatchSizes.Sum();

        // second incarnation recovers from the journal and finishes
        SpawnChain(spec, gen, pnm, "camp", 120);
        var done = ExpectMsg<ChainFinished>(TimeSpan.FromSeconds(30)).Result;
        Assert.Equal(reference.State.Status.ToString(), done.Status);
        Assert.Equal(reference.State.Evaluations, done.Evaluations);
        Assert.Equal(reference.State.Latent, done.Latent);
        // it continued: fewer evaluations after the restart than a run from scratch would need
        int after = genModel.BatchSizes.Sum() - before;
        Assert.True(after < reference.State.Evaluations, $"{after} evaluations after restart, {reference.State.Evaluations} in all");
    }

    [Fact]
    public void AChainActorWithALatentPriorEndsAsTheEngineRunWithThatPriorAcrossARestart()
    {
        // a prior fitted on the fake generator's own draws; a tail target, and a tight tolerance so the chain runs long
        var rng = new Random(3);
        var zs = Enumerable.Range(0, 200).Select(_ => Core.StandardNormal.Vector(rng, 8)).ToList();
        var props = new FakeGenerator().Generate(zs).Select(v => new PorosityOnly().Evaluate(v, PropertyNeeds.ImageOnly)).ToList();
        var prior = LatentPrior.Fit(zs, props, ["porosity"], "sha");
        var spec = new ChainSpec("p1", "porosity=0.8901:0.00001", 6);
        var targets = TargetSet.Parse([spec.Targets]);
        var reference = new ConditioningChain(6, targets, 8, () => SearchPolicies.Parse("golden"), 100, prior.Condition(targets, 8));
        ChainRunner.Run(reference, new FakeGenerator(), new PorosityOnly());
        var plain = new ConditioningChain(6, targets, 8, () => SearchPolicies.Parse("golden"), 100);
        Assert.NotEqual(plain.State.Latent, reference.State.Latent); // the prior moved the start

        var done = StoppedAndRestarted(30, (gen, pnm) => ChainActor.Props("prior", spec, 8, gen, pnm, "golden", 100, false, null, prior));
        Assert.Equal(reference.State.Status.ToString(), done.Status);
        Assert.Equal(reference.State.Evaluations, done.Evaluations);
        Assert.Equal(reference.State.Latent, done.Latent);
    }

    /// <summary>Runs a chain actor on the fake generator, stops it once <paramref name="pauseAfter"/>
    /// cubes were generated, starts it again from its journal and returns how it ended.</summary>
    ChainResult StoppedAndRestarted(int pauseAfter, Func<IActorRef, IActorRef, Props> chainProps)
    {
        var genModel = new RecordingGenerator(new FakeGenerator(), delayMs: 20) { PauseAfter = pauseAfter };
        var gen = Sys.ActorOf(GeneratorActor.Props(genModel, 4, TimeSpan.Zero));
        var pnm = Sys.ActorOf(PnmNode.Props(new PorosityOnly(), 2, 3));
        IActorRef Spawn() => Sys.ActorOf(Props.Create(() => new Parent(ctx => ctx.ActorOf(chainProps(gen, pnm), "chain"), TestActor)));
        var first = Spawn();
        AwaitCondition(() => genModel.BatchSizes.Sum() >= pauseAfter, TimeSpan.FromSeconds(20));
        Sys.Stop(first);
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        genModel.Release();
        Spawn();
        return ExpectMsg<ChainFinished>(TimeSpan.FromSeconds(30)).Result;
    }

    [Fact]
    public void AChainActorSteeredByASurrogateEndsAsTheEngineRunWithItAcrossARestart()
    {
        var rng = new Random(4);
        var zs = Enumerable.Range(0, 200).Select(_ => Core.StandardNormal.Vector(rng, 8)).ToList();
        var props = new FakeGenerator().Generate(zs).Select(v => new PorosityOnly().Evaluate(v, PropertyNeeds.ImageOnly)).ToList();
        var surrogate = LatentSurrogate.Fit(zs, props, ["porosity"], "sha");
        var spec = new ChainSpec("s1", "porosity=0.8901:0.00001", 6); // unreachable at 12³: the chain spends its budget
        var targets = TargetSet.Parse([spec.Targets]);
        var reference = new ConditioningChain(6, targets, 8, () => SearchPolicies.Parse("surrogate"), 60) { Surrogate = surrogate };
        ChainRunner.Run(reference, new FakeGenerator(), new PorosityOnly());
        var done = StoppedAndRestarted(10, (gen, pnm) => ChainActor.Props("steered", spec, 8, gen, pnm, "surrogate", 60, false, null, null, surrogate));
        Assert.Equal(reference.State.Status.ToString(), done.Status);
        Assert.Equal(reference.State.Evaluations, done.Evaluations);
        Assert.Equal(reference.State.Latent, done.Latent);
        // without its surrogate the same chain is refused, not run differently
        var plain = new ConditioningChain(6, targets, 8, () => SearchPolicies.Parse("surrogate"), 60);
        Assert.Throws<BadInputException>(() => plain.Next());
    }

    [Fact]
    public void AnActorChainScreensByPorosityAndEndsAsTheFullyEvaluatedEngineRun()
    {
        // joint φ + k: the actor leaves screened candidates without a forward run and still ends
        // exactly where the engine ends when every candidate is evaluated
        var spec = new ChainSpec("s1", "porosity=0.3:0.01;permeability_mD=700:2%", 1);
        var reference = new ConditioningChain(1, TargetSet.Parse([spec.Targets]), 8, () => SearchPolicies.Parse("golden"), 150);
        ChainRunner.Run(reference, new TwoPropertyGenerator(), new CountingTwoPropertyModel(), screen: false);

        var model = new CountingTwoPropertyModel();
        var gen = Sys.ActorOf(GeneratorActor.Props(new TwoPropertyGenerator(), 4, TimeSpan.Zero));
        var pnm = Sys.ActorOf(PnmNode.Props(model, 2, 3));
        SpawnChain(spec, gen, pnm, "screen", 150);
        var done = ExpectMsg<ChainFinished>(TimeSpan.FromSeconds(30)).Result;
        Assert.Equal(reference.State.Status.ToString(), done.Status);
        Assert.Equal(reference.State.Evaluations, done.Evaluations);
        Assert.Equal(reference.State.Latent, done.Latent);
        Assert.True(model.Runs < done.Evaluations, $"{model.Runs} forward runs for {done.Evaluations} candidates");
    }
}
