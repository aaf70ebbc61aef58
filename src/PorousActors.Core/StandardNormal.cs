namespace PorousActors.Core;

/// <summary>
/// Standard normal draws (Box–Muller on System.Random): the same numbers for a seed in every
/// process, which grain packs, Gaussian fields, latents and conditioning chains rely on.
/// </summary>
public static class StandardNormal
{
    public static double Next(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>A vector of independent N(0, 1) values, e.g. a latent z ~ N(0, I).</summary>
    public static float[] Vector(Random rng, int length)
    {
        var z = new float[length];
        for (int i = 0; i < length; i++) z[i] = (float)Next(rng);
        return z;
    }
}
