using PorousActors.Core;
using PorousActors.Core.Metrics;
using Xunit;

namespace PorousActors.Core.Tests;

public class VoxelConductanceTests
{
    const double Solid = 0.01;

    [Fact]
    public void ChannelsAlongTheAxisConductInParallelAndAcrossItNotAtAll()
    {
        // 3 straight pore channels along z in an 8×8 cross-section, 10 planes long
        int nz = 10, ny = 8, nx = 8;
        var img = new byte[nz * ny * nx];
        (int Y, int X)[] channels = [(1, 1), (4, 5), (6, 2)];
        for (int z = 0; z < nz; z++)
            foreach (var (y, x) in channels) img[(z * ny + y) * nx + x] = 1;
        double fraction = channels.Length / 64.0;
        var along = VoxelConductance.Solve(img, nz, ny, nx, axis: 0, Solid);
        Assert.Equal(fraction + (1 - fraction) * Solid, along.Conductivity, 6);
        // with an insulating solid, exactly the pore fraction: 1/F with F = 1/φ for straight tubes
        Assert.Equal(fraction, VoxelConductance.Solve(img, nz, ny, nx, 0, 0).Conductivity, 6);
        // across the channels (along x) the pores add nothing when the solid does not conduct
        Assert.Equal(0, VoxelConductance.Solve(img, nz, ny, nx, 2, 0).Conductivity, 9);
    }

    [Fact]
    public void LayersAcrossTheAxisConductInSeries()
    {
        // planes normal to y, alternately pore and solid (pattern 1,1,0,1,0,0,1,1): harmonic mean along y
        int nz = 4, ny = 8, nx = 5;
        byte[] pattern = [1, 1, 0, 1, 0, 0, 1, 1];
        var img = new byte[nz * ny * nx];
        for (int z = 0; z < nz; z++)
            for (int y = 0; y < ny; y++)
                for (int x = 0; x < nx; x++) img[(z * ny + y) * nx + x] = pattern[y];
        double expected = ny / pattern.Sum(p => p == 1 ? 1.0 : 1 / Solid);
        Assert.Equal(expected, VoxelConductance.Solve(img, nz, ny, nx, 1, Solid).Conductivity, 8);
        // along z the same layers are in parallel: the plane-averaged conductivity
        double parallel = pattern.Average(p => p == 1 ? 1.0 : Solid);
        Assert.Equal(parallel, VoxelConductance.Solve(img, nz, ny, nx, 0, Solid).Conductivity, 6);
    }

    [Fact]
    public void TheSensitivityIsTheDerivativeOfTheConductivityVoxelByVoxel()
    {
        // a random rock; each voxel's conductivity perturbed in turn, central differences
        int nz = 6, ny = 5, nx = 7;
        var rng = new Random(3);
        var img = new byte[nz * ny * nx];
        for (int i = 0; i < img.Length; i++) img[i] = (byte)(rng.NextDouble() < 0.55 ? 1 : 0);
        for (int axis = 0; axis < 3; axis++)
        {
            var r = VoxelConductance.Solve(img, nz, ny, nx, axis, 0.05, sensitivity: true, tolerance: 1e-12);
            Assert.True(r.Conductivity > 0);
            foreach (int i in new[] { 0, 17, 40, 101, 150, img.Length - 1 })
            {
                double h = 1e-5;
                double plus = Weighted(img, nz, ny, nx, axis, 0.05, i, h), minus = Weighted(img, nz, ny, nx, axis, 0.05, i, -h);
                double numeric = (plus - minus) / (2 * h);
                Assert.Equal(numeric, r.Sensitivity![i], 6);
            }
            // opening a solid voxel or closing a pore voxel can only raise, or lower, the conductivity
            Assert.All(r.Sensitivity!, s => Assert.True(s >= 0));
        }
    }

