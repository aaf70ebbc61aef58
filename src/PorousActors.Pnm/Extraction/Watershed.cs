namespace PorousActors.Pnm.Extraction;

/// <summary>
/// Marker-controlled watershed of the pore space on the negated distance map (6-connected, as
/// scikit-image's default): regions grow from the markers through ever lower distance values.
/// A hierarchical (bucket) queue with levels of 1/<see cref="LevelsPerVoxel"/> voxel and FIFO order
/// within a level makes it linear in the voxel count. Pore voxels no marker reaches stay 0.
/// </summary>
public static class Watershed
{
    public const int LevelsPerVoxel = 32;

    public static int[] Flood(int[] markers, float[] height, byte[] pore, int nz, int ny, int nx)
    {
        var labels = (int[])markers.Clone();
        float hmax = 0;
        for (int i = 0; i < height.Length; i++) if (pore[i] != 0 && height[i] > hmax && float.IsFinite(height[i])) hmax = height[i];
        int levels = (int)(hmax * LevelsPerVoxel) + 2;
        var buckets = new List<int>[levels];
        var heads = new int[levels];
        for (int l = 0; l < levels; l++) buckets[l] = [];
        int Level(int i) => Math.Clamp((int)(height[i] * LevelsPerVoxel), 0, levels - 1);

        for (int i = 0; i < labels.Length; i++)
            if (labels[i] != 0) buckets[Level(i)].Add(i);

        int plane = ny * nx;
        for (int cur = levels - 1; cur >= 0; cur--)
        {
            var b = buckets[cur];
            while (heads[cur] < b.Count)
            {
                int p = b[heads[cur]++];
                int label = labels[p];
                int x = p % nx, y = p / nx % ny, z = p / plane;
                if (x > 0) Visit(p - 1);
                if (x < nx - 1) Visit(p + 1);
                if (y > 0) Visit(p - nx);
                if (y < ny - 1) Visit(p + nx);
                if (z > 0) Visit(p - plane);
                if (z < nz - 1) Visit(p + plane);

                void Visit(int q)
                {
                    if (pore[q] == 0 || labels[q] != 0) return;
                    labels[q] = label;
                    buckets[Math.Min(Level(q), cur)].Add(q);
                }
            }
            b.Clear(); b.TrimExcess();
        }
        return labels;
    }
}
