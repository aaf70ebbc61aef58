namespace PorousActors.Core.Metrics;

/// <summary>
/// Specific surface area S/V in 1/m: area of the marching-cubes iso-surface (level 0.5) of the pore
/// phase divided by the bulk volume of the image, the estimator PoreSpy and scikit-image use. The
/// image is not padded, so the faces of the image box are not counted as surface.
/// </summary>
public static class SpecificSurface
{
    /// <summary>Iso-surface area in voxel units (multiply by voxelSize² for m²).</summary>
    public static double AreaVoxels(Volume v)
    {
        if (v.Nz < 2 || v.Ny < 2 || v.Nx < 2) return 0;
        var table = MarchingCubesArea.Table;
        int ny = v.Ny, nx = v.Nx;
        var d = v.Data;
        var partial = new double[v.Nz - 1];
        Parallel.For(0, v.Nz - 1, z =>
        {
            double a = 0;
            for (int y = 0; y < ny - 1; y++)
            {
                int r00 = (z * ny + y) * nx, r01 = r00 + nx, r10 = r00 + ny * nx, r11 = r10 + nx;
                for (int x = 0; x < nx - 1; x++)
                {
                    int cfg = d[r00 + x] | d[r00 + x + 1] << 1 | d[r01 + x] << 2 | d[r01 + x + 1] << 3
                            | d[r10 + x] << 4 | d[r10 + x + 1] << 5 | d[r11 + x] << 6 | d[r11 + x + 1] << 7;
                    a += table[cfg];
                }
            }
            partial[z] = a;
        });
        return partial.Sum();
    }

    public static double Compute(Volume v) => AreaVoxels(v) * v.VoxelSize * v.VoxelSize / (v.Count * Math.Pow(v.VoxelSize, 3));
}
