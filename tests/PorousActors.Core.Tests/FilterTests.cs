using PorousActors.Core.Filters;

namespace PorousActors.Core.Tests;

public class DistanceTransformTests
{
    [Theory]
    [InlineData(1, 0.6)]
    [InlineData(2, 0.9)]
    [InlineData(3, 0.3)]
    [InlineData(4, 0.98)]
    public void MatchesBruteForceOnRandomVolumes(int seed, double porosity)
    {
        var v = Shapes.Random(9, 11, 13, porosity, seed);
        if (v.PoreVoxelCount() == v.Count) v[0, 0, 0] = 0;
        var dt = DistanceTransform.Compute(v);
        for (int z = 0; z < v.Nz; z++)
            for (int y = 0; y < v.Ny; y++)
                for (int x = 0; x < v.Nx; x++)
                {
                    double best = double.PositiveInfinity;
                    if (v[z, y, x] == 0) best = 0;
                    else
                    {
                        for (int zz = 0; zz < v.Nz; zz++)
                            for (int yy = 0; yy < v.Ny; yy++)
                                for (int xx = 0; xx < v.Nx; xx++)
                                    if (v[zz, yy, xx] == 0)
                                        best = Math.Min(best, Math.Sqrt((z - zz) * (z - zz) + (y - yy) * (y - yy) + (x - xx) * (x - xx)));
                    }
                    Assert.Equal(best, dt[v.Index(z, y, x)], 4);
                }
    }

    [Fact]
    public void PoreTouchingSolidHasDistanceOne()
    {
        var v = Shapes.Empty(5);
        Array.Fill(v.Data, (byte)1);
        v[2, 2, 2] = 0;
        var dt = DistanceTransform.Compute(v);
        Assert.Equal(0, dt[v.Index(2, 2, 2)]);
        Assert.Equal(1, dt[v.Index(2, 2, 3)]);
        Assert.Equal(Math.Sqrt(3), dt[v.Index(1, 1, 1)], 5);
    }

    [Fact]
    public void AllPoreStaysInfinite()
    {
        var v = Shapes.Empty(4);
        Array.Fill(v.Data, (byte)1);
        Assert.All(DistanceTransform.Compute(v), d => Assert.True(float.IsPositiveInfinity(d)));
    }

    [Fact]
    public void BallCentreDistanceIsItsRadius()
    {
        var v = Shapes.Ball(41, 15);
        var dt = DistanceTransform.Compute(v);
        Assert.InRange(dt[v.Index(20, 20, 20)], 15, 16.01);
    }
}

public class MedianFilterTests
{
    [Fact]
    public void MatchesSortingWithNearestEdges()
    {
        var rng = new Random(5);
        int nz = 5, ny = 6, nx = 7;
        var data = new float[nz * ny * nx];
        for (int i = 0; i < data.Length; i++) data[i] = (float)rng.NextDouble();
        var m = MedianFilter.Apply3(data, nz, ny, nx);
        for (int z = 0; z < nz; z++)
            for (int y = 0; y < ny; y++)
                for (int x = 0; x < nx; x++)
                {
                    var w = new List<float>();
                    for (int dz = -1; dz <= 1; dz++) for (int dy = -1; dy <= 1; dy++) for (int dx = -1; dx <= 1; dx++)
                        w.Add(data[(Math.Clamp(z + dz, 0, nz - 1) * ny + Math.Clamp(y + dy, 0, ny - 1)) * nx + Math.Clamp(x + dx, 0, nx - 1)]);
                    w.Sort();
                    Assert.Equal(w[13], m[(z * ny + y) * nx + x]);
                }
    }

    [Fact]
    public void RemovesIsolatedSaltNoise()
    {
        var data = new float[8 * 8 * 8];
        data[(4 * 8 + 4) * 8 + 4] = 1;
        Assert.All(MedianFilter.Apply3(data, 8, 8, 8), v => Assert.Equal(0, v));
    }
}

