using PorousActors.Conditioning;
using PorousActors.Core;

namespace PorousActors.Conditioning.Tests;

public class ChainTests
{
    static TargetSet Porosity(double v, double tol = 0.01) => TargetSet.Parse([$"porosity={v}:{tol}"]);

    static (ConditioningChain Chain, IReadOnlyList<TraceRow> Trace) Run(long seed, TargetSet t, string policy = "golden", int max = 200, ChainState? from = null)
    {
        var chain = from is null
            ? new ConditioningChain(seed, t, 8, () => SearchPolicies.Parse(policy), max)
            : new ConditioningChain(from, t, () => SearchPolicies.Parse(policy), max);
        var trace = ChainRunner.Run(chain, new FakeGenerator(), new PorosityOnly());
        return (chain, trace);
    }

    [Theory]
    [InlineData("golden", 0.3)]
    [InlineData("golden", 0.8)]
    [InlineData("paper", 0.3)]
    [InlineData("paper", 0.12)]
    [InlineData("sphere", 0.3)]
    [InlineData("sphere", 0.8)]
    public void KnownOptimumIsFoundWithinTolerance(string policy, double target)
    {
        var (chain, _) = Run(5, Porosity(target, 0.005), policy);
        Assert.Equal(ChainStatus.Succeeded, chain.State.Status);
        Assert.InRange(chain.State.Properties["porosity"], target - 0.005, target + 0.005);
        // the accepted latent regenerates the reported cube
        // (to the porosity resolution of the 12³ fake cube)
        Assert.True(Math.Abs(FakeGenerator.PorosityOf(chain.State.Latent) - chain.State.Properties["porosity"]) < 1.0 / 1728);
    }

    [Theory]
    [InlineData("golden")]
    [InlineData("random")]
    [InlineData("adaptive")]
    [InlineData("sphere")]
    public void ScreeningByPorositySavesRunsWithoutChangingTheChain(string policy)
    {
        // joint φ + k targets: every chain takes the same course, step for step, with and without
        // the screen, and the screened-out candidates are exactly the forward runs saved
        int saved = 0;
        foreach (var (phi, k, seed) in new[] { (0.3, 700.0, 1L), (0.55, 450.0, 2L), (0.2, 900.0, 3L), (0.7, 1000.0, 4L) })
        {
            var targets = TargetSet.Parse([string.Create(System.Globalization.CultureInfo.InvariantCulture, $"porosity={phi}:0.01;permeability_mD={k}:2%")]);
            var full = new CountingTwoPropertyModel();
            var screened = new CountingTwoPropertyModel();
            var a = new ConditioningChain(seed, targets, 8, () => SearchPolicies.Parse(policy), 150);
            var b = new ConditioningChain(seed, targets, 8, () => SearchPolicies.Parse(policy), 150);
            var traceA = ChainRunner.Run(a, new TwoPropertyGenerator(), full, screen: false);
            var traceB = ChainRunner.Run(b, new TwoPropertyGenerator(), screened);
            Assert.Equal(traceA.Select(r => (r.Step, r.T, r.Error, r.Evaluations)), traceB.Select(r => (r.Step, r.T, r.Error, r.Evaluations)));
            Assert.Equal(a.State.Latent, b.State.Latent);
            Assert.Equal(a.State.Status, b.State.Status);
            Assert.Equal(0, a.ScreenedOut);
            Assert.Equal(full.Runs - screened.Runs, b.ScreenedOut);
            saved += b.ScreenedOut;
        }
        Assert.True(saved > 0, "the screen never left a candidate out");
    }

