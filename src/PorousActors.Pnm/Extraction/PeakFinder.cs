using PorousActors.Core;
namespace PorousActors.Pnm.Extraction;

/// <summary>
/// Pore markers for the SNOW watershed, step for step as PoreSpy 2.4's snow_partitioning:
/// <list type="number">
/// <item>peaks: voxels of the smoothed distance map that are the maximum of a ball of radius
/// r_max = 4 (PoreSpy's <c>ps_round</c>: offsets with |d|² &lt; 16), solid counting as 2, so no
/// peak sits at the pore wall;</item>
/// <item>saddle trimming on the unsmoothed distance map (<c>trim_saddle_points</c>): a
/// 6-connected peak cluster is walked over its plateau for up to 20 dilations inside its box
/// padded by 20; it is a true peak when the plateau closes, a saddle when the largest value of
/// the dilated set lies off the plateau, and dropped when undecided;</item>
/// <item>nearby trimming (<c>trim_nearby_peaks</c>): of a 26-connected peak and its nearest
/// neighbour (centroids truncated to voxels), the one closer to solid goes when they are no
/// farther apart than the larger one's distance to solid;</item>
/// <item>markers: 26-connected clusters of what remains.</item>
/// </list>
/// </summary>
public static class PeakFinder
{
    /// <summary>Radius (voxels) of the ball a peak must be the maximum of (PoreSpy's r_max = 4).</summary>
    public const int BallRadius = 4;
    /// <summary>Dilations a plateau may be walked when testing for a saddle (PoreSpy's maxiter = 20).</summary>
    public const int SaddleIterations = 20;
    /// <summary>Value solid voxels take in the maximum filter (PoreSpy's "+ 2 * ~im").</summary>
    const float SolidValue = 2f;

    /// <summary>
    /// Returns a marker image (0 = none, k = voxel of marker k, 1-based) and the marker count.
    /// </summary>
    /// <param name="smooth">Gaussian-smoothed distance map, 0 in solid (where peaks are sought).</param>
    /// <param name="dt">Unsmoothed distance map (what saddle and nearby trimming judge by).</param>
    public static (int[] Markers, int Count) Find(float[] smooth, float[] dt, byte[] pore, int nz, int ny, int nx, Workspace? ws = null)
    {
        var isPeak = FindPeaks(smooth, pore, nz, ny, nx, 0, nz, ws);
        // Peaks are few (~0.1 % of voxels): every later step walks their list, not the image.
        var peaks = Marked(isPeak, nz, ny * nx);
        var (clusters6, clusterCount) = Label(isPeak, peaks, nz, ny, nx, faces: true, ws, "peakClusters6");
        var keep = SaddleVerdicts(clusters6, peaks, clusterCount, dt, pore, nz, ny, nx, null);
        foreach (int i in peaks)
            if (clusters6[i] != 0 && !keep[clusters6[i] - 1]) isPeak[i] = 0;
        TrimNearby(isPeak, dt, nz, ny, nx, ws, peaks);
        return Label(isPeak, peaks, nz, ny, nx, faces: false, ws, "markers", writtenInFullLater: true); // the watershed writes its labels over them
    }

    /// <summary>Offsets of PoreSpy's ball footprint of radius <see cref="BallRadius"/>, nearest first
    /// so a voxel usually fails on its first few neighbours.</summary>
    static readonly (int Dz, int Dy, int Dx)[] Ball = BuildBall();

    static (int, int, int)[] BuildBall()
    {
        int r = BallRadius;
        var list = new List<(int, int, int)>();
        for (int dz = -r; dz <= r; dz++)
            for (int dy = -r; dy <= r; dy++)
                for (int dx = -r; dx <= r; dx++)
                    if (dz * dz + dy * dy + dx * dx < r * r && (dz | dy | dx) != 0) list.Add((dz, dy, dx));
        return [.. list.OrderBy(o => o.Item1 * o.Item1 + o.Item2 * o.Item2 + o.Item3 * o.Item3)];
    }

    /// <summary>PoreSpy's find_peaks: smooth == maximum_filter(smooth + 2·solid, ball) in the pore,
    /// on planes [zFrom, zTo). Its mirrored edges only repeat voxels already inside the ball, so
    /// clipping is the same.</summary>
    internal static byte[] FindPeaks(float[] smooth, byte[] pore, int nz, int ny, int nx, int zFrom, int zTo, Workspace? ws = null)
    {
        var isPeak = ws.Array<byte>("peaks", smooth.Length);
        Parallel.For(zFrom, zTo, KernelParallelism.Options, z =>
        {
            for (int y = 0; y < ny; y++)
                for (int x = 0; x < nx; x++)
                {
                    int i = (z * ny + y) * nx + x;
                    float v = smooth[i];
                    if (pore[i] == 0 || !(v > 0)) continue;
                    bool peak = true;
                    foreach (var (dz, dy, dx) in Ball)
                    {
                        int zz = z + dz, yy = y + dy, xx = x + dx;
                        if ((uint)zz >= (uint)nz || (uint)yy >= (uint)ny || (uint)xx >= (uint)nx) continue;
                        int q = (zz * ny + yy) * nx + xx;
                        float w = pore[q] != 0 ? smooth[q] : SolidValue;
                        if (w > v) { peak = false; break; }
                    }
                    if (peak) isPeak[i] = 1;
                }
        });
        return isPeak;
    }

