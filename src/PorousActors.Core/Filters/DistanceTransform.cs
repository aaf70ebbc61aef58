namespace PorousActors.Core.Filters;

/// <summary>
/// Exact Euclidean distance transform of the pore phase (Felzenszwalb and Huttenlocher 2012):
/// three separable passes of the 1-D squared-distance lower envelope, each linear in the line
/// length and parallel over planes. Each pore voxel gets its distance, in voxels, to the centre of
/// the nearest solid voxel (so a pore voxel touching solid has distance 1, as SciPy and PoreSpy);
/// solid voxels get 0. The image border is not solid; lines with no solid at all stay infinite.
/// </summary>
public static class DistanceTransform
{
    public static float[] Compute(Volume v, Workspace? ws = null) => Compute(v.Data, v.Nz, v.Ny, v.Nx, ws: ws);

    /// <param name="parallel">false for small images computed inside an outer parallel loop</param>
    /// <param name="ws">where the result array comes from (null: a fresh one)</param>
    public static float[] Compute(byte[] pore, int nz, int ny, int nx, bool parallel = true, Workspace? ws = null)
    {
        // Squared distances stay exact in float: they are integers below 2^24 for images up to
        // ~2,300 voxels on a side. The envelope arithmetic itself runs in double.
        var sq = ws.Array<float>("distance", pore.Length, zeroed: false);
        var po = parallel ? KernelParallelism.Options : new ParallelOptions { MaxDegreeOfParallelism = 1 };
        // Along x the sites are the solid voxels themselves (value 0), so the lower envelope is just
        // the squared distance to the nearest solid in the row: two sweeps, read from the image.
        Parallel.For(0, nz, po, z =>
        {
            for (int y = 0; y < ny; y++) AlongRow(pore, sq, (z * ny + y) * nx, nx);
        });
        int maxLen = Math.Max(nz, Math.Max(ny, nx));
        SeparablePasses.Apply(sq, nz, ny, nx, 1, () => new Envelope(maxLen), parallel ? -1 : 1);
        SeparablePasses.Apply(sq, nz, ny, nx, 0, () => new Envelope(maxLen), parallel ? -1 : 1);
        Parallel.For(0, nz, po, z =>
        {
            var plane = sq.AsSpan(z * ny * nx, ny * nx);
            for (int i = 0; i < plane.Length; i++) plane[i] = MathF.Sqrt(plane[i]);
        });
        return sq;
    }

    /// <summary>Squared distance from each voxel of a row to the nearest solid voxel in that row
    /// (0 in solid, +∞ in a row without solid), as the envelope of the solid sites would give it.</summary>
    static void AlongRow(byte[] pore, float[] sq, int start, int len)
    {
        int last = -1; // nearest solid to the left
        for (int q = 0; q < len; q++)
        {
            if (pore[start + q] == 0) { last = q; sq[start + q] = 0; continue; }
            sq[start + q] = last < 0 ? float.PositiveInfinity : (float)((double)(q - last) * (q - last));
        }
        int next = -1; // nearest solid to the right
        for (int q = len - 1; q >= 0; q--)
        {
            if (pore[start + q] == 0) { next = q; continue; }
            if (next < 0) continue;
            float d = (float)((double)(next - q) * (next - q));
            if (d < sq[start + q]) sq[start + q] = d;
        }
    }

    /// <summary>1-D squared distance along one line; per-thread buffers, no allocation per line.</summary>
    sealed class Envelope(int len) : ILineKernel
    {
        readonly double[] f = new double[len];
        readonly int[] v = new int[len];
        readonly double[] zb = new double[len + 1];

        public void Run(Span<float> data, int start, int stride, int len)
        {
            int sites = 0;
            for (int q = 0; q < len; q++)
            {
                float val = data[start + q * stride];
                f[q] = val;
                if (!float.IsPositiveInfinity(val)) sites++;
            }
            if (sites == 0) return;

            // Lower envelope of the parabolas rooted at the finite sites.
            int k = -1;
            for (int q = 0; q < len; q++)
            {
                if (double.IsPositiveInfinity(f[q])) continue;
                if (k < 0) { k = 0; v[0] = q; zb[0] = double.NegativeInfinity; zb[1] = double.PositiveInfinity; continue; }
                int p = v[k];
                double s = ((f[q] + (double)q * q) - (f[p] + (double)p * p)) / (2.0 * (q - p));
                while (s <= zb[k])
                {   // zb[0] is -inf, so this stops at k = 0 at the latest
                    k--;
                    p = v[k];
                    s = ((f[q] + (double)q * q) - (f[p] + (double)p * p)) / (2.0 * (q - p));
                }
                k++;
                v[k] = q; zb[k] = s; zb[k + 1] = double.PositiveInfinity;
            }
            k = 0;
            for (int q = 0; q < len; q++)
            {
                while (zb[k + 1] < q) k++;
                double dq = q - v[k];
                data[start + q * stride] = (float)(dq * dq + f[v[k]]);
            }
        }
    }
}
