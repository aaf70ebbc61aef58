using PorousActors.Core;
using PorousActors.Pnm.Flow;
using PorousActors.Pnm.VoxelFlow;
using Xunit.Abstractions;

namespace PorousActors.Pnm.Tests;

/// <summary>
/// The voxel-level lattice-Boltzmann Stokes solver against analytic flows: plane Poiseuille
/// (exact with TRT's Λ = 3/16), Hagen–Poiseuille in voxelised tubes, and Zick & Homsy's drag on a
/// simple cubic array of spheres; plus grid refinement and the sample set-up's symmetries.
/// </summary>
public class VoxelFlowTests(ITestOutputHelper log)
{
    static readonly VoxelFlowOptions Tight = new(Tolerance: 1e-6);

    static double PeriodicK(Volume v, FlowAxis axis = FlowAxis.Z, VoxelFlowOptions? o = null)
    {
        var r = new LatticeBoltzmann().Solve(FlowDomain.Periodic(v, axis), o ?? Tight);
        Assert.True(r.Converged, r.Note);
        return r.PermeabilityVoxel2;
    }

    [Fact]
    public void SlitMatchesPlanePoiseuilleExactly()
    {
        // Fluid gap of h voxels between one-voxel walls, periodic; the walls sit half-way between
        // nodes, so the gap is exactly h. The nodal velocities are then exactly the parabola
        // u = g s (h − s) / (2ν) at s = ½, 3/2, …; the flux, a sum over nodes, is the midpoint rule
        // of it: Σ = g (h³ + h/2) / (12 ν), against g h³ / (12 ν) for the integral (3 % at h = 4,
        // 0.6 % at h = 9). Over the h + 1 rows of the cell: k = (h³ + h/2) / (12 (h + 1)).
        foreach (int h in new[] { 4, 9 })
        {
            var v = new Volume(2, h + 1, 3, 1e-6);
            for (int z = 0; z < 2; z++) for (int y = 1; y <= h; y++) for (int x = 0; x < 3; x++) v[z, y, x] = 1;
            double k = PeriodicK(v);
            double exact = (Math.Pow(h, 3) + h / 2.0) / (12.0 * (h + 1));
            log.WriteLine($"slit h={h}: k = {k:G7} voxel², exact nodal {exact:G7} ({100 * (k / exact - 1):+0.0000;-0.0000} %), continuum {Math.Pow(h, 3) / (12.0 * (h + 1)):G7}");
            Assert.InRange(k / exact, 0.9999, 1.0001);
        }
    }

    static Volume Tube(int r, int box, int length)
    {
        var v = new Volume(length, box, box, 1e-6);
        double c = (box - 1) / 2.0;
        for (int z = 0; z < length; z++)
            for (int y = 0; y < box; y++)
                for (int x = 0; x < box; x++)
                    if ((y - c) * (y - c) + (x - c) * (x - c) <= (double)r * r) v[z, y, x] = 1;
        return v;
    }

    [Fact]
    public void TubeApproachesHagenPoiseuilleAsTheResolutionGrows()
    {
        // k = π r⁴ / (8 A): the voxelised circle's staircase is the only error, and it shrinks
        double Error(int r)
        {
            int box = 2 * r + 4;
            double k = PeriodicK(Tube(r, box, 2));
            double exact = Math.PI * Math.Pow(r, 4) / (8.0 * box * box);
            log.WriteLine($"tube r={r}: k = {k:G6} voxel², Hagen–Poiseuille {exact:G6} ({100 * (k / exact - 1):+0.00;-0.00} %)");
            return Math.Abs(k / exact - 1);
        }
        double e5 = Error(5), e10 = Error(10), e20 = Error(20);
        Assert.True(e20 < 0.03, $"r = 20 voxels: {100 * e20:F2} % from Hagen–Poiseuille");
        Assert.True(e20 < e5, "refining the grid must bring k closer to Hagen–Poiseuille");
        Assert.True(e10 < 0.05);
    }

