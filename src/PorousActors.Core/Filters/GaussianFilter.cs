using System.Numerics;

namespace PorousActors.Core.Filters;

/// <summary>Separable 3-D Gaussian smoothing (kernel truncated at 4 sigma, mirrored edges as
/// SciPy's default), in place on a float image. Unless told otherwise, taps whose weight is below
/// 1e-4 of the centre's are dropped (for sigma = 0.4 that leaves 3 taps instead of 5); SNOW keeps
/// SciPy's radius, round(4 sigma), so equal values stay equal exactly where SciPy's do.</summary>
public static class GaussianFilter
{
    public static void ApplyInPlace(float[] data, int nz, int ny, int nx, double sigma, bool dropNegligibleTaps = true)
    {
        if (sigma <= 0) return;
        int r = Math.Max(1, (int)(4 * sigma + 0.5));
        while (dropNegligibleTaps && r > 1 && Math.Exp(-0.5 * r * r / (sigma * sigma)) < 1e-4) r--;
        var kernel = new float[2 * r + 1];
        double sum = 0;
        for (int i = -r; i <= r; i++) { kernel[i + r] = (float)Math.Exp(-0.5 * i * i / (sigma * sigma)); sum += kernel[i + r]; }
        for (int i = 0; i < kernel.Length; i++) kernel[i] = (float)(kernel[i] / sum);
        int plane = ny * nx;
        var po = KernelParallelism.Options;
        // Each pass sums k_j · v_(i+j) for j = −r … r in that order, whole rows at a time as vectors
        // (lanes add exactly as the scalar sum does, no fused multiply-add), so the result is the
        // same to the bit as one line at a time; only faster (contiguous rows, SIMD).
        Parallel.For(0, nz, po, () => new float[nx], (z, _, row) =>
        {
            for (int y = 0; y < ny; y++)
            {
                var line = data.AsSpan((z * ny + y) * nx, nx);
                line.CopyTo(row);
                AlongRow(row, line, kernel, r);
            }
            return row;
        }, _ => { });
        Parallel.For(0, nz, po, () => new float[plane], (z, _, copy) =>
        {
            var p = data.AsSpan(z * plane, plane);
            p.CopyTo(copy);
            for (int y = 0; y < ny; y++) AcrossRows(copy, nx, ny, y, kernel, r, p.Slice(y * nx, nx));
            return copy;
        }, _ => { });
        Parallel.For(0, ny, po, () => new float[nz * nx], (y, _, slab) =>
        {
            for (int z = 0; z < nz; z++) Array.Copy(data, (z * ny + y) * nx, slab, z * nx, nx);
            for (int z = 0; z < nz; z++) AcrossRows(slab, nx, nz, z, kernel, r, data.AsSpan((z * ny + y) * nx, nx));
            return slab;
        }, _ => { });
    }

    /// <summary>dst[q] = Σ_j k_j · src[q + j] along one row (mirrored at its ends).</summary>
    static void AlongRow(float[] src, Span<float> dst, float[] kernel, int r)
    {
        int len = src.Length, w = Vector<float>.Count;
        int q = 0;
        for (; q < Math.Min(r, len); q++) dst[q] = EdgeSum(src, q, kernel, r);
        if (Vector.IsHardwareAccelerated)
            for (; q + r + w <= len; q += w)
            {
                var acc = Vector<float>.Zero;
                for (int j = -r; j <= r; j++) acc += new Vector<float>(kernel[j + r]) * new Vector<float>(src, q + j);
                acc.CopyTo(dst.Slice(q, w));
            }
        for (; q < len; q++)
        {
            if (q + r >= len) { dst[q] = EdgeSum(src, q, kernel, r); continue; }
            float acc = 0;
            for (int j = -r; j <= r; j++) acc += kernel[j + r] * src[q + j];
            dst[q] = acc;
        }
    }

    static float EdgeSum(float[] src, int q, float[] kernel, int r)
    {
        float acc = 0;
        for (int j = -r; j <= r; j++) acc += kernel[j + r] * src[Mirror(q + j, src.Length)];
        return acc;
    }

    /// <summary>dst[x] = Σ_j k_j · rows[i + j][x] over rows of length <paramref name="rowLength"/>
    /// stored one after another in <paramref name="rows"/> (mirrored at the first and last row).</summary>
    static void AcrossRows(float[] rows, int rowLength, int rowCount, int i, float[] kernel, int r, Span<float> dst)
    {
        Span<int> at = stackalloc int[2 * r + 1];
        for (int j = -r; j <= r; j++) at[j + r] = Mirror(i + j, rowCount) * rowLength;
        int w = Vector<float>.Count, x = 0;
        if (Vector.IsHardwareAccelerated)
            for (; x + w <= rowLength; x += w)
            {
                var acc = Vector<float>.Zero;
                for (int j = 0; j < at.Length; j++) acc += new Vector<float>(kernel[j]) * new Vector<float>(rows, at[j] + x);
                acc.CopyTo(dst.Slice(x, w));
            }
        for (; x < rowLength; x++)
        {
            float acc = 0;
            for (int j = 0; j < at.Length; j++) acc += kernel[j] * rows[at[j] + x];
            dst[x] = acc;
        }
    }

    /// <summary>SciPy 'reflect' (d c b a | a b c d | d c b a).</summary>
    static int Mirror(int i, int len)
    {
        if (len == 1) return 0;
        int period = 2 * len;
        i %= period;
        if (i < 0) i += period;
        return i < len ? i : period - 1 - i;
    }
}
