using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace PorousActors.Core.Metrics;

/// <summary>
/// Two-point probability function S2(r) of the pore phase: the probability that two voxels r apart
/// (along an image axis) are both pore, averaged over the three axes and over all in-image pairs (no
/// periodic wrap). S2(0) is the porosity and S2 decays towards φ² beyond the correlation length: the
/// standard check of generated rock in the GAN literature (Mosser et al. 2017).
/// </summary>
public static class TwoPointCorrelation
{
    /// <returns>S2 at lags 0..maxLag voxels (maxLag at most the smallest edge − 1).</returns>
    public static double[] Compute(Volume v, int maxLag)
    {
        maxLag = Math.Min(maxLag, Math.Min(v.Nz, Math.Min(v.Ny, v.Nx)) - 1);
        var d = v.Data;
        int nz = v.Nz, ny = v.Ny, nx = v.Nx, plane = ny * nx;
        var hits = new long[maxLag + 1];
        var sync = new object();
        // One plane at a time, every lag while its data is in cache: rows (x) and the plane (y)
        // are read once for all lags; only the z pairs read the later planes again.
        Parallel.For(0, nz, KernelParallelism.Options, () => new long[maxLag + 1], (z, _, local) =>
        {
            int p0 = z * plane;
            for (int y = 0; y < ny; y++)
            {
                var row = d.AsSpan(p0 + y * nx, nx);
                for (int r = 0; r <= maxLag; r++) local[r] += CountBoth(row[..(nx - r)], row[r..]);
            }
            for (int r = 0; r <= maxLag; r++)
            {
                for (int y = 0; y + r < ny; y++) local[r] += CountBoth(d.AsSpan(p0 + y * nx, nx), d.AsSpan(p0 + (y + r) * nx, nx));
                if (z + r < nz) local[r] += CountBoth(d.AsSpan(p0, plane), d.AsSpan((z + r) * plane, plane));
            }
            return local;
        }, local => { lock (sync) for (int r = 0; r <= maxLag; r++) hits[r] += local[r]; });
        var s2 = new double[maxLag + 1];
        for (int r = 0; r <= maxLag; r++)
        {
            long pairs = (long)nz * ny * (nx - r) + (long)nz * (ny - r) * nx + (long)(nz - r) * ny * nx;
            s2[r] = (double)hits[r] / pairs;
        }
        return s2;
    }

    /// <summary>Number of positions where both 0/1 spans are 1, 32 bytes at a time: byte sums are
    /// widened before they can overflow (at most 255 additions of 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // fully optimised from the first call: a fresh process runs it once
    static long CountBoth(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        long total = 0;
        int i = 0, w = Vector256<byte>.Count;
        while (i + w <= a.Length)
        {
            var acc = Vector256<byte>.Zero;
            for (int k = 0; k < 255 && i + w <= a.Length; k++, i += w)
                acc += Vector256.Create(a.Slice(i, w)) & Vector256.Create(b.Slice(i, w));
            var (lo, hi) = Vector256.Widen(acc);
            total += Vector256.Sum(lo + hi);
        }
        for (; i < a.Length; i++) total += a[i] & b[i];
        return total;
    }
}
