using PorousActors.Core;
using PorousActors.Pnm.Extraction;

namespace PorousActors.Gan;

/// <summary>
/// A cube's throats as the forward model sees them: the mean inscribed throat diameter of its SNOW
/// network (voxels), and that mean's sensitivity to each voxel being pore, for the throat training
/// term. A throat between regions i and j is the voxels of each that touch the other by a face; its
/// diameter is the sum of the two sides' largest distance to solid (<c>NetworkAccumulator</c>). Each
/// side's largest distance is set by its deepest interface voxel c, and moves by about a voxel when
/// the wall-lining pore just inside the sphere about c closes (the neck narrows; the sphere spans the
/// whole neck, so closing all of it would cut the neck instead) or the solid just outside it opens,
/// so each shell voxel gets (1 / T) / (shell size): the linearisation of mean = Σ (d_low + d_high) / T.
/// </summary>
public static class Throats
{
    /// <summary>The cube's mean inscribed throat diameter in voxels (NaN without throats) and, when
    /// <paramref name="slope"/> is given (length of <paramref name="pore"/>), ∂mean/∂pore(v) written into it.</summary>
    public static double MeanDiameter(byte[] pore, int nz, int ny, int nx, float[]? slope = null)
    {
        var snow = SnowExtractor.Extract(new Volume(nz, ny, nx, 1.0, pore));
        var net = snow.Network;
        if (slope is not null) Array.Clear(slope);
        if (net.ThroatCount == 0) return double.NaN;
        double mean = net.ThroatInscribedDiameter.Average();   // the forward model's own value
        if (slope is null) return mean;
        // only the slope needs the voxels that set each throat's diameter
        var sides = DeepestInterfaceVoxels(snow.Regions, snow.DistanceMap, pore, nz, ny, nx);
        var shells = new PoreBodies.Shells(nz, ny, nx);
        double change = 1.0 / net.ThroatCount;   // one side's distance moves one throat in T by a voxel
        foreach (var (low, high) in sides.Values)
        {
            shells.Add(pore, snow.Regions, 0, low, snow.DistanceMap[low], change, slope, wallOnly: true);
            shells.Add(pore, snow.Regions, 0, high, snow.DistanceMap[high], change, slope, wallOnly: true);
        }
        return mean;
    }

    /// <summary>For each pair of face-adjacent regions (key: lower label &lt;&lt; 32 | higher label), the
    /// voxel of largest distance among the lower region's voxels that touch the higher one, and the
    /// same on the higher region's side: the two voxels that set the throat's inscribed diameter.</summary>
    internal static Dictionary<long, (int Low, int High)> DeepestInterfaceVoxels(int[] regions, float[] dt, byte[] pore, int nz, int ny, int nx)
    {
        var sides = new Dictionary<long, (int Low, int High)>();
        Span<int> nbr = stackalloc int[6];
        for (int z = 0; z < nz; z++)
            for (int y = 0; y < ny; y++)
                for (int x = 0; x < nx; x++)
                {
                    int q = (z * ny + y) * nx + x;
                    int j = regions[q];
                    if (j <= 0 || pore[q] == 0) continue;
                    int nn = FaceNeighbours.Of(q, z, y, x, nz, ny, nx, nbr);
                    for (int n = 0; n < nn; n++)
                    {
                        int i = regions[nbr[n]];
                        if (i <= 0 || i == j) continue;
                        long key = (long)Math.Min(i, j) << 32 | (uint)Math.Max(i, j);
                        var s = sides.TryGetValue(key, out var found) ? found : (Low: -1, High: -1);
                        if (j > i) { if (s.High < 0 || dt[q] > dt[s.High]) s.High = q; }
                        else if (s.Low < 0 || dt[q] > dt[s.Low]) s.Low = q;
                        sides[key] = s;
                    }
                }
        return sides;
    }
}
