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
    public static double Connected(Volume v, int axis) => ConnectedAll(v)[axis];

    /// <summary>Connected porosity along z, y and x from one labelling of the face-connected pore
    /// clusters (union–find over the three backward neighbours, then each cluster's faces).</summary>
    public static double[] ConnectedAll(Volume v)
    {
        int nz = v.Nz, ny = v.Ny, nx = v.Nx;
        var d = v.Data;
        var sets = new UnionFind(d.Length);
        int plane = ny * nx;
        for (int z = 0; z < nz; z++)
            for (int y = 0; y < ny; y++)
            {
                int row = z * plane + y * nx;
                for (int x = 0; x < nx; x++)
                {
                    int i = row + x;
                    if (d[i] == 0) continue;
                    if (x > 0 && d[i - 1] != 0) sets.Union(i, i - 1);
                    if (y > 0 && d[i - nx] != 0) sets.Union(i, i - nx);
                    if (z > 0 && d[i - plane] != 0) sets.Union(i, i - plane);
                }
            }
        // faces each cluster touches: bit 2a = first plane along axis a, bit 2a+1 = last
        var faces = new byte[d.Length];
        for (int z = 0; z < nz; z++)
            for (int y = 0; y < ny; y++)
                for (int x = 0; x < nx; x++)
                {
                    int i = (z * ny + y) * nx + x;
                    if (d[i] == 0) continue;
                    int f = (z == 0 ? 1 : 0) | (z == nz - 1 ? 2 : 0) | (y == 0 ? 4 : 0) | (y == ny - 1 ? 8 : 0) | (x == 0 ? 16 : 0) | (x == nx - 1 ? 32 : 0);
                    if (f != 0) faces[sets.Find(i)] |= (byte)f;
                }
        var connected = new long[3];
        for (int i = 0; i < d.Length; i++)
        {
            if (d[i] == 0) continue;
            int f = faces[sets.Find(i)];
            for (int a = 0; a < 3; a++) if ((f >> (2 * a) & 3) == 3) connected[a]++;
        }
        return [connected[0] / (double)v.Count, connected[1] / (double)v.Count, connected[2] / (double)v.Count];
    }
}
