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

    // Working states in the label array, so each neighbour visit reads one array.
    const int Solid = int.MinValue, Queued = -1;

    public static int[] Flood(int[] markers, int markerCount, float[] height, byte[] pore, int nz, int ny, int nx)
    {
        int n = markers.Length;
        var labels = new int[n];
        float hmax = 0;
        int nPore = 0;
        for (int i = 0; i < n; i++)
        {
            labels[i] = pore[i] == 0 ? Solid : markers[i];
            if (pore[i] == 0) continue;
            nPore++;
            if (height[i] > hmax && float.IsFinite(height[i])) hmax = height[i];
        }
        int levels = (int)(hmax * LevelsPerVoxel) + 2;

        // Every pore voxel is queued once, either at its own level or, when reached from a lower
        // level, in the "hot" queue of the level being flooded. Buckets are slices of one array
        // sized by a histogram of the own levels: no list growth, no garbage.
        var start = new int[levels + 1];
        for (int i = 0; i < n; i++) if (pore[i] != 0) start[Level(height[i], levels) + 1]++;
        for (int l = 0; l < levels; l++) start[l + 1] += start[l];
        var fill = new int[levels];
        var slots = new int[nPore];
        var hot = new int[nPore];

        var peak = new float[markerCount + 1];
        for (int i = 0; i < n; i++)
            if (labels[i] > 0)
            {
                peak[labels[i]] = Math.Max(peak[labels[i]], height[i]);
                int l = Level(height[i], levels);
                slots[start[l] + fill[l]++] = i;
            }

        int plane = ny * nx;
        Span<int> nbr = stackalloc int[6];
        for (int cur = levels - 1; cur >= 0; cur--)
        {
            int next = 0, hotHead = 0, hotTail = 0;
            while (true)
            {
                int p;
                if (hotHead < hotTail) p = hot[hotHead++];
                else if (next < fill[cur]) p = slots[start[cur] + next++];
                else break;

                int z = p / plane, rem = p - z * plane, y = rem / nx, x = rem - y * nx;
                int nn = 0;
                if (x > 0) nbr[nn++] = p - 1;
                if (x < nx - 1) nbr[nn++] = p + 1;
                if (y > 0) nbr[nn++] = p - nx;
                if (y < ny - 1) nbr[nn++] = p + nx;
                if (z > 0) nbr[nn++] = p - plane;
                if (z < nz - 1) nbr[nn++] = p + plane;
                if (labels[p] <= 0)
                {
                    int best = 0; float bestH = float.NegativeInfinity;
                    for (int k = 0; k < nn; k++)
                    {
                        int q = nbr[k], l = labels[q];
                        if (l <= 0) continue;
                        float h = height[q];
                        if (h > bestH || (h == bestH && peak[l] > peak[best])) { best = l; bestH = h; }
                    }
                    labels[p] = best;
                }
                for (int k = 0; k < nn; k++)
                {
                    int q = nbr[k];
                    if (labels[q] != 0) continue; // solid, queued or labelled
                    labels[q] = Queued;
                    int lq = Level(height[q], levels);
                    if (lq >= cur) hot[hotTail++] = q;
                    else slots[start[lq] + fill[lq]++] = q;
                }
            }
        }
        for (int i = 0; i < n; i++) if (labels[i] < 0) labels[i] = 0;
        return labels;
    }

    static int Level(float h, int levels) => Math.Clamp((int)(h * LevelsPerVoxel), 0, levels - 1);
}
