using PorousActors.Core.Metrics;

namespace PorousActors.Core.Tests;

/// <summary>Chord lengths, local thickness, geometric tortuosity, crop and downsample on shapes
/// whose answers are known.</summary>
public class FieldMeasureTests
{
    static Volume Slab(int n, int z0, int thickness)
    {
        var v = new Volume(n, n, n, 1e-6);
        for (int z = z0; z < z0 + thickness; z++) for (int y = 0; y < n; y++) for (int x = 0; x < n; x++) v[z, y, x] = 1;
        return v;
    }

    static Volume TubeZ(int n, int length, double r)
    {
        var v = new Volume(length, n, n, 1e-6);
        double c = (n - 1) / 2.0;
        for (int z = 0; z < length; z++) for (int y = 0; y < n; y++) for (int x = 0; x < n; x++)
            if ((y - c) * (y - c) + (x - c) * (x - c) <= r * r) v[z, y, x] = 1;
        return v;
    }

    [Fact]
    public void ChordsAcrossASlabAllHaveItsThicknessAndEdgeChordsAreLeftOut()
    {
        var v = Slab(20, 6, 5);
        var hz = ChordLength.Histogram(v, 0);
        Assert.Equal(20L * 20, hz[5]);
        Assert.Equal(20L * 20, hz.Sum());
        Assert.Equal(5, ChordLength.Mean(hz), 12);
        // along x every chord spans the image, touching both ends: none is kept
        Assert.Equal(0, ChordLength.Histogram(v, 2).Sum());
        Assert.True(double.IsNaN(ChordLength.Mean(ChordLength.Histogram(v, 2))));
    }

    [Fact]
    public void ChordsAcrossATubeAverageItsAreaOverItsRows()
    {
        var v = TubeZ(24, 6, 8);
        var hx = ChordLength.Histogram(v, 2);
        long slicePore = 0; int rows = 0;
        for (int y = 0; y < 24; y++)
        {
            int c = 0;
            for (int x = 0; x < 24; x++) c += v[0, y, x];
            slicePore += c; if (c > 0) rows++;
        }
        Assert.Equal(rows * 6L, hx.Sum());
        Assert.Equal((double)slicePore / rows, ChordLength.Mean(hx), 12);
    }

    [Fact]
    public void LocalThicknessOfATubeIsItsRadiusAlmostEverywhere()
    {
        var v = TubeZ(21, 4, 6); // axis on voxel centres: distance 6.08 to the nearest solid
        var radii = LocalThickness.Radii(v);
        var f = LocalThickness.VolumeFractions(v, radii);
        int max = f.Length - 1;
        Assert.Equal(6, max);
        Assert.True(f[max] > 0.9, $"{f[max]:P1} of the tube at the largest radius");
        Assert.Equal(1.0, f.Sum(), 12);
    }

    [Fact]
    public void LocalThicknessSeparatesANarrowAndAWideTube()
    {
        var v = new Volume(4, 40, 40, 1e-6);
        for (int z = 0; z < 4; z++) for (int y = 0; y < 40; y++) for (int x = 0; x < 40; x++)
        {
            if ((y - 10) * (y - 10) + (x - 10) * (x - 10) <= 9) v[z, y, x] = 1;      // r = 3
            if ((y - 28) * (y - 28) + (x - 28) * (x - 28) <= 64) v[z, y, x] = 1;     // r = 8
        }
        var f = LocalThickness.VolumeFractions(v, LocalThickness.Radii(v));
        double small = f.Take(5).Sum(), large = f.Skip(7).Sum();
        // by volume the wide tube holds 64/(64+9) ≈ 0.88 of the pore space
        Assert.InRange(large, 0.8, 0.95);
        Assert.InRange(small, 0.05, 0.2);
    }

    [Fact]
    public void StraightChannelHasTortuosityOneAndADiagonalOneRootTwo()
    {
        Assert.Equal(1.0, GeometricTortuosity.Compute(TubeZ(12, 30, 3), 0), 9);
        // a 3-voxel-thick channel climbing one voxel in x per voxel in z
        var v = new Volume(40, 5, 60, 1e-6);
        for (int z = 0; z < 40; z++) for (int y = 0; y < 5; y++) for (int x = z; x < z + 4; x++) v[z, y, x] = 1;
        double t = GeometricTortuosity.Compute(v, 0);
        Assert.InRange(t, 1.0, Math.Sqrt(2) + 1e-6);
        Assert.True(t > 1.3, $"tortuosity {t}");
        Assert.True(double.IsNaN(GeometricTortuosity.Compute(Slab(10, 3, 2), 0)), "a slab normal to the flow blocks it");
    }

    [Fact]
    public void CropTakesNumPySlicesAndDownsampleKeepsTheMajority()
    {
        var v = new Volume(10, 12, 14, 2e-6);
        v[3, 4, 5] = 1;
        var c = Resampling.Crop(v, "3:7,:6,5:");
        Assert.Equal((4, 6, 9), (c.Nz, c.Ny, c.Nx));
        Assert.Equal(1, c[0, 4, 0]);
        Assert.Throws<BadInputException>(() => Resampling.Crop(v, "0:11,:,:"));
        Assert.Throws<BadInputException>(() => Resampling.Crop(v, "5:5,:,:"));
        Assert.Throws<BadInputException>(() => Resampling.Crop(v, "0:3,:"));

        var d = new Volume(4, 4, 5, 1e-6); // x = 5: the last voxel is dropped
        for (int z = 0; z < 2; z++) for (int y = 0; y < 2; y++) for (int x = 0; x < 2; x++) if (z + y + x < 2) d[z, y, x] = 1; // 4 of 8: a tie → pore
        d[2, 0, 0] = 1; d[2, 1, 0] = 1; d[3, 0, 0] = 1; // 3 of 8 → solid
        var s = Resampling.Downsample(d, 2);
        Assert.Equal((2, 2, 2), (s.Nz, s.Ny, s.Nx));
        Assert.Equal(2e-6, s.VoxelSize, 15);
        Assert.Equal(1, s[0, 0, 0]);
        Assert.Equal(0, s[1, 0, 0]);
        Assert.Equal(1, s.PoreVoxelCount());
    }
}