    [Fact]
    public void TheBenchmarkCountsForwardRunsApartFromEvaluations()
    {
        var model = new CountingTwoPropertyModel();
        var targets = new[] { new Benchmark.BenchmarkTarget("phi+k", "a", "porosity=0.3:0.01;permeability_mD=700:2%", 1), new Benchmark.BenchmarkTarget("phi+k", "b", "porosity=0.6:0.01;permeability_mD=500:2%", 2) };
        var chains = Benchmark.ConditioningBenchmark.Run(targets, ["golden", "random"], 150, new TwoPropertyGenerator(), model, new PropertyNeeds(true, [Pnm.Flow.FlowAxis.Z]));
        // every chain's runs, plus one run of its final cube for the realism tables
        Assert.Equal(chains.Sum(c => c.ForwardRuns) + chains.Count, model.Runs);
        Assert.All(chains, c => Assert.InRange(c.ForwardRuns, 1, c.Evaluations));
        Assert.Contains(chains, c => c.ForwardRuns < c.Evaluations);
    }

    [Fact]
    public void ThePapersDescentAndSinglePropertyChainsAreNeverScreened()
    {
        // the descent reads the error of every candidate (a slope), so it needs them all; without a
        // porosity target, or without a network to save, there is nothing to screen
        foreach (var (policy, text) in new[] { ("paper", "porosity=0.3:0.01;permeability_mD=700:2%"), ("golden", "permeability_mD=700:2%"), ("golden", "porosity=0.3:0.01") })
        {
            var chain = new ConditioningChain(5, TargetSet.Parse([text]), 8, () => SearchPolicies.Parse(policy), 60);
            var model = new CountingTwoPropertyModel();
            ChainRunner.Run(chain, new TwoPropertyGenerator(), model);
            Assert.Equal(0, chain.ScreenedOut);
            Assert.Equal(chain.State.Evaluations, model.Runs);
        }
    }

    [Fact]
    public void SameSeedGivesTheSameTrace()
    {
        var a = Run(11, Porosity(0.6)).Trace;
        var b = Run(11, Porosity(0.6)).Trace;
        Assert.Equal(a.Select(r => (r.Step, r.T, r.Error, r.Evaluations)), b.Select(r => (r.Step, r.T, r.Error, r.Evaluations)));
        var c = Run(12, Porosity(0.6)).Trace;
        Assert.NotEqual(a.Select(r => r.T), c.Select(r => r.T));
    }

    [Theory]
    [InlineData("golden")]
    [InlineData("paper")]
    [InlineData("sphere")]
    public void ResumingFromAnySavedStateEqualsTheUninterruptedRun(string policy)
    {
        var targets = Porosity(0.85, 0.002);
        var (full, trace) = Run(3, targets, policy);
        Assert.True(trace.Count > 3);
        // stop after two accepted steps, keep only the state, continue in a fresh chain
        var partial = new ConditioningChain(3, targets, 8, () => SearchPolicies.Parse(policy), 200);
        var gen = new FakeGenerator(); var fwd = new PorosityOnly();
        while (true)
        {
            var b = partial.Next()!; // accepts the finished step before proposing the next one
            if (partial.State.Step >= 2) break;
            partial.Report(b, gen.Generate(b.Latents).Select(v => (Pnm.RockProperties?)fwd.Evaluate(v, PropertyNeeds.ImageOnly)).ToList());
        }
        var saved = partial.State with { Latent = (float[])partial.State.Latent.Clone() };
        var (resumed, _) = Run(3, targets, policy, from: saved);
        Assert.Equal(full.State.Status, resumed.State.Status);
        Assert.Equal(full.State.Step, resumed.State.Step);
        Assert.Equal(full.State.Evaluations, resumed.State.Evaluations);
        Assert.Equal(full.State.Latent, resumed.State.Latent);
    }

    [Fact]
    public void ErrorNeverIncreases()
    {
        var (_, trace) = Run(21, TargetSet.Parse(["porosity=0.5:0.0001"]), max: 60);
        for (int i = 1; i < trace.Count; i++) Assert.True(trace[i].Error <= trace[i - 1].Error, $"step {trace[i].Step}: {trace[i].Error} > {trace[i - 1].Error}");
    }

