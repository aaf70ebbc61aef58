using PorousActors.Core.Metrics;

namespace PorousActors.Core.Tests;

public class LinealPathTests
{
    [Fact]
    public void AllPoreIsOneAndAllSolidIsZeroAtEveryLength()
    {
        var pore = Shapes.Empty(6);
        Array.Fill(pore.Data, (byte)1);
        Assert.All(LinealPath.Compute(pore, 6), l => Assert.Equal(1.0, l, 12));
        var solid = Shapes.Empty(6);
        var l0 = LinealPath.Compute(solid, 6);
        Assert.Equal(1.0, l0[0]);
        Assert.All(l0.Skip(1), l => Assert.Equal(0.0, l));
    }

    [Fact]
    public void AStraightChannelIsOpenAlongItsAxisOnlyAndLOfOneIsThePorosity()
    {
        // one pore line through the whole image along z: every z-segment on that line is open
        int n = 8;
        var v = Shapes.Empty(n);
        for (int z = 0; z < n; z++) v[z, 3, 4] = 1;
        double phi = 1.0 / (n * n);
        var lz = LinealPath.Axis(v, 0, n);
        for (int r = 1; r <= n; r++) Assert.Equal(phi, lz[r], 12);
        var lx = LinealPath.Axis(v, 2, n);
        Assert.Equal(phi, lx[1], 12);
        Assert.All(lx.Skip(2), l => Assert.Equal(0.0, l));
        var mean = LinealPath.Compute(v, 4);
        Assert.Equal(phi, mean[1], 12);
        Assert.Equal(phi / 3, mean[2], 12);
    }

    [Fact]
    public void AOneVoxelSolidWallShutsEverySegmentLongerThanEitherSide()
    {
        // a pore block, then the same block cut by a one-voxel solid wall across z
        int n = 16;
        var open = Shapes.Empty(n);
        Array.Fill(open.Data, (byte)1);
        var cut = open.Clone();
        for (int y = 0; y < n; y++) for (int x = 0; x < n; x++) cut[8, y, x] = 0;
        var lOpen = LinealPath.Axis(open, 0, n);
        var lCut = LinealPath.Axis(cut, 0, n);
        Assert.Equal(15.0 / 16, lCut[1], 12);
        Assert.Equal(13.0 / 15, lCut[2], 12);  // of the 15 pairs per line, the two that touch the wall are shut
        Assert.Equal(0.0, lCut[9]);            // nothing of 9 voxels fits on either side of the wall
        Assert.Equal(1.0, lOpen[9]);
    }

    [Fact]
    public void EqualsCountingEverySegmentOnARandomImage()
    {
        var rng = new Random(4);
        var v = new Volume(7, 9, 11, 1e-6);
        for (int i = 0; i < v.Data.Length; i++) v.Data[i] = (byte)(rng.NextDouble() < 0.7 ? 1 : 0);
        int[] dims = [v.Nz, v.Ny, v.Nx];
        for (int axis = 0; axis < 3; axis++)
        {
            var l = LinealPath.Axis(v, axis, dims[axis]);
            for (int r = 1; r <= dims[axis]; r++)
            {
                long open = 0, all = 0;
                for (int z = 0; z < v.Nz; z++) for (int y = 0; y < v.Ny; y++) for (int x = 0; x < v.Nx; x++)
                {
                    int[] p = [z, y, x];
                    if (p[axis] + r > dims[axis]) continue;
                    all++;
                    bool ok = true;
                    for (int k = 0; k < r && ok; k++) { p[axis] = (axis == 0 ? z : axis == 1 ? y : x) + k; ok = v[p[0], p[1], p[2]] != 0; }
                    if (ok) open++;
                }
                Assert.Equal(open / (double)all, l[r], 12);
            }
        }
    }

    [Fact]
    public void BadLengthsAreRefused()
    {
        var v = Shapes.Empty(4);
        Assert.Throws<BadInputException>(() => LinealPath.Compute(v, 0));
        Assert.Throws<BadInputException>(() => LinealPath.Axis(v, 0, 5));
        Assert.Equal(5, LinealPath.Compute(v, 10).Length); // capped at the shortest axis
    }
}
