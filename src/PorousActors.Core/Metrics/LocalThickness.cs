using PorousActors.Core.Filters;

namespace PorousActors.Core.Metrics;

/// <summary>
/// Local thickness of the pore phase (Hildebrand & Rüegsegger 1997; PoreSpy's local_thickness):
/// each pore voxel gets the radius of the largest ball that contains it and fits in the pore space.
/// For each whole radius R, from the largest down: the centres that admit a ball of radius R are
/// the voxels with distance-to-solid ≥ R; every voxel closer than R to such a centre lies in such a
/// ball. Radii are whole voxels, so a pore-size distribution has one bin per voxel of radius.
/// </summary>
public static class LocalThickness
{
    /// <returns>radius (voxels) per voxel, 0 in solid and in pore voxels no ball of radius ≥ 1 covers</returns>
    public static int[] Radii(Volume v)
    {
        var dt = DistanceTransform.Compute(v);
        float top = 0;
        foreach (float d in dt) if (float.IsFinite(d) && d > top) top = d;
        var radius = new int[dt.Length];
        var seeds = new byte[dt.Length];
        for (int R = (int)top; R >= 1; R--)
        {
            // distance to the nearest centre of radius ≥ R: the transform of the image whose
            // "solid" is those centres
            for (int i = 0; i < dt.Length; i++) seeds[i] = dt[i] >= R ? (byte)0 : (byte)1;
            var toCentre = DistanceTransform.Compute(seeds, v.Nz, v.Ny, v.Nx);
            for (int i = 0; i < dt.Length; i++)
                if (radius[i] == 0 && v.Data[i] != 0 && toCentre[i] < R) radius[i] = R;
        }
        return radius;
    }

    /// <summary>Pore-size distribution by volume: fraction of the pore voxels whose local thickness
    /// diameter is 2R, for R = 1 … max (index R; index 0 = pore voxels no ball covers).</summary>
    public static double[] VolumeFractions(Volume v, int[] radii)
    {
        int max = 0;
        foreach (int r in radii) if (r > max) max = r;
        var f = new double[max + 1];
        long pore = 0;
        for (int i = 0; i < radii.Length; i++) if (v.Data[i] != 0) { f[radii[i]]++; pore++; }
        for (int r = 0; r <= max; r++) f[r] /= Math.Max(1, pore);
        return f;
    }
}
