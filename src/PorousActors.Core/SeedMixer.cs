namespace PorousActors.Core;

/// <summary>
/// Derives independent, reproducible seeds from a base seed and counters (SplitMix64 finaliser).
/// Unlike HashCode.Combine, which is randomised per process, the result is the same in every
/// process, so a chain or a training run resumed elsewhere draws the same numbers.
/// </summary>
public static class SeedMixer
{
    public static int Derive(long seed, long a, long b = 0)
    {
        ulong x = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)a);
        x = Mix(x);
        x = Mix(x ^ unchecked((ulong)b * 0xBF58476D1CE4E5B9UL));
        return (int)(x & 0x7FFFFFFF);
    }

    static ulong Mix(ulong z)
    {
        z = unchecked(z + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }
}
