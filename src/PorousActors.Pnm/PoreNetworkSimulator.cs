using System.Diagnostics;
using PorousActors.Core;
using PorousActors.Core.Metrics;
using PorousActors.Pnm.Extraction;
using PorousActors.Pnm.Flow;
using PorousActors.Pnm.Network;

namespace PorousActors.Pnm;

/// <summary>
/// The forward model: volume → image metrics → SNOW pore network → Stokes flow → <see cref="RockProperties"/>.
/// Stateless and thread-safe.
/// </summary>
public sealed class PoreNetworkSimulator(IReadOnlyList<FlowAxis>? axes = null)
{
    public IReadOnlyList<FlowAxis> Axes { get; } = axes ?? [FlowAxis.Z];

    public RockProperties Simulate(Volume v) => Simulate(v, out _);

    public RockProperties Simulate(Volume v, out PoreNetwork network)
    {
        var sw = Stopwatch.StartNew();
        var metrics = ImageMetrics.Compute(v);
        var timings = new Dictionary<string, double>(metrics.TimingsMs);
        if (metrics.Porosity == 0)
            throw new BadInputException("the volume has no pore voxels: nothing to extract a pore network from");
        sw.Restart();
        var snow = SnowExtractor.Extract(v);
        foreach (var (k, t) in snow.TimingsMs) timings[k] = t;
        network = snow.Network;
        sw.Restart();
        var g = HydraulicConductance.Conduits(network);
        var perms = Axes.Select(a => StokesFlow.Permeability(snow.Network, a, g)).ToList();
        timings["solve"] = sw.Elapsed.TotalMilliseconds;
        var net = snow.Network;
        double vs = v.VoxelSize;
        return new RockProperties
        {
            Porosity = metrics.Porosity,
            SpecificSurfacePerM = metrics.SpecificSurfacePerM,
            EulerCharacteristic26 = metrics.EulerCharacteristic26,
            EulerCharacteristic6 = metrics.EulerCharacteristic6,
            PoreCount = net.PoreCount,
            ThroatCount = net.ThroatCount,
            MeanPoreDiameterM = Mean(net.PoreInscribedDiameter) * vs,
            MeanPoreEquivalentDiameterM = Mean(net.PoreEquivalentDiameter) * vs,
            MeanThroatDiameterM = Mean(net.ThroatInscribedDiameter) * vs,
            MeanThroatEquivalentDiameterM = Mean(net.ThroatEquivalentDiameter) * vs,
            CoordinationNumber = net.CoordinationNumber,
            Permeability = perms,
            TimingsMs = timings,
        };
    }

    static double Mean(double[] a) => a.Length == 0 ? 0 : a.Average();
}
