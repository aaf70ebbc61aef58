namespace PorousActors.Core.Generators;

/// <summary>
/// A grain pack of overlapping solid spheres (a Boolean model), the classic synthetic sandstone:
/// start from all pore, drop grains with uniformly random centres until the porosity falls to the
/// target. Radii are fixed (monodisperse) or drawn from a log-normal with the given spread
/// (polydisperse). Deterministic for a seed.
/// </summary>
public static class OverlappingSpheres
{
    /// <param name="radius">mean grain radius in voxels</param>
    /// <param name="radiusSpread">standard deviation of ln(radius); 0 = monodisperse</param>
    public static Volume Generate(int size, double porosity, double radius, int seed, double voxelSize, double radiusSpread = 0)
        => Generate(size, size, size, porosity, radius, seed, voxelSize, radiusSpread);

    public static Volume Generate(int nz, int ny, int nx, double porosity, double radius, int seed, double voxelSize, double radiusSpread = 0)
    {
        if (!(porosity > 0 && porosity < 1)) throw new BadInputException($"porosity must be in (0, 1), got {porosity}");
        if (!(radius >= 0.5)) throw new BadInputException($"grain radius must be at least 0.5 voxel, got {radius}");
        if (!(radiusSpread >= 0)) throw new BadInputException($"radius spread must be >= 0, got {radiusSpread}");
        var v = new Volume(nz, ny, nx, voxelSize);
        Array.Fill(v.Data, (byte)1);
        var rng = new Random(seed);
        long total = v.Count, pore = total;
        long targetPore = (long)Math.Round(porosity * total);
        while (pore > targetPore)
        {
            double r = radiusSpread > 0 ? radius * Math.Exp(radiusSpread * StandardNormal.Next(rng) - 0.5 * radiusSpread * radiusSpread) : radius;
            r = Math.Max(0.5, r);
            double cz = rng.NextDouble() * nz, cy = rng.NextDouble() * ny, cx = rng.NextDouble() * nx;
            pore -= Carve(v, cz, cy, cx, r);
        }
        return v;
    }

    /// <summary>Sets voxels whose centre lies within r of (cz, cy, cx) to solid; returns how many changed.</summary>
    static long Carve(Volume v, double cz, double cy, double cx, double r)
    {
        long changed = 0;
        double r2 = r * r;
        int z0 = Math.Max(0, (int)Math.Floor(cz - r)), z1 = Math.Min(v.Nz - 1, (int)Math.Ceiling(cz + r));
        int y0 = Math.Max(0, (int)Math.Floor(cy - r)), y1 = Math.Min(v.Ny - 1, (int)Math.Ceiling(cy + r));
        int x0 = Math.Max(0, (int)Math.Floor(cx - r)), x1 = Math.Min(v.Nx - 1, (int)Math.Ceiling(cx + r));
        var d = v.Data;
        for (int z = z0; z <= z1; z++)
        {
            double dz = z + 0.5 - cz;
            for (int y = y0; y <= y1; y++)
            {
                double dy = y + 0.5 - cy, rem = r2 - dz * dz - dy * dy;
                if (rem < 0) continue;
                int row = (z * v.Ny + y) * v.Nx;
                for (int x = x0; x <= x1; x++)
                {
                    double dx = x + 0.5 - cx;
                    if (dx * dx <= rem && d[row + x] != 0) { d[row + x] = 0; changed++; }
                }
            }
        }
        return changed;
    }
}
