namespace PorousActors.Core.Metrics;

/// <summary>
/// Geometric tortuosity along an axis: the shortest path through the pore space from the inlet
/// plane to each outlet voxel (26-connected steps of length 1, √2 or √3, Dijkstra), divided by the
/// straight distance between the planes, averaged over the outlet voxels the inlet reaches. A
/// straight channel gives 1; NaN when no path crosses.
/// </summary>
public static class GeometricTortuosity
{
    public static double Compute(Volume v, int axis)
    {
        int nz = v.Nz, ny = v.Ny, nx = v.Nx;
        int[] dims = [nz, ny, nx];
        int last = dims[axis] - 1;
        if (last == 0) return double.NaN;
        var dist = new float[v.Data.Length];
        Array.Fill(dist, float.PositiveInfinity);
        var queue = new PriorityQueue<int, float>();
        for (int z = 0; z < nz; z++)
            for (int y = 0; y < ny; y++)
                for (int x = 0; x < nx; x++)
                {
                    int c = axis == 0 ? z : axis == 1 ? y : x;
                    int i = (z * ny + y) * nx + x;
                    if (c == 0 && v.Data[i] != 0) { dist[i] = 0; queue.Enqueue(i, 0); }
                }
        Span<float> step = stackalloc float[4];
        step[1] = 1; step[2] = MathF.Sqrt(2); step[3] = MathF.Sqrt(3);
        while (queue.TryDequeue(out int p, out float d))
        {
            if (d > dist[p]) continue;
            int z = p / (ny * nx), y = p / nx % ny, x = p % nx;
            for (int dz = -1; dz <= 1; dz++)
                for (int dy = -1; dy <= 1; dy++)
                    for (int dx = -1; dx <= 1; dx++)
                    {
                        int k = Math.Abs(dz) + Math.Abs(dy) + Math.Abs(dx);
                        if (k == 0) continue;
                        int zz = z + dz, yy = y + dy, xx = x + dx;
                        if ((uint)zz >= (uint)nz || (uint)yy >= (uint)ny || (uint)xx >= (uint)nx) continue;
                        int q = (zz * ny + yy) * nx + xx;
                        if (v.Data[q] == 0) continue;
                        float nd = d + step[k];
                        if (nd < dist[q]) { dist[q] = nd; queue.Enqueue(q, nd); }
                    }
        }
        double sum = 0;
        long reached = 0;
        for (int z = 0; z < nz; z++)
            for (int y = 0; y < ny; y++)
                for (int x = 0; x < nx; x++)
                {
                    int c = axis == 0 ? z : axis == 1 ? y : x;
                    int i = (z * ny + y) * nx + x;
                    if (c == last && float.IsFinite(dist[i])) { sum += dist[i]; reached++; }
                }
        return reached == 0 ? double.NaN : sum / reached / last;
    }
}