    [Fact]
    public void UnreachableTargetEndsAsNotReachedWithTheBestFound()
    {
        var (chain, trace) = Run(4, Porosity(0.99, 0.001), max: 50);
        Assert.Equal(ChainStatus.NotReached, chain.State.Status);
        Assert.True(chain.State.Evaluations <= 50);
        Assert.True(chain.State.Properties["porosity"] > 0.8, "the best found should head towards the target");
        Assert.True(double.IsFinite(chain.State.Error));
    }

    [Fact]
    public void TheSpherePolicySpreadsItsFirstRoundOverTheSphereAndThenRingsTheBest()
    {
        var policy = new SphereSearch();
        var rng = new Random(4);
        var first = policy.NextPoints(rng, [], 10);
        Assert.Equal(8, first.Count);
        Assert.All(first, p => Assert.Equal(1, p.A * p.A + p.B * p.B + p.C * p.C, 12));
        Assert.All(first, p => Assert.True(p.A < 0.99, "the first round never re-evaluates the current state"));
        Assert.Contains(first, p => p.A < -0.5); // both hemispheres, the far side included
        Assert.Contains(first, p => p.A > 0.5);
        // nearest-neighbour distances of a good spread are alike (a lattice, not a clump)
        var nearest = first.Select(p => first.Where(q => q != p).Max(q => p.A * q.A + p.B * q.B + p.C * q.C)).Select(Math.Acos).ToList();
        Assert.True(nearest.Min() > 0.5 * nearest.Max(), string.Join(", ", nearest));

        var seen = first.Select((p, i) => (p, i == 5 ? 1.0 : 9.0)).ToList();
        var ring = policy.NextPoints(rng, seen, 10);
        Assert.Equal(4, ring.Count);
        double radius = 0.5 * Math.Sqrt(4 * Math.PI / 8);
        foreach (var p in ring)
        {
            Assert.Equal(1, p.A * p.A + p.B * p.B + p.C * p.C, 12);
            Assert.Equal(Math.Cos(radius), p.A * first[5].A + p.B * first[5].B + p.C * first[5].C, 9); // on the ring about the best
        }
        seen.AddRange(ring.Select(p => (p, 5.0)));
        var smaller = policy.NextPoints(rng, seen, 10);
        Assert.All(smaller, p => Assert.Equal(Math.Cos(radius * 0.381966), p.A * first[5].A + p.B * first[5].B + p.C * first[5].C, 9));
        seen.AddRange(smaller.Select(p => (p, 5.0)));
        Assert.Empty(policy.NextPoints(rng, seen, 10)); // three rounds
        Assert.Throws<NotSupportedException>(() => policy.NextRound(rng, [], 1));
    }

    [Fact]
    public void SphereCandidatesAreTheStateAndTwoDirectionsOnTheUnitSphere()
    {
        var targets = TargetSet.Parse(["porosity=0.93:0.001"]);
        var chain = new ConditioningChain(6, targets, 8, () => SearchPolicies.Parse("sphere"), 200);
        var gen = new FakeGenerator(); var fwd = new PorosityOnly();
        var b0 = chain.Next()!;
        chain.Report(b0, fwd.Evaluate(gen.Generate(b0.Latents)[0], PropertyNeeds.ImageOnly) is var r0 ? [r0] : []);
        var z = chain.State.Latent;
        var batch = chain.Next()!;
        Assert.NotNull(batch.Points);
        var u1 = ConditioningChain.Draw(6, 1, 8);
        var u2 = ConditioningChain.DrawSecond(6, 1, 8);
        Assert.NotEqual(u1, u2);
        for (int i = 0; i < batch.Latents.Count; i++)
        {
            var p = batch.Points![i];
            Assert.Equal(ConditioningChain.Combine(z, u1, u2, p), batch.Latents[i]);
            Assert.Equal(Math.Acos(p.A), batch.Angles[i], 12);
        }
        // with c = 0 the two-direction combination is the one-direction chain's
        Assert.Equal(ConditioningChain.Combine(z, u1, 0.7), ConditioningChain.Combine(z, u1, u2, new SpherePoint(Math.Cos(0.7), Math.Sin(0.7), 0)));
    }

