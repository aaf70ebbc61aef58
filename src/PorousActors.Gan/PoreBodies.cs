using PorousActors.Core;
using PorousActors.Pnm.Extraction;

namespace PorousActors.Gan;

/// <summary>
/// A cube's pore bodies as the forward model sees them: the mean inscribed pore diameter of its SNOW
/// network (voxels), and that mean's sensitivity to each voxel being pore, for the pore-body
/// training term. Pore p's inscribed radius R_p is the distance from its centre c_p (the region's
/// deepest voxel) to the nearest wall, so it shrinks when a pore voxel just inside the inscribed
/// sphere (R_p − 1 ≤ |v − c_p| &lt; R_p) closes and grows when the solid just outside it
/// (|v − c_p| &lt; R_p + 1) opens. Closing (opening) a whole shell moves R_p by about a voxel, so
/// each shell voxel gets (2 / P) / (shell size): the linearisation of mean = Σ 2R_p / P.
/// </summary>
public static class PoreBodies
{
    const double Tolerance = 1e-4; // voxels: the distance map is float
    /// <summary>The cube's mean inscribed pore diameter in voxels (NaN without pores) and, when
    /// <paramref name="slope"/> is given (length of <paramref name="pore"/>), ∂mean/∂pore(v) written into it.</summary>
    public static double MeanDiameter(byte[] pore, int nz, int ny, int nx, float[]? slope = null)
    {
        var snow = SnowExtractor.Extract(new Volume(nz, ny, nx, 1.0, pore));
        var net = snow.Network;
        int count = net.PoreCount;
        if (slope is not null) Array.Clear(slope);
        if (count == 0) return double.NaN;
        double mean = net.PoreInscribedDiameter.Average();
        if (slope is null) return mean;

        // each pore's centre: its region's deepest voxel of the distance map
        var regions = snow.Regions;
        var dt = snow.DistanceMap;
        int maxLabel = net.PoreRegionLabel.Max();
        var poreOfLabel = new int[maxLabel + 1];
        Array.Fill(poreOfLabel, -1);
        for (int p = 0; p < count; p++) poreOfLabel[net.PoreRegionLabel[p]] = p;
        var centre = new int[count];
        var depth = new float[count];
        Array.Fill(centre, -1);
        for (int i = 0; i < regions.Length; i++)
        {
            int label = regions[i];
            if (label <= 0 || label > maxLabel || pore[i] == 0) continue;
            int p = poreOfLabel[label];
            if (p >= 0 && dt[i] > depth[p]) { depth[p] = dt[i]; centre[p] = i; }
        }

        var shells = new Shells(nz, ny, nx);
        for (int p = 0; p < count; p++)
            if (centre[p] >= 0)
                // a shell's closing or opening moves the diameter by ~2 voxels, one pore in P of the mean
                shells.Add(pore, regions, net.PoreRegionLabel[p], centre[p], net.PoreInscribedDiameter[p] / 2, 2.0 / count, slope);
        return mean;
    }

    /// <summary>The two shells about a centre whose distance to the nearest wall is r: pore voxels with
    /// r − 1 ≤ d &lt; r (optionally only those of one region) and solid voxels with d &lt; r + 1. Closing
    /// the first or opening the second moves that distance by about a voxel; <see cref="Add"/> spreads
    /// a given change of the measured mean over each shell's voxels. With <c>wallOnly</c> the inner
    /// shell keeps only pore voxels that touch solid by a face: about a throat the sphere of radius r
    /// spans the whole neck, and closing all of it would cut the neck rather than narrow it.</summary>
    internal sealed class Shells(int nz, int ny, int nx)
    {
        readonly List<int> inner = new(), outer = new();

        /// <param name="label">region the inner shell must lie in (0: any pore voxel)</param>
        /// <param name="change">how much the mean moves when one whole shell flips</param>
        public void Add(byte[] pore, int[] regions, int label, int centre, double r, double change, float[] slope, bool wallOnly = false)
        {
            int plane = ny * nx;
            int cz = centre / plane, cy = centre / nx % ny, cx = centre % nx, reach = (int)Math.Ceiling(r + 1);
            inner.Clear(); outer.Clear();
            for (int z = Math.Max(0, cz - reach); z <= Math.Min(nz - 1, cz + reach); z++)
                for (int y = Math.Max(0, cy - reach); y <= Math.Min(ny - 1, cy + reach); y++)
                    for (int x = Math.Max(0, cx - reach); x <= Math.Min(nx - 1, cx + reach); x++)
                    {
                        double d = Math.Sqrt((z - cz) * (z - cz) + (y - cy) * (y - cy) + (x - cx) * (x - cx));
                        int i = z * plane + y * nx + x;
                        // r is a float distance: the wall voxels that set it lie at d ≈ r, either side
                        if (pore[i] == 0) { if (d < r + 1) outer.Add(i); }
                        else if (d >= r - 1 && d < r - Tolerance && (label == 0 || regions[i] == label) && (!wallOnly || TouchesSolid(pore, z, y, x, i))) inner.Add(i);
                    }
            if (inner.Count > 0) { float s = (float)(change / inner.Count); foreach (int i in inner) slope[i] += s; }
            if (outer.Count > 0) { float s = (float)(change / outer.Count); foreach (int i in outer) slope[i] += s; }
        }

        bool TouchesSolid(byte[] pore, int z, int y, int x, int i)
        {
            int plane = ny * nx;
            return (x > 0 && pore[i - 1] == 0) || (x < nx - 1 && pore[i + 1] == 0) || (y > 0 && pore[i - nx] == 0)
                || (y < ny - 1 && pore[i + nx] == 0) || (z > 0 && pore[i - plane] == 0) || (z < nz - 1 && pore[i + plane] == 0);
        }
    }
}
