namespace PorousActors.Core;

/// <summary>Positions of the non-zero elements of a span, found with the runtime's vectorised search:
/// for sparse marks (peaks, watershed markers) far faster than testing every element.</summary>
public static class NonZero
{
    /// <summary>Index of the first non-zero element at or after <paramref name="from"/>, or −1.</summary>
    public static int Next<T>(ReadOnlySpan<T> span, int from) where T : unmanaged, IEquatable<T>
    {
        if (from >= span.Length) return -1;
        int k = span[from..].IndexOfAnyExcept(default(T));
        return k < 0 ? -1 : from + k;
    }
}
