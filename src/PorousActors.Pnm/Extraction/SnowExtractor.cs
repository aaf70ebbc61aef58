using System.Diagnostics;
using PorousActors.Core;
using PorousActors.Core.Filters;
using PorousActors.Pnm.Network;

namespace PorousActors.Pnm.Extraction;

/// <summary>
/// SNOW network extraction (Gostick 2017, as PoreSpy's snow2): distance transform of the pore
/// phase, light Gaussian smoothing, peaks as markers (saddles and nearby peaks trimmed), marker
/// watershed on the negated distance map, then regions → pores, shared boundaries → throats.
/// </summary>
public static class SnowExtractor
{
    /// <summary>Gaussian sigma (voxels) applied to the distance map before peak finding (PoreSpy's 0.4).</summary>
    public const double Sigma = 0.4;

    public sealed record Result(PoreNetwork Network, int[] Regions, float[] DistanceMap, IReadOnlyDictionary<string, double> TimingsMs);

    public static Result Extract(Volume v)
    {
        var t = new Dictionary<string, double>();
        var sw = Stopwatch.StartNew();
        int nz = v.Nz, ny = v.Ny, nx = v.Nx;
        var pore = v.Data;

        var dt = DistanceTransform.Compute(v);
        // An image with no solid at all has an infinite distance map; cap it at the image size so
        // the single region it forms still gets finite sizes.
        float cap = Math.Max(nz, Math.Max(ny, nx));
        for (int i = 0; i < dt.Length; i++) if (float.IsPositiveInfinity(dt[i])) dt[i] = cap;
        t["distanceTransform"] = Lap(sw);

        var smooth = (float[])dt.Clone();
        GaussianFilter.ApplyInPlace(smooth, nz, ny, nx, Sigma);
        for (int i = 0; i < smooth.Length; i++) if (pore[i] == 0) smooth[i] = 0;
        var (markers, count) = PeakFinder.Find(smooth, pore, nz, ny, nx);
        t["peaks"] = Lap(sw);

        var regions = Watershed.Flood(markers, count, smooth, pore, nz, ny, nx);
        t["watershed"] = Lap(sw);

        var net = NetworkBuilder.Build(regions, count, dt, pore, nz, ny, nx, v.VoxelSize);
        t["network"] = Lap(sw);
        return new Result(net, regions, dt, t);
    }

    static double Lap(Stopwatch sw) { double ms = sw.Elapsed.TotalMilliseconds; sw.Restart(); return ms; }
}
