using PorousActors.Core;
using PorousActors.Core.Generators;
using PorousActors.Pnm.Flow;

namespace PorousActors.Pnm.Tests;

public class PermeabilityTests
{
    static RockProperties Simulate(Volume v, params FlowAxis[] axes) => new PoreNetworkSimulator(axes.Length == 0 ? [FlowAxis.Z] : axes).Simulate(v);

    [Fact]
    public void StraightTubesMatchHagenPoiseuille()
    {
        var tubes = Rocks.FourTubes();
        double k = Simulate(tubes).Along(FlowAxis.Z)!.PermeabilityM2;
        double hp = Rocks.HagenPoiseuille(tubes);
        Assert.InRange(k / hp, 0.9, 1.1);
    }

    [Fact]
    public void TubesAlongXGiveTheSameAlongX()
    {
        var tubes = Rocks.FourTubes();
        var alongX = tubes.Transpose(2, 1, 0); // z becomes x
        var r = Simulate(alongX, FlowAxis.X, FlowAxis.Z);
        double hp = Rocks.HagenPoiseuille(tubes);
        Assert.InRange(r.Along(FlowAxis.X)!.PermeabilityM2 / hp, 0.9, 1.1);
        Assert.Equal(0, r.Along(FlowAxis.Z)!.PermeabilityM2);
        Assert.Contains("no connected path", r.Along(FlowAxis.Z)!.Note);
    }

    [Fact]
    public void BlockedTubeHasZeroPermeabilityAndANote()
    {
        var tube = Rocks.TubesAlongZ(40, 20, 20, 5, 1e-6, (9.5, 9.5));
        for (int y = 0; y < 20; y++) for (int x = 0; x < 20; x++) { tube[20, y, x] = 0; tube[21, y, x] = 0; }
        var k = Simulate(tube).Along(FlowAxis.Z)!;
        Assert.Equal(0, k.PermeabilityM2);
        Assert.False(double.IsNaN(k.PermeabilityMilliDarcy));
        Assert.Contains("no connected path", k.Note);
        Assert.True(k.TrimmedPores > 0);
    }

    [Fact]
    public void DoublingTheVoxelSizeQuadruplesKAndDoublesDiameters()
    {
        var rock = OverlappingSpheres.Generate(40, 0.3, 4, 11, 1e-6);
        var a = Simulate(rock);
        var b = Simulate(rock.WithVoxelSize(2e-6));
        Assert.Equal(4 * a.PermeabilityM2, b.PermeabilityM2, 4 * a.PermeabilityM2 * 1e-9);
        Assert.Equal(2 * a.MeanPoreDiameterM, b.MeanPoreDiameterM, 1e-15);
        Assert.Equal(2 * a.MeanThroatDiameterM, b.MeanThroatDiameterM, 1e-15);
        Assert.Equal(a.SpecificSurfacePerM / 2, b.SpecificSurfacePerM, 1e-6);
    }

    [Fact]
    public void FormationFactorOfStraightTubesIsTheInverseOfTheirPorosity()
    {
        // Archie's limit for straight, uniform channels: F = 1/φ (no tortuosity, no constrictions)
        foreach (int r in new[] { 4, 6 })
        {
            var v = new Core.Volume(40, 2 * r + 6, 2 * r + 6, 1e-6);
            double c = (2 * r + 5) / 2.0;
            for (int z = 0; z < 40; z++) for (int y = 0; y < v.Ny; y++) for (int x = 0; x < v.Nx; x++)
                if ((y - c) * (y - c) + (x - c) * (x - c) <= r * r) v[z, y, x] = 1;
            var net = Extraction.SnowExtractor.Extract(v).Network;
            double f = StokesFlow.FormationFactor(net, FlowAxis.Z);
            double phi = Core.Metrics.Porosity.Compute(v);
            Assert.InRange(f * phi, 0.9, 1.1);
        }
        var blocked = new Core.Volume(20, 12, 12, 1e-6);
        for (int z = 0; z < 9; z++) for (int y = 2; y < 10; y++) for (int x = 2; x < 10; x++) blocked[z, y, x] = 1;
        Assert.True(double.IsPositiveInfinity(StokesFlow.FormationFactor(Extraction.SnowExtractor.Extract(blocked).Network, FlowAxis.Z)));
    }

    [Fact]
    public void MirrorImageHasTheSamePermeability()
    {
        var rock = OverlappingSpheres.Generate(40, 0.3, 4, 12, 1e-6);
        double k = Simulate(rock).PermeabilityM2;
        foreach (int axis in new[] { 0, 1, 2 })
            Assert.InRange(Simulate(rock.Flip(axis)).PermeabilityM2 / k, 0.995, 1.005);
    }

    [Fact]
    public void KAlongZEqualsKAlongXOfTheTransposedVolume()
    {
        var rock = GaussianBlobs.Generate(40, 0.3, 2.5, 5, 1e-6);
        double kz = Simulate(rock, FlowAxis.Z).PermeabilityM2;
        double kx = Simulate(rock.Transpose(2, 1, 0), FlowAxis.X).PermeabilityM2;
        Assert.InRange(kx / kz, 0.995, 1.005);
    }

    [Fact]
    public void AllSolidVolumeIsRefusedClearly()
    {
        var e = Assert.Throws<BadInputException>(() => Simulate(new Volume(8, 8, 8, 1e-6)));
        Assert.Contains("no pore voxels", e.Message);
    }

    [Fact]
    public void AllPoreVolumeIsOneRegionWithFinitePermeability()
    {
        var v = new Volume(10, 10, 10, 1e-6);
        Array.Fill(v.Data, (byte)1);
        var r = Simulate(v);
        Assert.Equal(1, r.PoreCount);
        Assert.Equal(0, r.ThroatCount);
        Assert.True(double.IsFinite(r.PermeabilityM2) && r.PermeabilityM2 > 0);
    }

    [Fact]
    public void OneVoxelThickVolumeIsHandled()
    {
        var v = OverlappingSpheres.Generate(1, 32, 32, 0.5, 3, 4, 1e-6);
        var r = Simulate(v, FlowAxis.Y, FlowAxis.X, FlowAxis.Z);
        Assert.All(r.Permeability, k => Assert.True(double.IsFinite(k.PermeabilityM2) && k.PermeabilityM2 >= 0));
        Assert.True(r.PoreCount > 0);
    }

    [Fact]
    public void PermeabilityGrowsWithPorosity()
    {
        double k1 = Simulate(OverlappingSpheres.Generate(40, 0.2, 4, 3, 1e-6)).PermeabilityM2;
        double k2 = Simulate(OverlappingSpheres.Generate(40, 0.35, 4, 3, 1e-6)).PermeabilityM2;
        Assert.True(k2 > k1, $"k(0.35) = {k2} should exceed k(0.2) = {k1}");
    }
}
