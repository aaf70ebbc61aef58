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

        int plane = ny * nx;
        var inner = new List<int>();
        var outer = new List<int>();
        for (int p = 0; p < count; p++)
        {
            if (centre[p] < 0) continue;
            double r = net.PoreInscribedDiameter[p] / 2;
            int cz = centre[p] / plane, cy = centre[p] / nx % ny, cx = centre[p] % nx, reach = (int)Math.Ceiling(r + 1);
            int label = net.PoreRegionLabel[p];
            inner.Clear(); outer.Clear();
            for (int z = Math.Max(0, cz - reach); z <= Math.Min(nz - 1, cz + reach); z++)
                for (int y = Math.Max(0, cy - reach); y <= Math.Min(ny - 1, cy + reach); y++)
                    for (int x = Math.Max(0, cx - reach); x <= Math.Min(nx - 1, cx + reach); x++)
                    {
                        double d = Math.Sqrt((z - cz) * (z - cz) + (y - cy) * (y - cy) + (x - cx) * (x - cx));
                        int i = z * plane + y * nx + x;
                        // R_p is a float distance: the wall voxels that set it lie at d ≈ R_p, either side
                        if (pore[i] == 0) { if (d < r + 1) outer.Add(i); }
                        else if (d >= r - 1 && d < r - Tolerance && regions[i] == label) inner.Add(i);
                    }
            // a shell's closing or opening moves the diameter by ~2 voxels, one pore in P of the mean
            if (inner.Count > 0) { float s = (float)(2.0 / count / inner.Count); foreach (int i in inner) slope[i] += s; }
            if (outer.Count > 0) { float s = (float)(2.0 / count / outer.Count); foreach (int i in outer) slope[i] += s; }
        }
        return mean;
    }
}
