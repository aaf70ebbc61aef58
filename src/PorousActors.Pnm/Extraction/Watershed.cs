namespace PorousActors.Pnm.Extraction;

/// <summary>
/// Marker-controlled watershed of the pore space on the negated distance map (6-connected, as
/// scikit-image's default): regions grow from the markers through ever lower distance values.
/// A hierarchical (bucket) queue with levels of 1/<see cref="LevelsPerVoxel"/> voxel makes it
/// linear in the voxel count. A voxel takes its label when it leaves the queue, from its highest
/// already-labelled neighbour (steepest ascent; ties go to the marker with the higher peak), so the
/// result depends on the geometry and hardly on the scan order: a mirrored image gives the
/// mirrored regions. Pore voxels no marker reaches stay 0.
/// </summary>
public static class Watershed
{
    public const int LevelsPerVoxel = 256;

    public static int[] Flood(int[] markers, int markerCount, float[] height, byte[] pore, int nz, int ny, int nx)
    {
        var labels = (int[])markers.Clone();
        float hmax = 0;
        for (int i = 0; i < height.Length; i++) if (pore[i] != 0 && height[i] > hmax && float.IsFinite(height[i])) hmax = height[i];
        int levels = (int)(hmax * LevelsPerVoxel) + 2;
        var buckets = new List<int>[levels];
        var heads = new int[levels];
        for (int l = 0; l < levels; l++) buckets[l] = [];
        int Level(int i) => Math.Clamp((int)(height[i] * LevelsPerVoxel), 0, levels - 1);

        var peak = new float[markerCount + 1];
        var queued = new bool[labels.Length];
        for (int i = 0; i < labels.Length; i++)
            if (labels[i] != 0)
            {
                peak[labels[i]] = Math.Max(peak[labels[i]], height[i]);
                queued[i] = true;
                buckets[Level(i)].Add(i);
            }

        int plane = ny * nx;
        Span<int> nbr = stackalloc int[6];
        for (int cur = levels - 1; cur >= 0; cur--)
        {
            var b = buckets[cur];
            while (heads[cur] < b.Count)
            {
                int p = b[heads[cur]++];
                int x = p % nx, y = p / nx % ny, z = p / plane;
                int nn = 0;
                if (x > 0) nbr[nn++] = p - 1;
                if (x < nx - 1) nbr[nn++] = p + 1;
                if (y > 0) nbr[nn++] = p - nx;
                if (y < ny - 1) nbr[nn++] = p + nx;
                if (z > 0) nbr[nn++] = p - plane;
                if (z < nz - 1) nbr[nn++] = p + plane;
                if (labels[p] == 0)
                {
                    int best = 0; float bestH = float.NegativeInfinity;
                    for (int k = 0; k < nn; k++)
                    {
                        int q = nbr[k], l = labels[q];
                        if (l == 0) continue;
                        float h = height[q];
                        if (h > bestH || (h == bestH && peak[l] > peak[best])) { best = l; bestH = h; }
                    }
                    labels[p] = best;
                }
                for (int k = 0; k < nn; k++)
                {
                    int q = nbr[k];
                    if (pore[q] == 0 || queued[q]) continue;
                    queued[q] = true;
                    buckets[Math.Min(Level(q), cur)].Add(q);
                }
            }
            b.Clear(); b.TrimExcess();
        }
        return labels;
    }

    /// <summary>
    /// Gives each 6-connected group of pore voxels that no marker reached (a small isolated pore
    /// whose distance peak was masked by a larger pore nearby, across solid) a label of its own,
    /// so every pore voxel belongs to a pore. Returns the new region count.
    /// </summary>
    public static int LabelOrphans(int[] labels, int regionCount, byte[] pore, int nz, int ny, int nx)
    {
        int plane = ny * nx;
        var stack = new Stack<int>();
        for (int i = 0; i < labels.Length; i++)
        {
            if (pore[i] == 0 || labels[i] != 0) continue;
            int label = ++regionCount;
            labels[i] = label; stack.Push(i);
            while (stack.Count > 0)
            {
                int p = stack.Pop();
                int x = p % nx, y = p / nx % ny, z = p / plane;
                if (x > 0) Visit(p - 1);
                if (x < nx - 1) Visit(p + 1);
                if (y > 0) Visit(p - nx);
                if (y < ny - 1) Visit(p + nx);
                if (z > 0) Visit(p - plane);
                if (z < nz - 1) Visit(p + plane);
            }

            void Visit(int q)
            {
                if (pore[q] != 0 && labels[q] == 0) { labels[q] = label; stack.Push(q); }
            }
        }
        return regionCount;
    }
}