    /// <summary>The marked voxels in increasing order (planes found in parallel).</summary>
    internal static int[] Marked(byte[] marked, int nz, int plane)
    {
        var perPlane = new int[nz][];
        Parallel.For(0, nz, KernelParallelism.Options, z =>
        {
            ReadOnlySpan<byte> span = marked.AsSpan(z * plane, plane);
            var list = new List<int>();
            for (int x = NonZero.Next(span, 0); x >= 0; x = NonZero.Next(span, x + 1)) list.Add(z * plane + x);
            perPlane[z] = [.. list];
        });
        var all = new int[perPlane.Sum(p => p.Length)];
        int at = 0;
        foreach (var p in perPlane) { p.CopyTo(all, at); at += p.Length; }
        return all;
    }

    /// <summary>Connected components of the marked voxels, numbered in scan order of their first
    /// voxel (as scipy.ndimage.label): 6-connected with <paramref name="faces"/>, else 26.
    /// <paramref name="candidates"/> holds (in increasing order) every marked voxel, possibly among
    /// unmarked ones (<see cref="Marked"/>), so the image need not be scanned.
    /// <paramref name="writtenInFullLater"/>: the image will be written in full afterwards (the markers
    /// the watershed floods over), so it is cleared in huge pages at once; otherwise it is left to
    /// the runtime's untouched zero memory, since only one voxel in thousands is a peak.</summary>
    internal static (int[] Labels, int Count) Label(byte[] marked, int[] candidates, int nz, int ny, int nx, bool faces, Workspace? ws = null, string name = "labels", bool writtenInFullLater = false)
    {
        int[] labels;
        if (writtenInFullLater) LargeArrays.Clear(labels = ws.Array<int>(name, marked.Length, zeroed: false));
        else labels = ws.Array<int>(name, marked.Length);
        var stack = new Stack<int>();
        int count = 0;
        foreach (int i in candidates)
        {
            if (marked[i] == 0 || labels[i] != 0) continue;
            labels[i] = ++count; stack.Push(i);
            while (stack.Count > 0)
            {
                int p = stack.Pop();
                int z = p / (ny * nx), y = p / nx % ny, x = p % nx;
                for (int dz = -1; dz <= 1; dz++)
                    for (int dy = -1; dy <= 1; dy++)
                        for (int dx = -1; dx <= 1; dx++)
                        {
                            if (faces && Math.Abs(dz) + Math.Abs(dy) + Math.Abs(dx) != 1) continue;
                            int zz = z + dz, yy = y + dy, xx = x + dx;
                            if ((uint)zz >= (uint)nz || (uint)yy >= (uint)ny || (uint)xx >= (uint)nx) continue;
                            int q = (zz * ny + yy) * nx + xx;
                            if (marked[q] != 0 && labels[q] == 0) { labels[q] = count; stack.Push(q); }
                        }
            }
        }
        return (labels, count);
    }

    /// <summary>PoreSpy 2.x trim_saddle_points on the unsmoothed distance map: true for every
    /// 6-connected peak cluster that is a true peak. With <paramref name="reach"/> (2 per cluster)
    /// it also records the lowest and highest plane each walk read.</summary>
    /// <param name="candidates">every labelled voxel, in increasing order (possibly among others)</param>
    internal static bool[] SaddleVerdicts(int[] labels, int[] candidates, int count, float[] dt, byte[] pore, int nz, int ny, int nx, int[]? reach)
    {
        var members = new List<int>[count];
        for (int c = 0; c < count; c++) members[c] = [];
        foreach (int i in candidates) if (labels[i] != 0) members[labels[i] - 1].Add(i);
        var keep = new bool[count];
        Parallel.For(0, count, KernelParallelism.Options, () => (new HashSet<int>(), new HashSet<int>(), new HashSet<int>()), (c, _, sets) =>
        {
            var (current, dilated, extended) = sets;
            current.Clear();
            var voxels = members[c];
            // The walk stays inside the cluster's bounding box padded by maxiter, as PoreSpy's slice.
            int z0 = int.MaxValue, y0 = int.MaxValue, x0 = int.MaxValue, z1 = -1, y1 = -1, x1 = -1;
            foreach (int p in voxels)
            {
                int z = p / (ny * nx), y = p / nx % ny, x = p % nx;
                z0 = Math.Min(z0, z); z1 = Math.Max(z1, z); y0 = Math.Min(y0, y); y1 = Math.Max(y1, y); x0 = Math.Min(x0, x); x1 = Math.Max(x1, x);
                current.Add(p);
            }
            int readLo = z0, readHi = z1;
            int pad = SaddleIterations;
            z0 = Math.Max(0, z0 - pad); y0 = Math.Max(0, y0 - pad); x0 = Math.Max(0, x0 - pad);
            z1 = Math.Min(nz - 1, z1 + pad); y1 = Math.Min(ny - 1, y1 + pad); x1 = Math.Min(nx - 1, x1 + pad);
            for (int iter = 0; iter < SaddleIterations; iter++)
            {
                // Dilate by the 3x3x3 cube inside the box, and find the dilated set's largest value.
                dilated.Clear();
                float top = float.NegativeInfinity;
                foreach (int p in current)
                {
                    int z = p / (ny * nx), y = p / nx % ny, x = p % nx;
                    readLo = Math.Min(readLo, Math.Max(z0, z - 1)); readHi = Math.Max(readHi, Math.Min(z1, z + 1));
                    for (int zz = Math.Max(z0, z - 1); zz <= Math.Min(z1, z + 1); zz++)
                        for (int yy = Math.Max(y0, y - 1); yy <= Math.Min(y1, y + 1); yy++)
                            for (int xx = Math.Max(x0, x - 1); xx <= Math.Min(x1, x + 1); xx++)
                            {
                                int q = (zz * ny + yy) * nx + xx;
                                if (dilated.Add(q) && dt[q] > top) top = dt[q];
                            }
                }
                extended.Clear();
                bool overlaps = false;
                foreach (int q in dilated)
                    if (pore[q] != 0 && dt[q] == top) { extended.Add(q); overlaps |= current.Contains(q); }
                if (extended.SetEquals(current)) { keep[c] = true; break; }  // the plateau closes: a true peak
                if (!overlaps) break;                                        // higher ground beside it: a saddle
                (current, extended) = (extended, current);
            }
            if (reach is not null) { reach[2 * c] = readLo; reach[2 * c + 1] = readHi; }
            return (current, dilated, extended);
        }, _ => { });
        return keep;
    }

