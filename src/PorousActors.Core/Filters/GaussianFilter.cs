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
        int maxLen = Math.Max(nz, Math.Max(ny, nx));
        SeparablePasses.ApplyAll(data, nz, ny, nx, () => new Line(kernel, r, maxLen));
    }

    sealed class Line(float[] kernel, int r, int maxLen) : ILineKernel
    {
        readonly float[] buf = new float[maxLen];

        public void Run(Span<float> data, int start, int stride, int len)
        {
            for (int q = 0; q < len; q++) buf[q] = data[start + q * stride];
            for (int q = 0; q < len; q++)
            {
                float acc = 0;
                if (q >= r && q + r < len)
                    for (int j = -r; j <= r; j++) acc += kernel[j + r] * buf[q + j];
                else
                    for (int j = -r; j <= r; j++) acc += kernel[j + r] * buf[Mirror(q + j, len)];
                data[start + q * stride] = acc;
            }
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
