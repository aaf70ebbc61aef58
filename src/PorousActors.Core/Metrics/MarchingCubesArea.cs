namespace PorousActors.Core.Metrics;

/// <summary>
/// Area of the marching-cubes iso-surface at level 0.5 of a binary image, per 2x2x2 cell
/// configuration. On a binary image every surface vertex sits at an edge midpoint, so the surface
/// inside a cell depends only on which of its 8 corners are pore: we build it once per
/// configuration by tracing, face by face, the iso-lines between crossed edges into closed loops
/// and fanning each loop from its centroid. On an ambiguous face (diagonal pore corners) each pore
/// corner is cut off on its own. Area in voxel-edge units squared.
/// </summary>
public static class MarchingCubesArea
{
    // Faces as corner cycles.
    static readonly int[][] Faces =
    [
        [0, 2, 6, 4], [1, 3, 7, 5], // x = 0, x = 1
        [0, 1, 5, 4], [2, 3, 7, 6], // y = 0, y = 1
        [0, 1, 3, 2], [4, 5, 7, 6], // z = 0, z = 1
    ];

    /// <summary>Area for each of the 256 configurations; corner i is bit i with (x, y, z) = (i&amp;1, i&gt;&gt;1&amp;1, i&gt;&gt;2&amp;1).</summary>
    public static readonly double[] Table = Build(); // after Faces: static fields initialise in order

    static double[] Build()
    {
        var table = new double[256];
        for (int cfg = 1; cfg < 255; cfg++) table[cfg] = CellArea(cfg);
        return table;
    }

    static int EdgeKey(int a, int b) => a < b ? a * 8 + b : b * 8 + a;

    static double CellArea(int cfg)
    {
        bool In(int c) => ((cfg >> c) & 1) != 0;
        // Each crossed edge (a vertex of the surface) gets one neighbour per face it lies on.
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
                Link(EdgeKey(f[crossed[0]], f[(crossed[0] + 1) % 4]), EdgeKey(f[crossed[1]], f[(crossed[1] + 1) % 4]));
            else if (crossed.Count == 4)
                for (int j = 0; j < 4; j++)
                    if (In(f[j])) // cut off this pore corner: join its two face edges
                        Link(EdgeKey(f[(j + 3) % 4], f[j]), EdgeKey(f[j], f[(j + 1) % 4]));
        }

        double area = 0;
        var seen = new HashSet<int>();
        foreach (var start in links.Keys)
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
            area += LoopArea(loop);
        }
        return area;
    }

    static (double X, double Y, double Z) Midpoint(int key)
    {
        int a = key / 8, b = key % 8;
        return (((a & 1) + (b & 1)) / 2.0, (((a >> 1) & 1) + ((b >> 1) & 1)) / 2.0, (((a >> 2) & 1) + ((b >> 2) & 1)) / 2.0);
    }

    static double LoopArea(List<int> loop)
    {
        var pts = loop.Select(Midpoint).ToArray();
        if (pts.Length == 3) return Triangle(pts[0], pts[1], pts[2]);
        var c = (pts.Average(p => p.X), pts.Average(p => p.Y), pts.Average(p => p.Z));
        double a = 0;
        for (int i = 0; i < pts.Length; i++) a += Triangle(c, pts[i], pts[(i + 1) % pts.Length]);
        return a;
    }

    static double Triangle((double X, double Y, double Z) a, (double X, double Y, double Z) b, (double X, double Y, double Z) c)
    {
        double ux = b.X - a.X, uy = b.Y - a.Y, uz = b.Z - a.Z, vx = c.X - a.X, vy = c.Y - a.Y, vz = c.Z - a.Z;
        double cx = uy * vz - uz * vy, cy = uz * vx - ux * vz, cz = ux * vy - uy * vx;
        return 0.5 * Math.Sqrt(cx * cx + cy * cy + cz * cz);
    }
}
