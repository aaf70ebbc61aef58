namespace PorousActors.Core.Metrics;

/// <summary>
/// Marching-cubes iso-surface area. The surface inside a cell depends on which of its 8 corners lie
/// above the level: we build the polygon loops once per configuration by tracing, face by face,
/// the iso-lines between crossed edges into closed loops (on an ambiguous face, with two diagonal
/// corners above the level, each such corner is cut off on its own). Per cell the loop vertices are
/// placed on their edges by linear interpolation and each loop is fanned from its centroid.
/// </summary>
public static class MarchingCubesArea
{
    // Faces as corner cycles; corner i has (x, y, z) = (i & 1, i >> 1 & 1, i >> 2 & 1).
    static readonly int[][] Faces =
    [
        [0, 2, 6, 4], [1, 3, 7, 5], // x = 0, x = 1
        [0, 1, 5, 4], [2, 3, 7, 6], // y = 0, y = 1
        [0, 1, 3, 2], [4, 5, 7, 6], // z = 0, z = 1
    ];

    /// <summary>The 12 cell edges as corner pairs (a, b), a &lt; b.</summary>
    public static readonly (int A, int B)[] Edges = BuildEdges();

    /// <summary>Per configuration, its surface loops as lists of edge indices.</summary>
    public static readonly int[][][] Loops = BuildLoops(); // after Faces and Edges: static fields initialise in order

    static (int, int)[] BuildEdges()
    {
        var list = new List<(int, int)>();
        for (int a = 0; a < 8; a++)
            for (int bit = 1; bit < 8; bit <<= 1)
                if ((a & bit) == 0) list.Add((a, a | bit));
        return [.. list];
    }

    static int EdgeIndex(int a, int b) => Array.IndexOf(Edges, a < b ? (a, b) : (b, a));

    static int[][][] BuildLoops()
    {
        var all = new int[256][][];
        for (int cfg = 0; cfg < 256; cfg++) all[cfg] = CellLoops(cfg);
        return all;
    }

    static int[][] CellLoops(int cfg)
    {
        bool In(int c) => ((cfg >> c) & 1) != 0;
        // Each crossed edge (a surface vertex) gets one neighbour per face it lies on.
        var links = new Dictionary<int, List<int>>();
        void Link(int e1, int e2)
        {
            if (!links.TryGetValue(e1, out var l1)) links[e1] = l1 = [];
            if (!links.TryGetValue(e2, out var l2)) links[e2] = l2 = [];
            l1.Add(e2); l2.Add(e1);
        }
        foreach (var f in Faces)
        {
            var crossed = new List<int>();
            for (int j = 0; j < 4; j++)
                if (In(f[j]) != In(f[(j + 1) % 4])) crossed.Add(j);
            if (crossed.Count == 2)
                Link(EdgeIndex(f[crossed[0]], f[(crossed[0] + 1) % 4]), EdgeIndex(f[crossed[1]], f[(crossed[1] + 1) % 4]));
            else if (crossed.Count == 4)
                for (int j = 0; j < 4; j++)
                    if (In(f[j])) // cut off this corner: join its two face edges
                        Link(EdgeIndex(f[(j + 3) % 4], f[j]), EdgeIndex(f[j], f[(j + 1) % 4]));
        }
        var loops = new List<int[]>();
        var seen = new HashSet<int>();
        foreach (var start in links.Keys.Order())
        {
            if (seen.Contains(start)) continue;
            var loop = new List<int>();
            int prev = -1, cur = start;
            while (seen.Add(cur))
            {
                loop.Add(cur);
                var nb = links[cur];
                int next = nb[0] != prev ? nb[0] : nb[1];
                prev = cur; cur = next;
            }
            loops.Add([.. loop]);
        }
        return [.. loops];
    }

    /// <summary>Surface area inside one cell, given the 8 corner values and the level.</summary>
    public static double CellArea(ReadOnlySpan<float> corner, float level, Span<double> px, Span<double> py, Span<double> pz)
    {
        int cfg = 0;
        for (int c = 0; c < 8; c++) if (corner[c] > level) cfg |= 1 << c;
        if (cfg == 0 || cfg == 255) return 0;
        double area = 0;
        foreach (var loop in Loops[cfg])
        {
            int n = loop.Length;
            double cx = 0, cy = 0, cz = 0;
            for (int i = 0; i < n; i++)
            {
                var (a, b) = Edges[loop[i]];
                double t = (level - corner[a]) / (double)(corner[b] - corner[a]);
                px[i] = (a & 1) + t * ((b & 1) - (a & 1));
                py[i] = (a >> 1 & 1) + t * ((b >> 1 & 1) - (a >> 1 & 1));
                pz[i] = (a >> 2 & 1) + t * ((b >> 2 & 1) - (a >> 2 & 1));
                cx += px[i]; cy += py[i]; cz += pz[i];
            }
            if (n == 3) { area += Triangle(px[0], py[0], pz[0], px[1], py[1], pz[1], px[2], py[2], pz[2]); continue; }
            cx /= n; cy /= n; cz /= n;
            for (int i = 0; i < n; i++)
            {
                int j = (i + 1) % n;
                area += Triangle(cx, cy, cz, px[i], py[i], pz[i], px[j], py[j], pz[j]);
            }
        }
        return area;
    }

    static double Triangle(double ax, double ay, double az, double bx, double by, double bz, double qx, double qy, double qz)
    {
        double ux = bx - ax, uy = by - ay, uz = bz - az, vx = qx - ax, vy = qy - ay, vz = qz - az;
        double cx = uy * vz - uz * vy, cy = uz * vx - ux * vz, cz = ux * vy - uy * vx;
        return 0.5 * Math.Sqrt(cx * cx + cy * cy + cz * cz);
    }
}