    /// <summary>PoreSpy 2.x trim_nearby_peaks (f = 1) on the unsmoothed distance map.</summary>
    static void TrimNearby(byte[] isPeak, float[] dt, int nz, int ny, int nx, Workspace? ws, int[] peaks)
    {
        var (labels, n) = Label(isPeak, peaks, nz, ny, nx, faces: false, ws, "peakClusters26");
        if (n < 2) return;
        var sum = new double[3 * n]; var size = new int[n];
        foreach (int i in peaks)
        {
            int l = labels[i] - 1;
            if (l < 0) continue;
            sum[3 * l] += i / (ny * nx); sum[3 * l + 1] += i / nx % ny; sum[3 * l + 2] += i % nx;
            size[l]++;
        }
        // Centroids truncated to voxels, and the distance to solid there, joggled by 1e-6 per
        // index so equal distances are decided the same way every time (PoreSpy's arange).
        var crd = new int[3 * n];
        var dist = new double[n];
        for (int l = 0; l < n; l++)
        {
            for (int k = 0; k < 3; k++) crd[3 * l + k] = (int)(sum[3 * l + k] / size[l]);
            dist[l] = dt[(crd[3 * l] * ny + crd[3 * l + 1]) * nx + crd[3 * l + 2]] + l * 1e-6;
        }
        var drop = NearbyDrops(crd, dist, n);
        foreach (int i in peaks)
            if (labels[i] != 0 && drop[labels[i] - 1]) isPeak[i] = 0;
    }

    /// <summary>Which of n peaks (truncated centroids, joggled distances to solid) trim_nearby_peaks drops.</summary>
    internal static bool[] NearbyDrops(int[] crd, double[] dist, int n)
    {
        var drop = new bool[n];
        if (n < 2) return drop;
        var nearest = NearestNeighbours(crd, n, out var gap);
        for (int l = 0; l < n; l++)
        {
            if (!(gap[l] <= dist[l])) continue;
            int m = nearest[l];
            drop[dist[l] < dist[m] ? l : m] = true;
        }
        return drop;
    }

    /// <summary>For each point, its nearest other point (ties: the lower index) and the distance,
    /// by a sweep along z over points sorted by z.</summary>
    static int[] NearestNeighbours(int[] crd, int n, out double[] gap)
    {
        var order = Enumerable.Range(0, n).OrderBy(l => crd[3 * l]).ThenBy(l => l).ToArray();
        var nearest = new int[n];
        var best = new double[n];
        Parallel.For(0, n, KernelParallelism.Options, a =>
        {
            int l = order[a];
            double b2 = double.PositiveInfinity; int bi = -1;
            for (int dir = -1; dir <= 1; dir += 2)
                for (int k = a + dir; k >= 0 && k < n; k += dir)
                {
                    int m = order[k];
                    double dz = crd[3 * m] - crd[3 * l];
                    if (dz * dz > b2) break;
                    double dy = crd[3 * m + 1] - crd[3 * l + 1], dx = crd[3 * m + 2] - crd[3 * l + 2];
                    double d2 = dz * dz + dy * dy + dx * dx;
                    if (d2 < b2 || (d2 == b2 && m < bi)) { b2 = d2; bi = m; }
                }
            nearest[l] = bi; best[l] = Math.Sqrt(b2);
        });
        gap = best;
        return nearest;
    }
}