    static Volume SphereCell(int cell, double solidFraction)
    {
        double a = cell * Math.Cbrt(3 * solidFraction / (4 * Math.PI));
        var v = new Volume(cell, cell, cell, 1e-6);
        double c = cell / 2.0 - 0.5;
        for (int z = 0; z < cell; z++)
            for (int y = 0; y < cell; y++)
                for (int x = 0; x < cell; x++)
                    v[z, y, x] = (z - c) * (z - c) + (y - c) * (y - c) + (x - c) * (x - c) <= a * a ? (byte)0 : (byte)1;
        return v;
    }

    // Zick & Homsy (1982), simple cubic array: dimensionless drag K(c), F = 6π μ a U K.
    public static readonly (double C, double K)[] ZickHomsy = [(0.064, 2.810), (0.125, 4.292), (0.216, 7.442), (0.343, 15.4)];

    [Fact]
    public void SphereArrayMatchesZickAndHomsy()
    {
        // Force balance per cell, G L³ = 6π μ a U K, gives k = L³ / (6π a K)
        const int cell = 40;
        foreach (var (c, kz) in ZickHomsy)
        {
            double a = cell * Math.Cbrt(3 * c / (4 * Math.PI));
            var sw = System.Diagnostics.Stopwatch.StartNew();
            // wide open cells relax by viscous diffusion, faster with τ+ = 1 than the rock default
            var r = new LatticeBoltzmann().Solve(FlowDomain.Periodic(SphereCell(cell, c), FlowAxis.Z), Tight with { TauPlus = 1.0 });
            double k = r.PermeabilityVoxel2;
            log.WriteLine($"  {r.Steps} steps, {r.Seconds:F1} s, {r.Mlups:F1} MLUPS");
            double exact = Math.Pow(cell, 3) / (6 * Math.PI * a * kz);
            log.WriteLine($"spheres c={c}: a = {a:F2} voxels, k = {k:G6} voxel², Zick & Homsy {exact:G6} ({100 * (k / exact - 1):+0.00;-0.00} %)");
            Assert.InRange(k / exact, 0.97, 1.03);
        }
    }

    [Fact]
    public void SampleSetUpGivesAStraightTubeItsHagenPoiseuilleValue()
    {
        // The sample set-up (mirror along the flow, free-slip sides) must not add entrance losses
        // or wall friction: a tube through the sample has the periodic tube's k.
        var tube = Tube(8, 20, 24);
        double periodic = PeriodicK(tube);
        var sample = VoxelPermeability.Compute(tube, FlowAxis.Z, options: Tight);
        log.WriteLine($"tube r=8: sample {sample.Solve.PermeabilityVoxel2:G6}, periodic {periodic:G6}");
        Assert.InRange(sample.Solve.PermeabilityVoxel2 / periodic, 0.999, 1.001);
        Assert.InRange(sample.Solve.HydraulicTortuosity, 1, 1.0001); // straight streamlines
        Assert.Equal(sample.Solve.PermeabilityVoxel2 * 1e-12, sample.PermeabilityM2, 1e-20);
    }

    [Fact]
    public void TransposedRockGivesTheSameKAlongTheMatchingAxis()
    {
        var rock = Core.Generators.GaussianBlobs.Generate(24, 0.35, 2.5, 5, 1e-6);
        var kz = VoxelPermeability.Compute(rock, FlowAxis.Z, options: Tight);
        var kx = VoxelPermeability.Compute(rock.Transpose(2, 1, 0), FlowAxis.X, options: Tight);
        log.WriteLine($"kz {kz.PermeabilityMilliDarcy:G6} mD, kx of transposed {kx.PermeabilityMilliDarcy:G6} mD, {kz.Solve.Steps} steps");
        Assert.True(kz.PermeabilityM2 > 0);
        Assert.InRange(kx.PermeabilityM2 / kz.PermeabilityM2, 0.9999, 1.0001);
    }

    [Fact]
    public void BlockedSampleHasZeroPermeability()
    {
        var v = Tube(4, 12, 16);
        for (int y = 0; y < 12; y++) for (int x = 0; x < 12; x++) v[8, y, x] = 0; // a solid plug
        var r = VoxelPermeability.Compute(v, FlowAxis.Z, options: Tight);
        Assert.InRange(r.Solve.PermeabilityVoxel2, -1e-9, 1e-9);
    }
}
