using PorousActors.Core.Filters;

namespace PorousActors.Core.Tests;

/// <summary>The row-wise, vectorised Gaussian against its definition, one voxel at a time: SNOW's
/// peaks rely on equal values staying equal exactly where SciPy's do, so the sums must agree to
/// the bit, not just closely.</summary>
public class GaussianFilterTests
{
    static float[] Reference(float[] input, int nz, int ny, int nx, double sigma, bool drop)
    {
        int r = Math.Max(1, (int)(4 * sigma + 0.5));
        while (drop && r > 1 && Math.Exp(-0.5 * r * r / (sigma * sigma)) < 1e-4) r--;
        var k = new float[2 * r + 1];
        double sum = 0;
        for (int i = -r; i <= r; i++) { k[i + r] = (float)Math.Exp(-0.5 * i * i / (sigma * sigma)); sum += k[i + r]; }
        for (int i = 0; i < k.Length; i++) k[i] = (float)(k[i] / sum);
        static int Mirror(int i, int len)
        {
            if (len == 1) return 0;
            i %= 2 * len;
            if (i < 0) i += 2 * len;
            return i < len ? i : 2 * len - 1 - i;
        }
        var a = (float[])input.Clone();
        int[] n = [nz, ny, nx];
        for (int axis = 2; axis >= 0; axis--) // x, then y, then z
        {
            var b = new float[a.Length];
            for (int z = 0; z < nz; z++)
                for (int y = 0; y < ny; y++)
                    for (int x = 0; x < nx; x++)
                    {
                        float acc = 0;
                        for (int j = -r; j <= r; j++)
                        {
                            int[] c = [z, y, x];
                            c[axis] = Mirror(c[axis] + j, n[axis]);
                            acc += k[j + r] * a[(c[0] * ny + c[1]) * nx + c[2]];
                        }
                        b[(z * ny + y) * nx + x] = acc;
                    }
            a = b;
        }
        return a;
    }

    [Theory]
    [InlineData(13, 17, 29, 0.4, false)] // SNOW's smoothing: 5 taps, rows not a multiple of the vector width
    [InlineData(24, 40, 64, 0.4, false)]
    [InlineData(9, 11, 35, 0.4, true)]   // 3 taps
    [InlineData(5, 3, 21, 2.0, true)]    // kernel wider than the image: mirrored more than once
    [InlineData(1, 1, 7, 1.0, true)]
    public void EqualsTheDefinitionToTheBit(int nz, int ny, int nx, double sigma, bool drop)
    {
        var rng = new Random(nz * 1000 + nx);
        var data = new float[nz * ny * nx];
        // distance-map-like values: square roots of small integers, with plateaus and zeros
        for (int i = 0; i < data.Length; i++) data[i] = rng.Next(4) == 0 ? 0 : MathF.Sqrt(rng.Next(1, 30));
        var expected = Reference(data, nz, ny, nx, sigma, drop);
        GaussianFilter.ApplyInPlace(data, nz, ny, nx, sigma, drop);
        Assert.Equal(expected, data);
    }

    [Fact]
    public void KeepsAConstantImageAndSpreadsAPointSymmetrically()
    {
        var c = Enumerable.Repeat(3f, 10 * 12 * 14).ToArray();
        GaussianFilter.ApplyInPlace(c, 10, 12, 14, 0.8);
        Assert.All(c, v => Assert.Equal(3f, v, 1e-5f));

        int n = 11, m = 5;
        var p = new float[n * n * n];
        p[(m * n + m) * n + m] = 1;
        GaussianFilter.ApplyInPlace(p, n, n, n, 1.0);
        Assert.Equal(1.0, p.Sum(v => (double)v), 1e-5);
        float At(int z, int y, int x) => p[(z * n + y) * n + x];
        Assert.Equal(At(m + 1, m, m), At(m, m - 1, m));
        Assert.Equal(At(m + 2, m - 1, m), At(m - 1, m, m - 2));
        Assert.True(At(m, m, m) > At(m, m, m + 1) && At(m, m, m + 1) > At(m, m, m + 2));
    }
}
