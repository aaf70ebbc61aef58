using System.Diagnostics;

namespace PorousActors.Core.Metrics;

/// <summary>Minkowski-type metrics of the pore phase with the time each took.</summary>
public sealed record ImageMetrics(
    double Porosity,
    double SpecificSurfacePerM,
    long EulerCharacteristic26,
    long EulerCharacteristic6,
    IReadOnlyDictionary<string, double> TimingsMs)
{
    public static ImageMetrics Compute(Volume v, Workspace? ws = null)
    {
        var t = new Dictionary<string, double>();
        var sw = Stopwatch.StartNew();
        double phi = Metrics.Porosity.Compute(v); t["porosity"] = Lap(sw);
        double sv = SpecificSurface.Compute(v, ws); if (ws is null) StageMemory.Recycle(v.Count); t["specificSurface"] = Lap(sw);
        long e26 = EulerCharacteristic.Compute26(v); t["euler26"] = Lap(sw);
        long e6 = EulerCharacteristic.Compute6(v); t["euler6"] = Lap(sw);
        return new ImageMetrics(phi, sv, e26, e6, t);
    }

    static double Lap(Stopwatch sw) { double ms = sw.Elapsed.TotalMilliseconds; sw.Restart(); return ms; }
}
