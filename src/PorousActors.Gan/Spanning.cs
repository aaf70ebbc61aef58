using PorousActors.Core;

namespace PorousActors.Gan;

/// <summary>
/// Whether a cube's pore space spans it, for the spanning training term: the share of the three
/// axes along which face-connected pore joins the first plane to the last (the forward model's
/// "percolating": k &gt; 0 needs such a path), and that share's sensitivity to each voxel being pore.
/// Along an axis that is not spanned, the fewest solid voxels whose opening would join the two faces
/// lie on a cheapest path (0–1 breadth-first search, a solid voxel costing 1, pore 0); each of the m
/// solid voxels on it gets 1 / (3m), the linearisation of opening them all. Along a spanned axis the
/// slope is 0, so the term can only open paths, never close one.
/// </summary>
public static class Spanning
{
    /// <summary>The share of the axes (z, y, x) along which the pore spans the cube (0, ⅓, ⅔ or 1) and,
    /// when <paramref name="slope"/> is given (length of <paramref name="pore"/>), ∂share/∂pore(v) written into it.</summary>
    public static double AxisShare(byte[] pore, int nz, int ny, int nx, float[]? slope = null)
    {
        if (pore.Length != (long)nz * ny * nx) throw new ArgumentException($"the cube holds {pore.Length} voxels, not {nz}×{ny}×{nx}");
        if (slope is not null) Array.Clear(slope);
        var cost = new int[pore.Length];
        var from = new int[pore.Length];
        // a deque (pore steps to the front, solid to the back); the costs popped never fall, so a
        // voxel's first cost is its least and it is queued once
        var queue = new int[2 * pore.Length + 2];
        int spanned = 0;
        for (int axis = 0; axis < 3; axis++)
        {
            int end = CheapestCrossing(pore, nz, ny, nx, axis, cost, from, queue);
            if (cost[end] == 0) { spanned++; continue; }
            if (slope is null) continue;
            float share = 1f / (3f * cost[end]);
            for (int v = end; v >= 0; v = from[v])
                if (pore[v] == 0) slope[v] += share;
        }
        return spanned / 3.0;
    }

    /// <summary>0–1 breadth-first search from the axis's first plane to its last: returns the last-plane
    /// voxel reached at least cost (solid voxels passed, the start included), with
    /// <paramref name="from"/> leading back along the path (−1 at its start).</summary>
    static int CheapestCrossing(byte[] pore, int nz, int ny, int nx, int axis, int[] cost, int[] from, int[] queue)
    {
        Array.Fill(cost, int.MaxValue);
        int n = pore.Length, head = n + 1, tail = n + 1;   // entries live in [head, tail)
        int planes = axis == 0 ? nz : axis == 1 ? ny : nx;
        for (int v = 0; v < n; v++)
        {
            if (Coordinate(v, ny, nx, axis) != 0) continue;
            cost[v] = 1 - pore[v];
            from[v] = -1;
            if (pore[v] == 1) queue[--head] = v; else queue[tail++] = v;
        }
        int best = -1;
        Span<int> nbr = stackalloc int[6];
        while (head < tail)
        {
            int v = queue[head++];
            if (best >= 0 && cost[v] >= cost[best]) break;   // nothing cheaper is left
            int z = v / (ny * nx), y = v / nx % ny, x = v % nx;
            if ((axis == 0 ? z : axis == 1 ? y : x) == planes - 1) { if (best < 0 || cost[v] < cost[best]) best = v; continue; }
            int count = FaceNeighbours.Of(v, z, y, x, nz, ny, nx, nbr);
            for (int k = 0; k < count; k++)
            {
                int w = nbr[k], c = cost[v] + 1 - pore[w];
                if (c >= cost[w]) continue;
                cost[w] = c;
                from[w] = v;
                if (pore[w] == 1) queue[--head] = w; else queue[tail++] = w;
            }
        }
        return best;
    }

    static int Coordinate(int v, int ny, int nx, int axis) =>
        axis == 0 ? v / (ny * nx) : axis == 1 ? v / nx % ny : v % nx;
}
