using System.Diagnostics;
using System.Globalization;
using PorousActors.Core;
using PorousActors.Pnm;

namespace PorousActors.Conditioning.Benchmark;

/// <summary>One benchmark target: a group (e.g. "porosity" or "porosity+k"), its target set and the
/// chain seed shared by every method.</summary>
public sealed record BenchmarkTarget(string Group, string Id, string Targets, long Seed);

/// <summary>One chain of the benchmark. <c>Accepted</c> holds every property of the final cube (it is
/// regenerated from the final latent and evaluated once more, not counted as an evaluation).
/// <c>Evaluations</c> counts candidates; <c>ForwardRuns</c> those that got the full forward model
/// (the rest were screened out by porosity: <see cref="ConditioningChain.Screen"/>).</summary>
public sealed record BenchmarkChain(string Group, string Id, string Method, string Targets, long Seed, bool Succeeded, int Evaluations,
    double Seconds, float[] Latent, RockProperties? Accepted, int ForwardRuns);

/// <summary>
/// Conditioning benchmark, measured the way the field should: targets spread over the real rock's
/// own 10–90 % band (from real sub-cubes through the same forward model), tolerances at the paper's
/// relative widths, and several search policies run on the same targets and seeds with the same
/// evaluation budget, random sampling among them as the baseline. Success rate and evaluations to
/// success are the measures; the final error inside ±τ is not (it restates the tolerance).
/// </summary>
public static class ConditioningBenchmark
{
    /// <summary>The paper's tolerances as a fraction of its target range (0.01/0.16, 0.1/1.5, 0.05/0.6
    /// µm) and 7.5 % relative for permeability (the paper's ±15 mD on 100–300 mD is 5–15 %).</summary>
    public static readonly IReadOnlyDictionary<string, double> BandFraction = new Dictionary<string, double>
    {
        ["porosity"] = 0.0625, ["meanPoreDiameter_m"] = 0.067, ["meanThroatDiameter_m"] = 0.083,
    };
    public const double PermeabilityRelativeTolerance = 0.075;


    static string Short(string property) => RockPropertyCatalog.Find(property)?.ShortName ?? property;

    static string TargetText(string property, double value, IReadOnlyDictionary<string, (double P10, double P90)> bands) =>
        property.StartsWith("permeability_mD")
            ? string.Create(CultureInfo.InvariantCulture, $"{property}={value:G6}:{PermeabilityRelativeTolerance * 100:G3}%")
            : string.Create(CultureInfo.InvariantCulture, $"{property}={value:G6}:{BandFraction[property] * (bands[property].P90 - bands[property].P10):G4}");

    /// <summary>
    /// Single targets at evenly spaced quantiles of the real cubes' values inside their 10–90 % band,
    /// and joint targets taken whole from real cubes whose values all lie inside their bands.
    /// </summary>
    public static List<BenchmarkTarget> Targets(IReadOnlyList<RockProperties> real, IReadOnlyList<string> singles,
        IReadOnlyList<string[]> joints, int perGroup, int seed, out Dictionary<string, (double P10, double P90)> bands)
    {
        var all = singles.Concat(joints.SelectMany(j => j)).Distinct().ToList();
        bands = [];
        foreach (var p in all)
        {
            var v = PropertyBands.Usable(real.Select(r => r.Get(p)), p);
            bands[p] = (Quantiles.Of(v, 0.10), Quantiles.Of(v, 0.90));
        }
        var list = new List<BenchmarkTarget>();
        // chain seeds depend on (seed, group, index) only, so a group's chains are the same whichever groups run
        static long ChainSeed(int seed, string group, int i) => seed * 100_000L + group.Aggregate(7, (h, c) => (h * 31 + c) % 97) * 1000L + i + 1;
        foreach (var p in singles)
        {
            var v = PropertyBands.Usable(real.Select(r => r.Get(p)), p);
            for (int i = 0; i < perGroup; i++)
            {
                double q = 0.10 + 0.80 * (i + 0.5) / perGroup;
                list.Add(new BenchmarkTarget(p, $"{Short(p)}{i + 1:D2}", TargetText(p, Quantiles.Of(v, q), bands), ChainSeed(seed, p, i)));
            }
        }
        foreach (var j in joints)
        {
            var rng = new Random(seed + string.Join("+", j).Length);
            var b = bands;
            var inside = real.Where(r => j.All(p => r.Get(p) is var x && double.IsFinite(x) && x >= b[p].P10 && x <= b[p].P90)).ToList();
            if (inside.Count == 0) throw new BadInputException($"no real cube has {string.Join(" and ", j)} inside their 10–90 % bands");
            var picks = inside.OrderBy(_ => rng.Next()).Take(perGroup).ToList();
            string group = string.Join("+", j.Select(Short));
            for (int i = 0; i < picks.Count; i++)
                list.Add(new BenchmarkTarget(group, $"{group.Replace('+', '_')}{i + 1:D2}", string.Join(";", j.Select(p => TargetText(p, picks[i].Get(p), b))), ChainSeed(seed, group, i)));
        }
        return list;
    }



