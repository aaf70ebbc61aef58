using PorousActors.Conditioning;
using PorousActors.Core;
using PorousActors.Pnm;

namespace PorousActors.Actors.Tests;

/// <summary>A generator whose cube porosity is a known smooth function of the latent:
/// φ = 0.05 + 0.9 Φ(mean of z / 0.5)... bounded in (0.05, 0.95), so 0.99 is unreachable.</summary>
public sealed class FakeGenerator(int latentSize = 8, int size = 12) : IGenerator
{
    public int LatentSize => latentSize;
    public int Calls;

    public static double PorosityOf(float[] z) => 0.05 + 0.9 * NormalCdf(z.Take(3).Sum() / Math.Sqrt(3));

    public IReadOnlyList<Volume> Generate(IReadOnlyList<float[]> latents)
    {
        Interlocked.Increment(ref Calls);
        return latents.Select(z =>
        {
            var v = new Volume(size, size, size, 1e-6);
            int n = (int)Math.Round(PorosityOf(z) * v.Count);
            for (int i = 0; i < n; i++) v.Data[i] = 1;
            return v;
        }).ToList();
    }

    static double NormalCdf(double x) => 0.5 * (1 + Erf(x / Math.Sqrt(2)));

    static double Erf(double x)
    {
        // Abramowitz-Stegun 7.1.26
        double t = 1 / (1 + 0.3275911 * Math.Abs(x));
        double y = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-x * x);
        return x >= 0 ? y : -y;
    }
}

/// <summary>Porosity only, straight from the voxels.</summary>
public sealed class PorosityOnly : IForwardModel
{
    public RockProperties Evaluate(Volume v, PropertyNeeds needs) => new PnmForwardModel().Evaluate(v, PropertyNeeds.ImageOnly);
}

/// <summary>Records the size of every generator call.</summary>
public sealed class RecordingGenerator(IGenerator inner, int delayMs = 0) : IGenerator
{
    public readonly System.Collections.Concurrent.ConcurrentQueue<int> BatchSizes = new();
    public int LatentSize => inner.LatentSize;
    public IReadOnlyList<Volume> Generate(IReadOnlyList<float[]> latents)
    {
        if (delayMs > 0) Thread.Sleep(delayMs);
        BatchSizes.Enqueue(latents.Count);
        return inner.Generate(latents);
    }
}

/// <summary>Throws for the first <paramref name="failures"/> calls on each cube (by content), then works.</summary>
public sealed class FlakyForwardModel(int failures) : IForwardModel
{
    readonly System.Collections.Concurrent.ConcurrentDictionary<long, int> calls = new();
    public int TotalCalls;
    public RockProperties Evaluate(Volume v, PropertyNeeds needs)
    {
        Interlocked.Increment(ref TotalCalls);
        long key = v.PoreVoxelCount();
        int n = calls.AddOrUpdate(key, 1, (_, c) => c + 1);
        if (n <= failures) throw new InvalidOperationException($"simulated crash {n} on cube {key}");
        return new PorosityOnly().Evaluate(v, needs);
    }
}
