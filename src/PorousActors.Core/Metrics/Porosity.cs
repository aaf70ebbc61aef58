namespace PorousActors.Core.Metrics;

public static class Porosity
{
    /// <summary>Pore voxel fraction φ (dimensionless).</summary>
    public static double Compute(Volume v) => v.PoreVoxelCount() / (double)v.Count;

    /// <summary>Porosity of each slice normal to <paramref name="axis"/> (0 = z, 1 = y, 2 = x), in order.</summary>
    public static double[] Profile(Volume v, int axis)
    {
        int n = axis switch { 0 => v.Nz, 1 => v.Ny, 2 => v.Nx, _ => throw new ArgumentOutOfRangeException(nameof(axis)) };
        var count = new long[n];
        var d = v.Data;
        for (int z = 0; z < v.Nz; z++)
            for (int y = 0; y < v.Ny; y++)
            {
                int row = (z * v.Ny + y) * v.Nx;
                for (int x = 0; x < v.Nx; x++)
                    if (d[row + x] != 0) count[axis == 0 ? z : axis == 1 ? y : x]++;
            }
        long perSlice = v.Count / n;
        return count.Select(c => (double)c / perSlice).ToArray();
    }

    /// <summary>
    /// Connected (percolating) porosity along an axis: the fraction of the volume in pore clusters
    /// (face-connected, as flow needs) that touch both faces normal to the axis. Isolated and
    /// dead-end-free clusters that span nothing do not carry flow and are left out.
    /// </summary>
    public static double Connected(Volume v, int axis)
    {
        var fromInlet = Reach(v, axis, inlet: true);
        var fromOutlet = Reach(v, axis, inlet: false);
        long n = 0;
        for (int i = 0; i < fromInlet.Length; i++) if (fromInlet[i] && fromOutlet[i]) n++;
        return (double)n / v.Count;
    }

    /// <summary>Pore voxels face-connected to the inlet (or outlet) face of an axis.</summary>
    static bool[] Reach(Volume v, int axis, bool inlet)
    {
        int nz = v.Nz, ny = v.Ny, nx = v.Nx;
        var d = v.Data;
        var seen = new bool[d.Length];
        var queue = new Queue<int>();
        int last = axis switch { 0 => nz - 1, 1 => ny - 1, _ => nx - 1 };
        int face = inlet ? 0 : last;
        for (int z = 0; z < nz; z++)
            for (int y = 0; y < ny; y++)
                for (int x = 0; x < nx; x++)
                {
                    int c = axis == 0 ? z : axis == 1 ? y : x;
                    if (c != face) continue;
                    int i = (z * ny + y) * nx + x;
                    if (d[i] != 0 && !seen[i]) { seen[i] = true; queue.Enqueue(i); }
                }
        while (queue.Count > 0)
        {
            int i = queue.Dequeue();
            int x = i % nx, y = i / nx % ny, z = i / (nx * ny);
            void Visit(int j) { if (d[j] != 0 && !seen[j]) { seen[j] = true; queue.Enqueue(j); } }
            if (x > 0) Visit(i - 1);
            if (x < nx - 1) Visit(i + 1);
            if (y > 0) Visit(i - nx);
            if (y < ny - 1) Visit(i + nx);
            if (z > 0) Visit(i - nx * ny);
            if (z < nz - 1) Visit(i + nx * ny);
        }
        return seen;
    }
}
