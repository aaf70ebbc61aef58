using PorousActors.Core;
using PorousActors.Core.Generators;
using PorousActors.Pnm.Extraction;
using PorousActors.Pnm.Flow;

namespace PorousActors.Pnm.Tests;

public class NetworkTests
{
    /// <summary>Two balls of radius 8 joined by a cylinder of radius 3 along x.</summary>
    static Volume Dumbbell()
    {
        var v = new Volume(24, 24, 48, 1e-6);
        for (int z = 0; z < 24; z++)
            for (int y = 0; y < 24; y++)
                for (int x = 0; x < 48; x++)
                {
                    double dy = y - 11.5, dz = z - 11.5;
                    bool ball1 = (x - 12) * (x - 12) + dy * dy + dz * dz <= 64;
                    bool ball2 = (x - 35) * (x - 35) + dy * dy + dz * dz <= 64;
                    bool neck = x >= 12 && x <= 35 && dy * dy + dz * dz <= 9;
                    if (ball1 || ball2 || neck) v[z, y, x] = 1;
                }
        return v;
    }

    [Fact]
    public void DumbbellIsTwoPoresAndOneThroat()
    {
        var net = SnowExtractor.Extract(Dumbbell()).Network;
        Assert.Equal(2, net.PoreCount);
        Assert.Equal(1, net.ThroatCount);
        // Inscribed pore diameter: 2 x the ball's largest distance value, about its radius 8 (the
        // ball's centre falls between voxel centres, so the value is a little lower);
        // throat inscribed diameter: 2 x the neck radius 3, likewise.
        Assert.All(net.PoreInscribedDiameter, d => Assert.InRange(d, 14, 18));
        Assert.InRange(net.ThroatInscribedDiameter[0], 5, 8);
        Assert.InRange(net.ThroatTotalLength[0], 20, 26);
        Assert.InRange(net.ThroatEquivalentDiameter[0], 5.5, 7.5);
    }

    [Fact]
    public void PoreVolumesAddUpToThePoreSpace()
    {
        var rock = OverlappingSpheres.Generate(48, 0.3, 4, 1, 1e-6);
        var r = SnowExtractor.Extract(rock);
        Assert.Equal(rock.PoreVoxelCount(), (long)r.Network.PoreVolume.Sum() + r.Network.UnassignedPoreVoxels);
        Assert.True(r.Network.UnassignedPoreVoxels < rock.PoreVoxelCount() / 100);
        // every throat joins two different existing pores, listed once
        var pairs = new HashSet<(int, int)>();
        for (int t = 0; t < r.Network.ThroatCount; t++)
        {
            int a = r.Network.ThroatConns[2 * t], b = r.Network.ThroatConns[2 * t + 1];
            Assert.True(a < b && b < r.Network.PoreCount);
            Assert.True(pairs.Add((a, b)));
        }
    }

    [Fact]
    public void ExtractionIsDeterministic()
    {
        var rock = GaussianBlobs.Generate(40, 0.25, 2, 3, 1e-6);
        var a = SnowExtractor.Extract(rock).Regions;
        var b = SnowExtractor.Extract(rock).Regions;
        Assert.Equal(a, b);
    }
}

public class ConductanceTests
{
    [Fact]
    public void ConduitOfEqualRadiiIsACylinder()
    {
        // pore radius = throat radius: no sphere segment, one cylinder over the whole length
        double g = HydraulicConductance.Conduit(3, 3, 3, 10);
        Assert.Equal(Math.PI * 81 / (8 * 10), g, 12);
    }

    [Fact]
    public void SphereSegmentMatchesNumericalQuadrature()
    {
        double R = 5, L = 4;
        int n = 200000;
        double sum = 0;
        for (int i = 0; i < n; i++) { double x = (i + 0.5) * L / n, r2 = R * R - x * x; sum += 8 / (Math.PI * r2 * r2) * L / n; }
        Assert.Equal(sum, HydraulicConductance.SphereResistance(R, L), 8);
    }

    [Fact]
    public void ThroatWiderThanPoreIsAcceptedAndFinite()
    {
        double g = HydraulicConductance.Conduit(2, 6, 4, 9);
        Assert.True(double.IsFinite(g) && g > 0);
        // narrowing the throat can only lower the conductance
        Assert.True(HydraulicConductance.Conduit(2, 6, 1, 9) < g);
    }

    [Fact]
    public void ConjugateGradientSolvesALaplacian()
    {
        // chain of 5 unit conductances between reservoirs at 1 and 0: linear pressure
        int n = 5;
        var rows = new int[n + 1]; var cols = new List<int>(); var vals = new List<double>();
        for (int i = 0; i < n; i++)
        {
            rows[i] = cols.Count;
            cols.Add(i); vals.Add(2);
            if (i > 0) { cols.Add(i - 1); vals.Add(-1); }
            if (i < n - 1) { cols.Add(i + 1); vals.Add(-1); }
        }
        rows[n] = cols.Count;
        var b = new double[n]; b[0] = 1;
        var sol = ConjugateGradient.Solve(new CsrMatrix(n, rows, [.. cols], [.. vals]), b);
        Assert.True(sol.Converged);
        for (int i = 0; i < n; i++) Assert.Equal(1 - (i + 1) / 6.0, sol.X[i], 10);
    }
}
