using PorousActors.Conditioning;
using PorousActors.Core;
using PorousActors.Pnm;
using PorousActors.Pnm.Flow;

namespace PorousActors.Conditioning.Tests;

/// <summary>Joint targets keep a winning cube; permeability keys have one meaning; relative and log-scale tolerances.</summary>
public class TargetMeaningTests
{
    static RockProperties Props(double porosity, params (FlowAxis Axis, double MilliDarcy)[] k) => new()
    {
        Porosity = porosity, SpecificSurfacePerM = 1, EulerCharacteristic26 = 0, EulerCharacteristic6 = 0, PoreCount = 1, ThroatCount = 1,
        MeanPoreDiameterM = 1, MeanPoreEquivalentDiameterM = 1, MeanThroatDiameterM = 1, MeanThroatEquivalentDiameterM = 1, CoordinationNumber = 1,
        Permeability = k.Select(a => new PermeabilityResult(a.Axis, a.MilliDarcy * PermeabilityResult.M2PerMilliDarcy, 0, 1, 1, 0, 1, null)).ToList(),
        TimingsMs = new Dictionary<string, double>(),
    };

    [Fact]
    public void JointTargetsPreferTheCandidateThatMeetsEveryTarget()
    {
        var targets = TargetSet.Parse(["porosity=0.20:0.01;permeability_mD_z=1000:100"]);
        var chain = new ConditioningChain(1, targets, 8, () => SearchPolicies.Parse("golden"), 100);
        var first = chain.Next()!;
        chain.Report(first, [Props(0.30, (FlowAxis.Z, 3000))]);
        var batch = chain.Next()!;
        Assert.True(batch.Latents.Count >= 2);
        // candidate 0 misses porosity by 1.1 tolerances but hits k exactly: summed error 1.21;
        // candidate 1 meets both at 0.9 tolerances each: summed error 1.62 (k on its log scale ≈ 0.9 too)
        var misses = Props(0.211, (FlowAxis.Z, 1000));
        var meets = Props(0.209, (FlowAxis.Z, 1089));
        Assert.True(targets.Error(misses) < targets.Error(meets));
        Assert.False(targets.Satisfied(misses));
        Assert.True(targets.Satisfied(meets));
        var results = new RockProperties?[batch.Latents.Count];
        for (int i = 0; i < results.Length; i++) results[i] = i == 1 ? meets : misses;
        chain.Report(batch, results);
        Assert.Equal(ChainStatus.Succeeded, chain.State.Status);
        Assert.Equal(0.209, chain.State.Properties["porosity"], 12);
        Assert.Equal(ConditioningChain.Combine(ConditioningChain.Draw(1, 0, 8), ConditioningChain.Draw(1, 1, 8), batch.Angles[1]), chain.State.Latent);
    }

    [Fact]
    public void PermeabilityKeysHaveOneMeaning()
    {
        var p = Props(0.2, (FlowAxis.Z, 100), (FlowAxis.Y, 0), (FlowAxis.X, 500));
        Assert.Equal(100, p.Get("permeability_mD"), 9);      // always along z
        Assert.Equal(100, p.Get("permeability_mD_z"), 9);
        Assert.Equal(500, p.Get("permeability_mD_x"), 9);
        Assert.Equal(200, p.Get("permeability_mD_mean"), 9); // arithmetic mean of the computed axes, zeros included
        var onlyX = Props(0.2, (FlowAxis.X, 500));
        Assert.True(double.IsNaN(onlyX.Get("permeability_mD"))); // not k_x under another name
        Assert.Equal([FlowAxis.Z], TargetSet.Parse(["permeability_mD=800:80"]).Needs.Axes);
        Assert.Equal([FlowAxis.Z, FlowAxis.X], TargetSet.Parse(["permeability_mD=800:80;permeability_mD_x=500:50"]).Needs.Axes);
        Assert.Equal(3, TargetSet.Parse(["permeability_mD_mean=800:80"]).Needs.Axes.Count);
    }

    [Fact]
    public void RelativeToleranceIsParsedAndPrintedBack()
    {
        var t = Target.Parse("permeability_mD=800:7.5%");
        Assert.Equal(60, t.Tolerance, 9);
        Assert.Equal("permeability_mD=800:7.5%", t.ToString());
        Assert.Equal(t, Target.Parse(t.ToString()));
        Assert.Throws<BadInputException>(() => Target.Parse("permeability_mD=800:-5%"));
        Assert.Throws<BadInputException>(() => Target.Parse("permeability_mD=0:5%"));
    }

    [Theory]
    [InlineData(100)]
    [InlineData(5000)]
    public void LogScaleMakesRelativeTargetsEquallyHard(double k)
    {
        var t = Target.Parse($"permeability_mD={k}:7.5%");
        // 7.5 % above the target is one tolerance on the log scale, whatever the magnitude
        Assert.Equal(1, t.NormalisedError(k * 1.075), 9);
        Assert.Equal(-1, t.NormalisedError(k / 1.075), 9);
        Assert.Equal(0.5, Target.Parse("porosity=0.2:0.01").NormalisedError(0.205), 9);
    }
}

public class PolicyTests
{
    static TargetSet Porosity(double v, double tol = 0.005) => TargetSet.Parse([$"porosity={v}:{tol}"]);

    [Fact]
    public void RandomSamplingProposesOnlyFreshIndependentLatents()
    {
        var chain = new ConditioningChain(3, Porosity(0.93), 8, () => SearchPolicies.Parse("random"), 30);
        var first = chain.Next()!;
        chain.Report(first, ChainRunner_Evaluate(first));
        for (int n = 1; n <= 5 && !chain.Finished; n++)
        {
            var b = chain.Next()!;
            Assert.Single(b.Latents);
            // z cos(π/2) + u_n sin(π/2) = u_n: the step's own fresh draw
            var u = ConditioningChain.Draw(3, b.Step, 8);
            for (int i = 0; i < 8; i++) Assert.Equal(u[i], b.Latents[0][i], 5);
            chain.Report(b, ChainRunner_Evaluate(b));
        }
    }

    [Fact]
    public void AdaptivePolicyNeedsNoMoreEvaluationsThanGoldenOnAFarTarget()
    {
        int Evals(string policy) => Enumerable.Range(1, 8).Sum(seed =>
        {
            var chain = new ConditioningChain(seed, Porosity(0.85), 8, () => SearchPolicies.Parse(policy), 300);
            ChainRunner.Run(chain, new FakeGenerator(), new PorosityOnly());
            Assert.Equal(ChainStatus.Succeeded, chain.State.Status);
            return chain.State.Evaluations;
        });
        Assert.True(Evals("adaptive") <= Evals("golden"), $"adaptive {Evals("adaptive")} vs golden {Evals("golden")}");
    }

    static IReadOnlyList<Pnm.RockProperties?> ChainRunner_Evaluate(CandidateBatch b) =>
        new FakeGenerator().Generate(b.Latents).Select(v => (Pnm.RockProperties?)new PorosityOnly().Evaluate(v, PropertyNeeds.ImageOnly)).ToList();
}
