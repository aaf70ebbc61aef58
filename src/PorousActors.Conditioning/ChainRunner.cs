using System.Diagnostics;
using PorousActors.Pnm;

namespace PorousActors.Conditioning;

/// <summary>Drives one chain in-process: generator batch → forward model per candidate → report,
/// until the chain finishes. The actor runtime does the same across many chains and workers.
/// Candidates the chain's screen leaves out get no forward run (<paramref name="screen"/>: false
/// evaluates every one, for comparison).</summary>
public static class ChainRunner
{
    public static IReadOnlyList<TraceRow> Run(ConditioningChain chain, IGenerator generator, IForwardModel forward,
        Action<TraceRow>? onStep = null, CancellationToken cancel = default, bool screen = true)
    {
        var trace = new List<TraceRow>();
        var sw = Stopwatch.StartNew();
        var needs = chain.Targets.Needs;
        int lastStep = -1; int lastEvals = -1;
        while (true)
        {
            if (cancel.IsCancellationRequested) { chain.Cancel(); break; }
            var batch = chain.Next();
            if (batch is null) break;
            var cubes = generator.Generate(batch.Latents);
            var results = new RockProperties?[cubes.Count];
            var need = screen ? chain.Screen(batch, cubes) : null;
            for (int i = 0; i < cubes.Count; i++)
            {
                if (need is not null && !need[i]) continue; // cannot change the chain's course: no forward run
                try { results[i] = forward.Evaluate(cubes[i], needs); }
                catch (Exception e) when (e is not OperationCanceledException) { results[i] = null; }
            }
            chain.Report(batch, results);
            var s = chain.State;
            if (s.Step != lastStep || (s.Step == 0 && s.Evaluations != lastEvals))
            {
                var row = new TraceRow(s.Step, s.T, s.Error, s.Properties, s.Evaluations, sw.Elapsed.TotalSeconds);
                trace.Add(row);
                onStep?.Invoke(row);
                lastStep = s.Step; lastEvals = s.Evaluations;
            }
        }
        return trace;
    }
}
