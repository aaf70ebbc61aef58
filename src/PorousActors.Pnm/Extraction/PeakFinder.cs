namespace PorousActors.Pnm.Extraction;

/// <summary>
/// Pore markers for the SNOW watershed (Gostick 2017): local maxima of the smoothed distance map,
/// grouped into plateau clusters, with saddle/ridge points and peaks closer together than their
/// own distance value removed.
/// </summary>
public static class PeakFinder
{
    /// <summary>Radius (voxels) of the cubic window a peak must be the maximum of (PoreSpy's r_max = 4).</summary>
    public const int WindowRadius = 4;
    /// <summary>Layers a plateau may be walked when testing for a saddle (PoreSpy's max_iters = 20).</summary>
    public const int SaddleIterations = 20;

    /// <summary>
    /// Returns a marker image: 0 = none, k = voxel of marker k (1-based), and the marker count.
    /// </summary>
    public static (int[] Markers, int Count) Find(float[] dt, byte[] pore, int nz, int ny, int nx)
    {
        // A peak is the maximum of the (2r+1)^3 window around it. Test the 26 neighbours first
        // (almost every voxel fails there at once), then the whole window for the few survivors.
        var isPeak = new byte[dt.Length];
        int r = WindowRadius;
        Parallel.For(0, nz, z =>
        {
            for (int y = 0; y < ny; y++)
                for (int x = 0; x < nx; x++)
                {
                    int i = (z * ny + y) * nx + x;
                    float v = dt[i];
                    if (pore[i] == 0 || !(v > 0)) continue;
                    if (WindowMax(dt, nz, ny, nx, z, y, x, 1, v) && WindowMax(dt, nz, ny, nx, z, y, x, r, v)) isPeak[i] = 1;
                }
        });

        // Plateaus of equal maxima (e.g. along a tube's axis) form one marker each.
        var (labels, clusters) = LabelClusters(isPeak, nz, ny, nx);
        var keep = TrimSaddles(labels, clusters, dt, pore, nz, ny, nx);
        keep = TrimNearby(labels, clusters, keep, dt, nz, ny, nx);

        var remap = new int[clusters.Count + 1];
        int count = 0;
        for (int c = 0; c < clusters.Count; c++) if (keep[c]) remap[c + 1] = ++count;
        for (int i = 0; i < labels.Length; i++) if (labels[i] != 0) labels[i] = remap[labels[i]];
        return (labels, count);
    }

    /// <summary>True when no voxel within the cube of radius <paramref name="r"/> exceeds <paramref name="v"/>.</summary>
    static bool WindowMax(float[] dt, int nz, int ny, int nx, int z, int y, int x, int r, float v)
    {
        int z0 = Math.Max(0, z - r), z1 = Math.Min(nz - 1, z + r), y0 = Math.Max(0, y - r), y1 = Math.Min(ny - 1, y + r);
        int x0 = Math.Max(0, x - r), x1 = Math.Min(nx - 1, x + r);
        for (int zz = z0; zz <= z1; zz++)
            for (int yy = y0; yy <= y1; yy++)
            {
                int row = (zz * ny + yy) * nx;
                for (int xx = x0; xx <= x1; xx++) if (dt[row + xx] > v) return false;
            }
        return true;
    }

    internal sealed class Cluster
    {
        public readonly List<int> Voxels = [];
        public float Value;
    }

    /// <summary>26-connected components of peak voxels.</summary>
    static (int[] Labels, List<Cluster> Clusters) LabelClusters(byte[] isPeak, int nz, int ny, int nx)
    {
        var labels = new int[isPeak.Length];
        var clusters = new List<Cluster>();
        var stack = new Stack<int>();
        for (int i = 0; i < isPeak.Length; i++)
        {
            if (isPeak[i] == 0 || labels[i] != 0) continue;
            var c = new Cluster();
            clusters.Add(c);
            int id = clusters.Count;
            labels[i] = id; stack.Push(i);
            while (stack.Count > 0)
            {
                int p = stack.Pop();
                c.Voxels.Add(p);
                int z = p / (ny * nx), y = p / nx % ny, x = p % nx;
                for (int dz = -1; dz <= 1; dz++)
                    for (int dy = -1; dy <= 1; dy++)
                        for (int dx = -1; dx <= 1; dx++)
                        {
                            int zz = z + dz, yy = y + dy, xx = x + dx;
                            if ((uint)zz >= nz || (uint)yy >= ny || (uint)xx >= nx) continue;
                            int q = (zz * ny + yy) * nx + xx;
                            if (isPeak[q] != 0 && labels[q] == 0) { labels[q] = id; stack.Push(q); }
                        }
            }
        }
        return (labels, clusters);
    }

