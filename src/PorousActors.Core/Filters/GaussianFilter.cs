namespace PorousActors.Core.Filters;

/// <summary>Separable 3-D Gaussian smoothing (kernel truncated at 4 sigma, mirrored edges as
/// SciPy's default), in place on a float image. Parallel over lines.</summary>
public static class GaussianFilter
{
    public static void ApplyInPlace(float[] data, int nz, int ny, int nx, double sigma)
    {
        if (sigma <= 0) return;
        int r = Math.Max(1, (int)Math.Ceiling(4 * sigma));
        var kernel = new float[2 * r + 1];
        double sum = 0;
        for (int i = -r; i <= r; i++) { kernel[i + r] = (float)Math.Exp(-0.5 * i * i / (sigma * sigma)); sum += kernel[i + r]; }
        for (int i = 0; i < kernel.Length; i++) kernel[i] = (float)(kernel[i] / sum);
        int maxLen = Math.Max(nz, Math.Max(ny, nx));

        Parallel.For(0, nz, () => new float[2 * maxLen], (z, _, buf) => { for (int y = 0; y < ny; y++) Line(data, (z * ny + y) * nx, 1, nx, kernel, r, buf); return buf; }, _ => { });
        Parallel.For(0, nz, () => new float[2 * maxLen], (z, _, buf) => { for (int x = 0; x < nx; x++) Line(data, z * ny * nx + x, nx, ny, kernel, r, buf); return buf; }, _ => { });
        Parallel.For(0, ny, () => new float[2 * maxLen], (y, _, buf) => { for (int x = 0; x < nx; x++) Line(data, y * nx + x, ny * nx, nz, kernel, r, buf); return buf; }, _ => { });
    }

    static void Line(float[] data, int start, int stride, int len, float[] kernel, int r, float[] buf)
    {
        for (int q = 0; q < len; q++) buf[q] = data[start + q * stride];
        for (int q = 0; q < len; q++)
        {
            float acc = 0;
            for (int j = -r; j <= r; j++) acc += kernel[j + r] * buf[Mirror(q + j, len)];
            buf[len + q] = acc;
        }
        for (int q = 0; q < len; q++) data[start + q * stride] = buf[len + q];
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
