namespace PorousActors.Core;

/// <summary>Disjoint sets over 0..n−1 with path halving; the smaller index becomes the root, so
/// roots do not depend on the order of unions.</summary>
public sealed class UnionFind
{
    readonly int[] parent;

    public UnionFind(int n)
    {
        parent = new int[n];
        for (int i = 0; i < n; i++) parent[i] = i;
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
