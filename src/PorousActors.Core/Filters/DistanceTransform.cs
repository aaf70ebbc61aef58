namespace PorousActors.Core.Filters;

/// <summary>
/// Exact Euclidean distance transform of the pore phase (Felzenszwalb and Huttenlocher 2012):
/// three separable passes of the 1-D squared-distance lower envelope, each linear in the line
/// length and parallel over lines. Each pore voxel gets its distance, in voxels, to the centre of
/// the nearest solid voxel (so a pore voxel touching solid has distance 1, as SciPy and PoreSpy);
/// solid voxels get 0. The image border is not solid; lines with no solid at all stay infinite.
/// </summary>
public static class DistanceTransform
{
    const double Inf = double.PositiveInfinity;

    public static float[] Compute(Volume v) => Compute(v.Data, v.Nz, v.Ny, v.Nx);

    /// <param name="parallel">false for small images computed inside an outer parallel loop</param>
    public static float[] Compute(byte[] pore, int nz, int ny, int nx, bool parallel = true)
    {
        var po = new ParallelOptions { MaxDegreeOfParallelism = parallel ? -1 : 1 };
        int n = pore.Length;
        var sq = new double[n];
        for (int i = 0; i < n; i++) sq[i] = pore[i] != 0 ? Inf : 0;
        int maxLen = Math.Max(nz, Math.Max(ny, nx));

        // Pass along x: one line per (z, y).
        Parallel.For(0, nz, po, () => new Scratch(maxLen), (z, _, s) =>
        {
            for (int y = 0; y < ny; y++) s.Line(sq, (z * ny + y) * nx, 1, nx);
            return s;
        }, _ => { });
        // Pass along y: one line per (z, x).
        Parallel.For(0, nz, po, () => new Scratch(maxLen), (z, _, s) =>
        {
            for (int x = 0; x < nx; x++) s.Line(sq, z * ny * nx + x, nx, ny);
            return s;
        }, _ => { });
        // Pass along z: one line per (y, x).
        Parallel.For(0, ny, po, () => new Scratch(maxLen), (y, _, s) =>
        {
            for (int x = 0; x < nx; x++) s.Line(sq, y * nx + x, ny * nx, nz);
            return s;
        }, _ => { });

        var dist = new float[n];
        for (int i = 0; i < n; i++) dist[i] = (float)Math.Sqrt(sq[i]);
        return dist;
    }

    /// <summary>Per-thread buffers for one line: no allocation inside the passes.</summary>
    sealed class Scratch(int len)
    {
        readonly double[] f = new double[len];
        readonly double[] d = new double[len];
        readonly int[] v = new int[len];
        readonly double[] zb = new double[len + 1];

        public void Line(double[] data, int start, int stride, int len)
        {
            int sites = 0;
            for (int q = 0; q < len; q++)
            {
                double val = data[start + q * stride];
                f[q] = val;
                if (!double.IsPositiveInfinity(val)) sites++;
            }
            if (sites == 0) return;

            // Lower envelope of the parabolas rooted at the finite sites.
            int k = -1;
            for (int q = 0; q < len; q++)
            {
                if (double.IsPositiveInfinity(f[q])) continue;
                if (k < 0) { k = 0; v[0] = q; zb[0] = double.NegativeInfinity; zb[1] = Inf; continue; }
                int p = v[k];
                double s = ((f[q] + (double)q * q) - (f[p] + (double)p * p)) / (2.0 * (q - p));
                while (s <= zb[k])
                {   // zb[0] is -inf, so this stops at k = 0 at the latest
                    k--;
                    p = v[k];
                    s = ((f[q] + (double)q * q) - (f[p] + (double)p * p)) / (2.0 * (q - p));
                }
                k++;
                v[k] = q; zb[k] = s; zb[k + 1] = Inf;
            }
            k = 0;
            for (int q = 0; q < len; q++)
            {
                while (zb[k + 1] < q) k++;
                double dq = q - v[k];
                d[q] = dq * dq + f[v[k]];
            }
            for (int q = 0; q < len; q++) data[start + q * stride] = d[q];
        }
    }
}
