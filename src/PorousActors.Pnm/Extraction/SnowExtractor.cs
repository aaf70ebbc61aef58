using System.Diagnostics;
using PorousActors.Core;
using PorousActors.Core.Filters;
using PorousActors.Pnm.Network;

namespace PorousActors.Pnm.Extraction;

/// <summary>
/// SNOW network extraction (Gostick 2017, as PoreSpy 2.4's snow2 with boundary_width = 0):
/// distance transform of the pore phase, σ = 0.4 Gaussian smoothing, peaks of the smoothed map in
/// a ball of radius 4 as markers (saddles and nearby peaks trimmed on the unsmoothed map), marker
/// watershed on the negated unsmoothed map, then regions → pores, shared faces → throats.
/// </summary>
public static class SnowExtractor
{
    /// <summary>Gaussian sigma (voxels) applied to the distance map before peak finding (PoreSpy's 0.4).</summary>
    public const double Sigma = 0.4;
    /// <summary>From this many voxels on (256³), memory freed between stages is handed back at once.</summary>
    public const int LargeImageVoxels = 1 << 24;

    public sealed record Result(PoreNetwork Network, int[] Regions, float[] DistanceMap, IReadOnlyDictionary<string, double> TimingsMs);

    /// <param name="ws">reused arrays (a worker's evaluations): then <see cref="Result.Regions"/> and
    /// <see cref="Result.DistanceMap"/> are the workspace's and change with the next extraction on
    /// this thread; null for arrays of their own</param>
    public static Result Extract(Volume v, Workspace? ws = null)
    {
        var t = new Dictionary<string, double>();
        var sw = Stopwatch.StartNew();
        int nz = v.Nz, ny = v.Ny, nx = v.Nx;
        var pore = v.Data;

        var dt = DistanceTransform.Compute(v, ws);
        CapInfinite(dt, nz, ny, nx);
        t["distanceTransform"] = Lap(sw);

        // Peaks are sought on the smoothed map (SciPy's full 5-tap kernel, so plateaus tie exactly
        // where PoreSpy's do), then judged, and the watershed run, on the unsmoothed one.
        var (markers, count) = PeakFinder.Find(Smoothed(dt, pore, nz, ny, nx, ws), dt, pore, nz, ny, nx, ws);
        t["peaks"] = Lap(sw);
        // A large image's smoothed map is garbage now: hand it back before the watershed takes its
        // 8 bytes per voxel, or it stays in the peak memory (Berea 400³: 2.14 → 1.52 GB measured).
        if (ws is null && dt.Length >= LargeImageVoxels) StageMemory.Collect(keep: false);
        else if (ws is null) StageMemory.Recycle(dt.Length);

        var regions = Watershed.Flood(markers, count, dt, pore, nz, ny, nx, ws, into: markers); // markers are not needed after
        if (ws is null) StageMemory.Recycle(dt.Length); // the network's arrays reuse the flood's cells and queues
        t["watershed"] = Lap(sw);

        var net = NetworkBuilder.Build(regions, count, dt, pore, nz, ny, nx, v.VoxelSize, ws);
        t["network"] = Lap(sw);
        return new Result(net, regions, dt, t);
    }

    /// <summary>The distance map smoothed (σ = <see cref="Sigma"/>, SciPy's 5 taps), 0 in solid. Its own
    /// method: nothing in the caller's frame keeps it alive once the peaks are found.</summary>
    internal static float[] Smoothed(float[] dt, byte[] pore, int nz, int ny, int nx, Workspace? ws)
    {
        var smooth = ws.Array<float>("smooth", dt.Length, zeroed: false);
        int plane = ny * nx;
        Parallel.For(0, nz, KernelParallelism.Options, z => dt.AsSpan(z * plane, plane).CopyTo(smooth.AsSpan(z * plane, plane)));
        GaussianFilter.ApplyInPlace(smooth, nz, ny, nx, Sigma, dropNegligibleTaps: false);
        Parallel.For(0, nz, KernelParallelism.Options, z =>
        {
            for (int i = z * plane, end = i + plane; i < end; i++) if (pore[i] == 0) smooth[i] = 0;
        });
        return smooth;
    }

    /// <summary>An image with no solid at all has an infinite distance map; caps it at the image's
    /// largest edge so the single region it forms still gets finite sizes.</summary>
    internal static void CapInfinite(float[] dt, int nz, int ny, int nx)
    {
        float cap = Math.Max(nz, Math.Max(ny, nx));
        for (int i = 0; i < dt.Length; i++) if (float.IsPositiveInfinity(dt[i])) dt[i] = cap;
    }

    static double Lap(Stopwatch sw) { double ms = sw.Elapsed.TotalMilliseconds; sw.Restart(); return ms; }
}