    /// <summary>A benchmark method: a search policy, and with the suffix "+prior" (e.g. golden+prior) the
    /// same policy run within z given the targets (<see cref="LatentPrior"/>).</summary>
    public static (string Policy, bool UsesPrior) ParseMethod(string method)
    {
        bool prior = method.EndsWith("+prior", StringComparison.OrdinalIgnoreCase);
        string policy = prior ? method[..^"+prior".Length] : method;
        SearchPolicies.Parse(policy); // refuses an unknown policy
        policy = policy.Trim().ToLowerInvariant();
        return (policy, prior);
    }

    /// <summary>Whether a method's policy chooses its candidates by a latent surrogate.</summary>
    public static bool UsesSurrogate(string method) => SearchPolicies.Parse(ParseMethod(method).Policy) is SurrogateChoice;

    /// <summary>Runs every target with every method (same seed, same budget), in-process. Methods with
    /// "+prior" need <paramref name="prior"/>.</summary>
    public static List<BenchmarkChain> Run(IReadOnlyList<BenchmarkTarget> targets, IReadOnlyList<string> methods, int budget,
        IGenerator generator, IForwardModel forward, PropertyNeeds allProperties, Action<BenchmarkChain, int, int>? progress = null,
        LatentPrior? prior = null, LatentSurrogate? surrogate = null)
    {
        foreach (var m in methods)
        {
            if (ParseMethod(m).UsesPrior && prior is null) throw new BadInputException($"method {m} needs a latent prior (--prior)");
            if (UsesSurrogate(m) && surrogate is null) throw new BadInputException($"method {m} needs a latent surrogate (--surrogate)");
        }
        var results = new List<BenchmarkChain>();
        int total = targets.Count * methods.Count;
        foreach (var method in methods)
            foreach (var t in targets)
            {
                var ts = TargetSet.Parse([t.Targets]);
                var (policy, usesPrior) = ParseMethod(method);
                var chain = new ConditioningChain(t.Seed, ts, generator.LatentSize, () => SearchPolicies.Parse(policy), budget,
                    usesPrior ? prior!.Condition(ts, generator.LatentSize) : null) { Surrogate = UsesSurrogate(method) ? surrogate : null };
                var sw = Stopwatch.StartNew();
                ChainRunner.Run(chain, generator, forward);
                double seconds = sw.Elapsed.TotalSeconds;
                RockProperties? accepted = null;
                try { accepted = forward.Evaluate(generator.Generate([chain.State.Latent])[0], allProperties); }
                catch (Exception e) when (e is not OperationCanceledException) { }
                var r = new BenchmarkChain(t.Group, t.Id, method, t.Targets, t.Seed, chain.State.Status == ChainStatus.Succeeded,
                    chain.State.Evaluations, seconds, chain.State.Latent, accepted, chain.State.Evaluations - chain.ScreenedOut);
                results.Add(r);
                progress?.Invoke(r, results.Count, total);
            }
        return results;
    }
}
