using PorousActors.Conditioning;
using PorousActors.Core;
using PorousActors.Pnm;

namespace PorousActors.Actors.Tests;

// FakeGenerator and PorosityOnly are shared with the conditioning tests (linked in the project file).

/// <summary>Records the size of every generator call.</summary>
public sealed class RecordingGenerator(IGenerator inner, int delayMs = 0) : IGenerator
{
    public readonly System.Collections.Concurrent.ConcurrentQueue<int> BatchSizes = new();
    /// <summary>Once this many cubes were made, further batches wait for <see cref="Release"/>
    /// (a test can stop a chain mid-run however slow the machine is).</summary>
    public int PauseAfter { get; init; } = int.MaxValue;
    readonly ManualResetEventSlim released = new(false);
    public void Release() => released.Set();
    public int LatentSize => inner.LatentSize;
    public IReadOnlyList<Volume> Generate(IReadOnlyList<float[]> latents)
    {
        if (BatchSizes.Sum() >= PauseAfter) released.Wait(TimeSpan.FromMinutes(1));
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
        return new PorousActors.Conditioning.Tests.PorosityOnly().Evaluate(v, needs);
    }
}