    /// <summary>
    /// A peak cluster is a saddle or ridge point when walking its plateau (voxels of equal distance
    /// value) for up to <see cref="SaddleIterations"/> layers reaches a strictly higher voxel.
    /// </summary>
    static bool[] TrimSaddles(int[] labels, List<Cluster> clusters, float[] dt, byte[] pore, int nz, int ny, int nx)
    {
        var keep = new bool[clusters.Count];
        Parallel.For(0, clusters.Count, () => new HashSet<int>(), (c, _, visited) =>
        {
            var cl = clusters[c];
            float v = dt[cl.Voxels[0]];
            foreach (var p in cl.Voxels) v = Math.Max(v, dt[p]);
            cl.Value = v;
            visited.Clear();
            var frontier = new List<int>(cl.Voxels);
            foreach (var p in frontier) visited.Add(p);
            bool saddle = false;
            for (int iter = 0; iter < SaddleIterations && frontier.Count > 0 && !saddle; iter++)
            {
                var next = new List<int>();
                foreach (int p in frontier)
                {
                    int z = p / (ny * nx), y = p / nx % ny, x = p % nx;
                    for (int dz = -1; dz <= 1 && !saddle; dz++)
                        for (int dy = -1; dy <= 1 && !saddle; dy++)
                            for (int dx = -1; dx <= 1; dx++)
                            {
                                int zz = z + dz, yy = y + dy, xx = x + dx;
                                if ((uint)zz >= nz || (uint)yy >= ny || (uint)xx >= nx) continue;
                                int q = (zz * ny + yy) * nx + xx;
                                if (pore[q] == 0) continue;
                                if (dt[q] > v) { saddle = true; break; }
                                if (dt[q] == v && visited.Add(q)) next.Add(q);
                            }
                }
                frontier = next;
            }
            keep[c] = !saddle;
            return visited;
        }, _ => { });
        return keep;
    }

    /// <summary>
    /// Drops the weaker of two peaks that lie closer together than the stronger one's distance
    /// value: both sit inside the same inscribed sphere, so they mark one pore.
    /// </summary>
    static bool[] TrimNearby(int[] labels, List<Cluster> clusters, bool[] keep, float[] dt, int nz, int ny, int nx)
    {
        int n = clusters.Count;
        var cz = new double[n]; var cy = new double[n]; var cx = new double[n];
        for (int c = 0; c < n; c++)
        {
            foreach (int p in clusters[c].Voxels) { cz[c] += p / (ny * nx); cy[c] += p / nx % ny; cx[c] += p % nx; }
            int m = clusters[c].Voxels.Count;
            cz[c] /= m; cy[c] /= m; cx[c] /= m;
        }
        var order = Enumerable.Range(0, n).Where(c => keep[c]).OrderByDescending(c => clusters[c].Value).ThenBy(c => c).ToArray();
        var kept = new List<int>();
        var result = new bool[n];
        foreach (int c in order)
        {
            bool near = false;
            foreach (int k in kept)
            {
                double r = clusters[k].Value;
                double d2 = (cz[c] - cz[k]) * (cz[c] - cz[k]) + (cy[c] - cy[k]) * (cy[c] - cy[k]) + (cx[c] - cx[k]) * (cx[c] - cx[k]);
                if (d2 < r * r) { near = true; break; }
            }
            if (!near) { kept.Add(c); result[c] = true; }
        }
        return result;
    }
}
