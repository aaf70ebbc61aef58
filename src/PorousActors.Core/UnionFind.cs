namespace PorousActors.Core;

/// <summary>Disjoint sets over 0..n−1 with path halving; the smaller index becomes the root, so
/// roots do not depend on the order of unions.</summary>
public sealed class UnionFind
{
    readonly int[] parent;

    public UnionFind(int n) : this(n, true) { }

    /// <summary>With <paramref name="makeSets"/> false the elements are not yet sets: the caller makes
    /// each range a set of singletons (<see cref="MakeSets"/>) before using it, e.g. one range per
    /// parallel slab, so the initialisation is parallel too and touches memory where it is used next.</summary>
    public UnionFind(int n, bool makeSets)
    {
        parent = LargeArrays.Allocate<int>(n, zeroed: false); // every element is made a set before use
        if (makeSets) MakeSets(0, n);
    }

    /// <summary>Makes every element of [from, to) a singleton set.</summary>
    public void MakeSets(int from, int to)
    {
        for (int i = from; i < to; i++) parent[i] = i;
    }

    public int Find(int x)
    {
        while (parent[x] != x) { parent[x] = parent[parent[x]]; x = parent[x]; }
        return x;
    }

    public void Union(int a, int b)
    {
        a = Find(a); b = Find(b);
        if (a != b) parent[Math.Max(a, b)] = Math.Min(a, b);
    }
}
