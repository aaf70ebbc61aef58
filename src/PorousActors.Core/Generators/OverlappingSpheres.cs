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

/// <summary>
/// The same Boolean model for images too large for memory, written to a .raw file slab by slab:
/// the grain count is fixed in advance from the model's law φ = exp(−n·E[V]) (n grains per voxel,
/// E[V] the mean grain volume) instead of adding grains until the porosity is reached, so the
/// porosity is the target in expectation (the file's own is measured and returned). Grain centres
/// are uniform in the box and a margin around it (a stationary model: unlike
/// <see cref="OverlappingSpheres"/>, faces are covered as densely as the interior). Deterministic for a seed and
/// independent of the slab depth.
/// </summary>
public static class StreamedSpheres
{
    public static double Write(string rawPath, int nz, int ny, int nx, double porosity, double radius, int seed, double voxelSize, double radiusSpread = 0,
        int slabDepth = 64, Action<int, int>? progress = null)
    {
        if (!(porosity > 0 && porosity < 1)) throw new BadInputException($"porosity must be in (0, 1), got {porosity}");
        if (!(radius >= 0.5)) throw new BadInputException($"grain radius must be at least 0.5 voxel, got {radius}");
        if (!(radiusSpread >= 0)) throw new BadInputException($"radius spread must be >= 0, got {radiusSpread}");
        if ((long)ny * nx * slabDepth > Array.MaxLength) slabDepth = (int)Math.Max(1, Array.MaxLength / ((long)ny * nx));
        // E[r³] of the log-normal with mean r: r³·exp(3s²)
        double meanVolume = 4.0 / 3 * Math.PI * radius * radius * radius * Math.Exp(3 * radiusSpread * radiusSpread);
        long voxels = (long)nz * ny * nx;
        // centres also fall in a margin around the box, so grains cut by a face cover it as in the
        // interior (without it the porosity rises near the faces)
        double margin = radius * Math.Exp(2 * radiusSpread) + 1;
        double extended = (nz + 2 * margin) * (ny + 2 * margin) * (nx + 2 * margin);
        long grains = (long)Math.Round(-Math.Log(porosity) * extended / meanVolume);
        if (grains > 1L << 31) throw new BadInputException($"{grains} grains would not fit in memory; use larger grains or a smaller image");
        var rng = new Random(seed);
        var g = new (float Z, float Y, float X, float R)[grains];
        for (long i = 0; i < grains; i++)
        {
            double r = radiusSpread > 0 ? radius * Math.Exp(radiusSpread * StandardNormal.Next(rng) - 0.5 * radiusSpread * radiusSpread) : radius;
            g[i] = ((float)(rng.NextDouble() * (nz + 2 * margin) - margin), (float)(rng.NextDouble() * (ny + 2 * margin) - margin),
                (float)(rng.NextDouble() * (nx + 2 * margin) - margin), (float)Math.Max(0.5, r));
        }
        Array.Sort(g, (a, b) => (a.Z - a.R).CompareTo(b.Z - b.R));
        // grains are sorted by their lowest plane: one whose lowest plane lies more than the largest
        // diameter below a slab cannot reach it, nor can any before it
        float reach = grains == 0 ? 0 : 2 * g.Max(x => x.R) + 1;
        var buffer = new byte[(long)slabDepth * ny * nx];
        long pore = 0;
        long first = 0;
        using (var fs = new FileStream(rawPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            for (int z0 = 0; z0 < nz; z0 += slabDepth)
            {
                int depth = Math.Min(slabDepth, nz - z0);
                var slab = buffer.AsSpan(0, depth * ny * nx);
                slab.Fill(1);
                for (long i = first; i < grains && g[i].Z - g[i].R <= z0 + depth; i++)
                    Carve(buffer, z0, depth, ny, nx, g[i].Z, g[i].Y, g[i].X, g[i].R);
                while (first < grains && g[first].Z - g[first].R + reach < z0) first++;
                foreach (byte b in slab) pore += b;
                fs.Write(slab);
                progress?.Invoke(z0 + depth, nz);
            }
        }
        new IO.VolumeSidecar([nz, ny, nx], "uint8", voxelSize, 1).Write(IO.VolumeSidecar.PathFor(rawPath));
        return pore / (double)voxels;
    }

    static void Carve(byte[] d, int z0, int depth, int ny, int nx, double cz, double cy, double cx, double r)
    {
        double r2 = r * r;
        int za = Math.Max(z0, (int)Math.Floor(cz - r)), zb = Math.Min(z0 + depth - 1, (int)Math.Ceiling(cz + r));
        int y0 = Math.Max(0, (int)Math.Floor(cy - r)), y1 = Math.Min(ny - 1, (int)Math.Ceiling(cy + r));
        int x0 = Math.Max(0, (int)Math.Floor(cx - r)), x1 = Math.Min(nx - 1, (int)Math.Ceiling(cx + r));
        for (int z = za; z <= zb; z++)
        {
            double dz = z + 0.5 - cz;
            for (int y = y0; y <= y1; y++)
            {
                double dy = y + 0.5 - cy, rem = r2 - dz * dz - dy * dy;
                if (rem < 0) continue;
                int row = ((z - z0) * ny + y) * nx;
                for (int x = x0; x <= x1; x++)
                {
                    double dx = x + 0.5 - cx;
                    if (dx * dx <= rem) d[row + x] = 0;
                }
            }
        }
    }
}
