using System.Numerics;

namespace PorousActors.Core.Filters;

/// <summary>3x3x3 median filter; edges repeat the nearest voxel (the same as SciPy's default
/// 'reflect' for a window of radius 1). Parallel over z slices.</summary>
public static class MedianFilter
{
    public static T[] Apply3<T>(ReadOnlySpan<T> src, int nz, int ny, int nx) where T : unmanaged, INumber<T> => Apply3(src.ToArray(), nz, ny, nx);

    /// <summary>In the image's own type (bytes, 16-bit words or floats).</summary>
    public static T[] Apply3<T>(T[] src, int nz, int ny, int nx) where T : unmanaged, INumber<T>
    {
        var dst = new T[src.Length];
        Parallel.For(0, nz, KernelParallelism.Options, z =>
        {
            Span<T> w = stackalloc T[27];
            for (int y = 0; y < ny; y++)
                for (int x = 0; x < nx; x++)
                {
                    int k = 0;
                    for (int dz = -1; dz <= 1; dz++)
                    {
                        int zz = Math.Clamp(z + dz, 0, nz - 1);
                        for (int dy = -1; dy <= 1; dy++)
                        {
                            int row = (zz * ny + Math.Clamp(y + dy, 0, ny - 1)) * nx;
                            w[k++] = src[row + Math.Clamp(x - 1, 0, nx - 1)];
                            w[k++] = src[row + x];
                            w[k++] = src[row + Math.Clamp(x + 1, 0, nx - 1)];
                        }
                    }
                    dst[(z * ny + y) * nx + x] = Select13(w);
                }
        });
        return dst;
    }

    /// <summary>Median of 27 values by quickselect (no allocation).</summary>
    static T Select13<T>(Span<T> a) where T : unmanaged, INumber<T>
    {
        int lo = 0, hi = 26, k = 13;
        while (lo < hi)
        {
            T pivot = a[(lo + hi) >> 1];
            int i = lo, j = hi;
            while (i <= j)
            {
                while (a[i] < pivot) i++;
                while (a[j] > pivot) j--;
                if (i <= j) { (a[i], a[j]) = (a[j], a[i]); i++; j--; }
            }
            if (k <= j) hi = j;
            else if (k >= i) lo = i;
            else return a[k];
        }
        return a[k];
    }
}