public class MultiOtsuTests
{
    static float[] Modes(int seed, params (float Mean, int Count)[] modes)
    {
        var rng = new Random(seed);
        var list = new List<float>();
        foreach (var (mean, count) in modes)
            for (int i = 0; i < count; i++) list.Add(mean + (float)(rng.NextDouble() - 0.5) * 10);
        return [.. list];
    }

    [Fact]
    public void TwoClassThresholdSeparatesBimodalData()
    {
        var data = Modes(1, (40, 3000), (180, 5000));
        var t = MultiOtsu.Thresholds(data, 2);
        Assert.Single(t);
        // every voxel of the dark mode at or below the threshold, every bright one above it
        Assert.Equal(3000, data.Count(v => v <= t[0]));
    }

    [Fact]
    public void ThreeClassThresholdsSeparateTrimodalData()
    {
        var data = Modes(2, (20, 2000), (120, 2000), (220, 2000));
        var t = MultiOtsu.Thresholds(data, 3);
        Assert.Equal(2, t.Length);
        Assert.Equal(2000, data.Count(v => v <= t[0]));
        Assert.Equal(2000, data.Count(v => v > t[0] && v <= t[1]));
    }

    [Fact]
    public void ConstantImageIsRefused()
    {
        Assert.Throws<BadInputException>(() => MultiOtsu.Thresholds(new float[10], 2));
    }

    [Fact]
    public void EightAndSixteenBitScansAreSegmentedInTheirOwnTypeAsTheirFloatValuesWouldBe()
    {
        var truth = Shapes.Ball(20, 6);
        var rng = new Random(5);
        var bytes = new byte[truth.Count];
        for (int i = 0; i < bytes.Length; i++) bytes[i] = (byte)Math.Clamp((truth.Data[i] == 1 ? 70 : 180) + rng.Next(-70, 70), 0, 255);
        var words = bytes.Select(b => (ushort)(b * 257)).ToArray();
        var g8 = new GrayVolume(20, 20, 20, 1e-6, bytes);
        var g16 = new GrayVolume(20, 20, 20, 1e-6, words);
        var gf = new GrayVolume(20, 20, 20, 1e-6, bytes.Select(b => (float)b).ToArray());
        Assert.Equal(PorousActors.Core.IO.VoxelType.UInt8, g8.Storage);
        var v8 = Segmentation.BinarizeGrayscale(g8, 1e-6, poreIsBright: false);
        Assert.Equal(Segmentation.BinarizeGrayscale(gf, 1e-6, poreIsBright: false).Data, v8.Data);
        Assert.Equal(v8.Data, Segmentation.BinarizeGrayscale(g16, 1e-6, poreIsBright: false).Data);
        // and the noise is really removed: the ball comes back within a few voxels
        int wrong = 0;
        for (int i = 0; i < truth.Count; i++) if (v8.Data[i] != truth.Data[i]) wrong++;
        Assert.True(wrong < truth.Count / 50, $"{wrong} voxels wrong");
    }

    [Fact]
    public void SegmentsNoisyGrayscaleBackToTheBinaryImage()
    {
        var truth = Shapes.Ball(24, 8);
        var g = GrayVolume.Allocate(24, 24, 24, 1e-6, PorousActors.Core.IO.VoxelType.Float32);
        var rng = new Random(3);
        for (int i = 0; i < g.Count; i++) g.Floats![i] = (truth.Data[i] == 1 ? 60 : 200) + (float)(rng.NextDouble() - 0.5) * 60;
        var v = Segmentation.BinarizeGrayscale(g, 1e-6, poreIsBright: false);
        int wrong = 0;
        for (int i = 0; i < v.Count; i++) if (v.Data[i] != truth.Data[i]) wrong++;
        Assert.True(wrong < v.Count / 200, $"{wrong} misclassified voxels");
    }
}