    /// <summary>σ_eff with voxel i's conductivity moved by h: a pore voxel as 1 + h, a solid one as
    /// solid + h, reached by solving the image with a rescaled solid (its own small solver below).</summary>
    static double Weighted(byte[] img, int nz, int ny, int nx, int axis, double solid, int i, double h)
    {
        var sigma = img.Select(p => p == 1 ? 1.0 : solid).ToArray();
        sigma[i] += h;
        return ReferenceConductivity(sigma, nz, ny, nx, axis);
    }

    /// <summary>Dense reference: the same finite-volume system, solved by Gaussian elimination.</summary>
    static double ReferenceConductivity(double[] sigma, int nz, int ny, int nx, int axis)
    {
        int n = sigma.Length;
        int[] dims = [nz, ny, nx], strides = [ny * nx, nx, 1];
        var a = new double[n, n + 1];
        for (int i = 0; i < n; i++)
        {
            int[] c = [i / strides[0], i / strides[1] % ny, i % nx];
            for (int d = 0; d < 3; d++)
            {
                foreach (int step in new[] { -1, 1 })
                {
                    int cc = c[d] + step;
                    if (cc < 0 || cc >= dims[d]) continue;
                    int j = i + step * strides[d];
                    double g = 2 * sigma[i] * sigma[j] / (sigma[i] + sigma[j]);
                    a[i, i] += g; a[i, j] -= g;
                }
            }
            if (c[axis] == 0) { a[i, i] += 2 * sigma[i]; a[i, n] += 2 * sigma[i]; }
            if (c[axis] == dims[axis] - 1) a[i, i] += 2 * sigma[i];
        }
        for (int k = 0; k < n; k++)
            for (int r = k + 1; r < n; r++)
            {
                double f = a[r, k] / a[k, k];
                if (f == 0) continue;
                for (int col = k; col <= n; col++) a[r, col] -= f * a[k, col];
            }
        var u = new double[n];
        for (int k = n - 1; k >= 0; k--)
        {
            double s = a[k, n];
            for (int col = k + 1; col < n; col++) s -= a[k, col] * u[col];
            u[k] = s / a[k, k];
        }
        double current = 0;
        for (int i = 0; i < n; i++)
        {
            int c = axis == 0 ? i / strides[0] : axis == 1 ? i / strides[1] % ny : i % nx;
            if (c == 0) current += 2 * sigma[i] * (1 - u[i]);
        }
        return current * dims[axis] * dims[axis] / n;
    }

    [Fact]
    public void AgreesWithADenseSolveOnARandomRock()
    {
        int nz = 5, ny = 6, nx = 4;
        var rng = new Random(8);
        var img = new byte[nz * ny * nx];
        for (int i = 0; i < img.Length; i++) img[i] = (byte)(rng.NextDouble() < 0.4 ? 1 : 0);
        for (int axis = 0; axis < 3; axis++)
            Assert.Equal(ReferenceConductivity(img.Select(p => p == 1 ? 1.0 : Solid).ToArray(), nz, ny, nx, axis),
                         VoxelConductance.Solve(img, nz, ny, nx, axis, Solid, tolerance: 1e-12).Conductivity, 9);
    }

    [Fact]
    public void RefusesAWrongShapeAxisOrSolidConductivity()
    {
        var img = new byte[24];
        Assert.Contains("needs 30 voxels", Assert.Throws<BadInputException>(() => VoxelConductance.Solve(img, 2, 3, 5, 0, Solid)).Message);
        Assert.Contains("axis", Assert.Throws<BadInputException>(() => VoxelConductance.Solve(img, 2, 3, 4, 3, Solid)).Message);
        Assert.Contains("[0, 1)", Assert.Throws<BadInputException>(() => VoxelConductance.Solve(img, 2, 3, 4, 0, double.NaN)).Message);
        Assert.Contains("[0, 1)", Assert.Throws<BadInputException>(() => VoxelConductance.Solve(img, 2, 3, 4, 0, 1)).Message);
    }
}