    [Fact]
    public void TheSpherePolicyReachesJointTargets()
    {
        foreach (var (phi, k, seed) in new[] { (0.3, 700.0, 1L), (0.55, 450.0, 2L), (0.2, 900.0, 3L) })
        {
            var targets = TargetSet.Parse([string.Create(System.Globalization.CultureInfo.InvariantCulture, $"porosity={phi}:0.01;permeability_mD={k}:2%")]);
            var chain = new ConditioningChain(seed, targets, 8, () => SearchPolicies.Parse("sphere"), 300);
            ChainRunner.Run(chain, new TwoPropertyGenerator(), new CountingTwoPropertyModel());
            Assert.Equal(ChainStatus.Succeeded, chain.State.Status);
        }
    }

    [Fact]
    public void CandidatesStayStandardNormal()
    {
        // z cos t + u sin t of independent N(0, I) vectors is N(0, I) for every t
        const int n = 20000;
        var rng = new Random(1);
        double sum = 0, sumSq = 0;
        for (int i = 0; i < n; i++)
        {
            var z = ConditioningChain.Draw(i, 0, 4);
            var u = ConditioningChain.Draw(i, 1, 4);
            var c = ConditioningChain.Combine(z, u, (rng.NextDouble() * 2 - 1) * Math.PI);
            foreach (var x in c) { sum += x; sumSq += x * x; }
        }
        double mean = sum / (4 * n), variance = sumSq / (4 * n) - mean * mean;
        Assert.InRange(mean, -0.02, 0.02);
        Assert.InRange(variance, 0.97, 1.03);
        // so is a z + b u₁ + c u₂ on the unit sphere
        sum = 0; sumSq = 0;
        for (int i = 0; i < n; i++)
        {
            var p = SpherePoint.Normalised(rng.NextDouble() * 2 - 1, rng.NextDouble() * 2 - 1, rng.NextDouble() * 2 - 1);
            var c = ConditioningChain.Combine(ConditioningChain.Draw(i, 0, 4), ConditioningChain.Draw(i, 1, 4), ConditioningChain.DrawSecond(i, 1, 4), p);
            foreach (var x in c) { sum += x; sumSq += x * x; }
        }
        mean = sum / (4 * n); variance = sumSq / (4 * n) - mean * mean;
        Assert.InRange(mean, -0.02, 0.02);
        Assert.InRange(variance, 0.97, 1.03);
        // and a chain's accepted latents keep a typical norm (sqrt(latent size) ± a few)
        var (chain, _) = Run(8, Porosity(0.7));
        double norm = Math.Sqrt(chain.State.Latent.Sum(x => (double)x * x));
        Assert.InRange(norm, 0.5, 6);
    }

    [Theory]
    [InlineData("porosity=NaN:0.01")]
    [InlineData("porosity=1.2:0.01")]
    [InlineData("porosity=0.2:0")]
    [InlineData("porosity=0.2:-1")]
    [InlineData("permeability_mD=-5:1")]
    [InlineData("colour=3:1")]
    [InlineData("porosity0.2")]
    [InlineData("porosity=0.2:0.01;porosity=0.3:0.01")]
    public void BadTargetsAreRefused(string text)
    {
        Assert.Throws<BadInputException>(() => TargetSet.Parse([text]));
    }

    [Fact]
    public void JointTargetsParseAndNeedTheNetworkOnlyWhenAsked()
    {
        var t = TargetSet.Parse(["porosity=0.2:0.01;permeability_mD_x=150:15"]);
        Assert.Equal(2, t.Targets.Count);
        Assert.True(t.Needs.Network);
        Assert.Equal([Pnm.Flow.FlowAxis.X], t.Needs.Axes);
        Assert.False(Porosity(0.2).Needs.Network);
    }
}
