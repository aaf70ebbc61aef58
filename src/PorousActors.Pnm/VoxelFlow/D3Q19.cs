namespace PorousActors.Pnm.VoxelFlow;

/// <summary>
/// The D3Q19 lattice: a rest velocity, 6 face and 12 edge neighbours, with their weights.
/// Components are (c0, c1, c2) in the flow domain's axis order (c0 along the flow). Directions come
/// in opposite pairs: 2k+1 and 2k+2 for k = 0..8, which the two-relaxation-time collision uses.
/// </summary>
public static class D3Q19
{
    public const int Q = 19;
    public const double Cs2 = 1.0 / 3.0; // lattice speed of sound squared: p = cs² ρ

    public static readonly int[] C0 = [0, 1, -1, 0, 0, 0, 0, 1, -1, 1, -1, 1, -1, 1, -1, 0, 0, 0, 0];
    public static readonly int[] C1 = [0, 0, 0, 1, -1, 0, 0, 1, -1, -1, 1, 0, 0, 0, 0, 1, -1, 1, -1];
    public static readonly int[] C2 = [0, 0, 0, 0, 0, 1, -1, 0, 0, 0, 0, 1, -1, -1, 1, 1, -1, -1, 1];
    public static readonly double[] W = BuildWeights();

    /// <summary>The direction with the given components (each −1, 0 or 1; not every triple exists).</summary>
    public static int Find(int c0, int c1, int c2)
    {
        for (int q = 0; q < Q; q++) if (C0[q] == c0 && C1[q] == c1 && C2[q] == c2) return q;
        throw new ArgumentException($"({c0}, {c1}, {c2}) is not a D3Q19 velocity");
    }

    /// <summary>Index of the opposite direction.</summary>
    public static int Opposite(int q) => q == 0 ? 0 : (q % 2 == 1 ? q + 1 : q - 1);

    static double[] BuildWeights()
    {
        var w = new double[Q];
        for (int q = 0; q < Q; q++)
        {
            int n = Math.Abs(C0[q]) + Math.Abs(C1[q]) + Math.Abs(C2[q]);
            w[q] = n == 0 ? 1.0 / 3 : n == 1 ? 1.0 / 18 : 1.0 / 36;
        }
        return w;
    }
}
