namespace PorousActors.Core.Metrics;

public static class Porosity
{
    /// <summary>Pore voxel fraction φ (dimensionless).</summary>
    public static double Compute(Volume v) => v.PoreVoxelCount() / (double)v.Count;

    /// <summary>Porosity of each slice normal to <paramref name="axis"/> (0 = z, 1 = y, 2 = x), in order.</summary>
    public static double[] Profile(Volume v, int axis)
    {
        if (axis is < 0 or > 2) throw new ArgumentOutOfRangeException(nameof(axis));
        return Profiles(v)[axis];
    }

    /// <summary>The porosity profiles along z, y and x from one pass over the image, planes in
    /// parallel (three serial passes, one per axis, were most of the profiles-and-S2 stage and did not
    /// use the second core).</summary>
    public static double[][] Profiles(Volume v)
    {
        int nz = v.Nz, ny = v.Ny, nx = v.Nx;
        var d = v.Data;
        var cz = new long[nz];
        long[] cy = new long[ny], cx = new long[nx];
        var sync = new object();
        Parallel.For(0, nz, KernelParallelism.Options, () => (Y: new long[ny], X: new long[nx]), (z, _, local) =>
        {
            long inPlane = 0;
            for (int y = 0; y < ny; y++)
            {
                var row = d.AsSpan((z * ny + y) * nx, nx);
                long inRow = 0;
                for (int x = 0; x < row.Length; x++)
                {
                    int pore = row[x] != 0 ? 1 : 0;
                    local.X[x] += pore;
                    inRow += pore;
                }
                local.Y[y] += inRow;
                inPlane += inRow;
            }
            cz[z] = inPlane;
            return local;
        }, local =>
        {
            lock (sync)
            {
                for (int y = 0; y < ny; y++) cy[y] += local.Y[y];
                for (int x = 0; x < nx; x++) cx[x] += local.X[x];
            }
        });
        return [.. new[] { cz, cy, cx }.Select(c => c.Select(n => (double)n / (v.Count / c.Length)).ToArray())];
    }

    /// <summary>
    /// Connected (percolating) porosity along an axis: the fraction of the volume in pore clusters
    /// (face-connected, as flow needs) that touch both faces normal to the axis. Isolated and
    /// dead-end-free clusters that span nothing do not carry flow and are left out.
    /// </summary>
    public static double Connected(Volume v, int axis) => ConnectedAll(v)[axis];

    /// <summary>Connected porosity along z, y and x from one labelling of the face-connected pore
    /// clusters (union–find over the three backward neighbours, then each cluster's faces).
    /// The union–find runs on z-slabs in parallel, then joins the slabs at their boundary planes:
    /// within a slab every root is a voxel of that slab (roots are the smallest index), so the
    /// slabs touch disjoint parts of the parent array. The counting pass runs in parallel too; its
    /// path halving only ever points a voxel at one of its ancestors, which is safe to race.</summary>
    public static double[] ConnectedAll(Volume v)
    {
        int nz = v.Nz, ny = v.Ny, nx = v.Nx;
        var d = v.Data;
        var sets = new UnionFind(d.Length, makeSets: false);
        int plane = ny * nx;
        int slabs = Math.Clamp(nz / 8, 1, 4 * Environment.ProcessorCount);
        int Start(int s) => (int)((long)nz * s / slabs);
        Parallel.For(0, slabs, KernelParallelism.Options, s =>
        {
            int z1 = Start(s + 1);
            sets.MakeSets(Start(s) * plane, z1 * plane); // the slab's unions touch only its own voxels
            for (int z = Start(s); z < z1; z++)
                for (int y = 0; y < ny; y++)
                {
                    int row = z * plane + y * nx;
                    for (int x = 0; x < nx; x++)
                    {
                        int i = row + x;
                        if (d[i] == 0) continue;
                        if (x > 0 && d[i - 1] != 0) sets.Union(i, i - 1);
                        if (y > 0 && d[i - nx] != 0) sets.Union(i, i - nx);
                        if (z > Start(s) && d[i - plane] != 0) sets.Union(i, i - plane);
                    }
                }
        });
        for (int s = 1; s < slabs; s++)
        {
            int z = Start(s);
            for (int i = z * plane, end = i + plane; i < end; i++)
                if (d[i] != 0 && d[i - plane] != 0) sets.Union(i, i - plane);
        }
        // faces each cluster touches (bit 2a = first plane along axis a, bit 2a+1 = last): only the
        // voxels on the image's faces have any
        var faces = new byte[d.Length];
        void Mark(int z, int y, int x)
        {
            int i = (z * ny + y) * nx + x;
            if (d[i] == 0) return;
            int f = (z == 0 ? 1 : 0) | (z == nz - 1 ? 2 : 0) | (y == 0 ? 4 : 0) | (y == ny - 1 ? 8 : 0) | (x == 0 ? 16 : 0) | (x == nx - 1 ? 32 : 0);
            faces[sets.Find(i)] |= (byte)f;
        }
        for (int z = 0; z < nz; z++)
            for (int y = 0; y < ny; y++)
            {
                if (z == 0 || z == nz - 1 || y == 0 || y == ny - 1) { for (int x = 0; x < nx; x++) Mark(z, y, x); continue; }
                Mark(z, y, 0);
                if (nx > 1) Mark(z, y, nx - 1);
            }
        var connected = new long[3];
        var sync = new object();
        Parallel.For(0, slabs, KernelParallelism.Options, s =>
        {
            long c0 = 0, c1 = 0, c2 = 0;
            for (int i = Start(s) * plane, end = Start(s + 1) * plane; i < end; i++)
            {
                if (d[i] == 0) continue;
                int f = faces[sets.Find(i)];
                if ((f & 3) == 3) c0++;
                if ((f >> 2 & 3) == 3) c1++;
                if ((f >> 4 & 3) == 3) c2++;
            }
            lock (sync) { connected[0] += c0; connected[1] += c1; connected[2] += c2; }
        });
        return [connected[0] / (double)v.Count, connected[1] / (double)v.Count, connected[2] / (double)v.Count];
    }
}
