namespace PorousActors.Core;

/// <summary>
/// How many threads the numeric kernels of the calling thread may use. Unlimited by default (one
/// analysis uses every core); a simulation worker caps it, because the campaign already runs one
/// evaluation per core and more threads would only oversubscribe the machine (and starve the
/// remoting heartbeats that keep a node in its cluster).
/// </summary>
public static class KernelParallelism
{
    [ThreadStatic] static int cap;
    static readonly ParallelOptions Unlimited = new();

    /// <summary>Options every kernel's Parallel.For passes.</summary>
    public static ParallelOptions Options => cap > 0 ? new ParallelOptions { MaxDegreeOfParallelism = cap } : Unlimited;

    /// <summary>Caps the calling thread's kernels at <paramref name="threads"/> until disposed.</summary>
    public static IDisposable Cap(int threads)
    {
        int previous = cap;
        cap = Math.Max(1, threads);
        return new Restore(previous);
    }

    sealed class Restore(int previous) : IDisposable
    {
        public void Dispose() => cap = previous;
    }
}
