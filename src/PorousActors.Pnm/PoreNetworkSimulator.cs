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

    /// <summary>The properties; the voxel arrays come from this thread's <see cref="Workspace"/>, so a
    /// worker evaluating cube after cube allocates them once.</summary>
    public RockProperties Simulate(Volume v) => Simulate(v, out PoreNetwork _);

    public RockProperties Simulate(Volume v, out PoreNetwork network)
    {
        var r = Simulate(v, Workspace.ForThisThread, out SnowExtractor.Result snow);
        network = snow.Network;
        return r;
    }

    /// <summary>Also hands back the whole extraction: network, watershed regions, distance map (in
    /// arrays of their own).</summary>
    public RockProperties Simulate(Volume v, out SnowExtractor.Result snow) => Simulate(v, null, out snow);

    RockProperties Simulate(Volume v, Workspace? ws, out SnowExtractor.Result snow)
    {
        var metrics = ImageMetrics.Compute(v, ws);
        var timings = new Dictionary<string, double>(metrics.TimingsMs);
        if (metrics.Porosity == 0)
            throw new BadInputException("the volume has no pore voxels: nothing to extract a pore network from");
        snow = SnowExtractor.Extract(v, ws);
        foreach (var (k, t) in snow.TimingsMs) timings[k] = t;
        return Properties(metrics, snow.Network, timings, v.VoxelSize);
    }

    /// <summary>
    /// The same properties from an image read in z-slabs (<see cref="ChunkedSnowExtractor"/>): for
    /// images too large for one array, or to bound memory. The network is the whole image's (the
    /// extractor checks every seam; <paramref name="chunked"/>.Report says how it went).
    /// </summary>
    public RockProperties Simulate(IPlaneSource src, int chunks, int watershedHalo, Action<string>? progress, out ChunkedSnowExtractor.Result chunked)
    {
        chunked = ChunkedSnowExtractor.Extract(src, chunks, watershedHalo, progress);
        if (chunked.Metrics.Porosity == 0)
            throw new BadInputException("the volume has no pore voxels: nothing to extract a pore network from");
        var timings = new Dictionary<string, double>(chunked.TimingsMs);
        return Properties(chunked.Metrics, chunked.Network, timings, src.VoxelSize);
    }

    RockProperties Properties(ImageMetrics metrics, PoreNetwork net, Dictionary<string, double> timings, double vs)
    {
        var sw = Stopwatch.StartNew();
        var g = HydraulicConductance.Conduits(net);
        var perms = Axes.Select(a => StokesFlow.Permeability(net, a, g)).ToList();
        timings["solve"] = sw.Elapsed.TotalMilliseconds;
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
