using PorousActors.Core;
using PorousActors.Core.IO;
using PorousActors.Pnm.Flow;

namespace PorousActors.Pnm.Tests;

/// <summary>
/// The real Berea sandstone (400³ at 5.345 µm, 0 = pore) from ../shared/data/berea, when present.
/// Published direct-simulation permeability: 1360 / 1304 / 1193 mD along x / y / z.
/// </summary>
public class BereaTests
{
    public static string? FindBerea()
    {
        var env = Environment.GetEnvironmentVariable("POROUS_BEREA");
        if (env is not null && File.Exists(env)) return env;
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            var p = Path.Combine(d.FullName, "shared", "data", "berea", "berea.zip");
            if (File.Exists(p)) return p;
            p = Path.Combine(d.FullName, "..", "shared", "data", "berea", "berea.zip");
            if (File.Exists(p)) return Path.GetFullPath(p);
        }
        return null;
    }

    [SkippableFact]
    public void PermeabilityAlongEachAxisIsWithinFactorOnePointFiveOfPublished()
    {
        var path = FindBerea();
        Skip.If(path is null, "Berea sample not found (../shared/data/berea/berea.zip or POROUS_BEREA); skipped");
        var v = VolumeIO.ReadBinary(path!, new ReadOptions(PoreValue: 0, VoxelSize: 5.345e-6));
        Assert.InRange(Core.Metrics.Porosity.Compute(v), 0.19, 0.20);
        var r = new PoreNetworkSimulator([FlowAxis.X, FlowAxis.Y, FlowAxis.Z]).Simulate(v);
        var published = new Dictionary<FlowAxis, double> { [FlowAxis.X] = 1360, [FlowAxis.Y] = 1304, [FlowAxis.Z] = 1193 };
        foreach (var (axis, kPub) in published)
        {
            double k = r.Along(axis)!.PermeabilityMilliDarcy;
            Assert.InRange(k / kPub, 1 / 1.5, 1.5);
        }
        // Published pore-network statistics for this Berea image (Dong & Blunt 2009): mean inscribed
        // pore radius ~19 µm, throat radius ~11 µm; ours by PoreSpy's snow2 definitions must be of
        // that order (within a factor 2).
        Assert.InRange(r.MeanPoreDiameterM / 2, 19e-6 / 2, 19e-6 * 2);
        Assert.InRange(r.MeanThroatDiameterM / 2, 11e-6 / 2, 11e-6 * 2);
    }
}
