using PorousActors.Pnm.Network;

namespace PorousActors.Pnm.Flow;

/// <summary>
/// Electrical (or diffusive) conductance of the same conduits as <see cref="HydraulicConductance"/>
/// (pore half – throat – pore half in series, spheres and cylinders, the same radii), for a
/// conducting brine of σ = 1 in voxel units: a cylinder conducts π r² / L, a sphere's body from its
/// centre 1 / ∫ dx / (π (R² − x²)).
/// </summary>
public static class ElectricalConductance
{
    public static double[] Conduits(PoreNetwork net)
    {
        var g = new double[net.ThroatCount];
        for (int t = 0; t < g.Length; t++)
        {
            int a = net.ThroatConns[2 * t], b = net.ThroatConns[2 * t + 1];
            g[t] = Conduit(HydraulicConductance.PoreRadius(net, a), HydraulicConductance.PoreRadius(net, b), HydraulicConductance.ThroatRadius(net, t), net.ThroatTotalLength[t]);
        }
        return g;
    }

    public static double Conduit(double r1, double r2, double rt, double ctc)
    {
        double l1 = SphereLength(r1, rt), l2 = SphereLength(r2, rt);
        if (l1 + l2 > ctc && l1 + l2 > 0) { double s = ctc / (l1 + l2); l1 *= s; l2 *= s; }
        double lt = Math.Max(ctc - l1 - l2, 0);
        double resistance = SphereResistance(r1, l1) + SphereResistance(r2, l2) + CylinderResistance(rt, lt);
        if (!(resistance > 0)) resistance = CylinderResistance(rt, 1);
        return 1 / resistance;
    }

    /// <summary>Half conduit from a pore centre to an image face (as the hydraulic one).</summary>
    public static double Boundary(double rPore, double rFace, double length)
    {
        double l1 = Math.Min(SphereLength(rPore, rFace), length);
        double resistance = SphereResistance(rPore, l1) + CylinderResistance(rFace, length - l1);
        if (!(resistance > 0)) resistance = CylinderResistance(rFace, 0.5);
        return 1 / resistance;
    }

    static double SphereLength(double R, double r) => r >= R ? 0 : Math.Sqrt(R * R - r * r);

    /// <summary>∫₀ᴸ dx / (π (R² − x²)) = ln((R + L)/(R − L)) / (2π R).</summary>
    static double SphereResistance(double R, double L)
    {
        if (L <= 0) return 0;
        L = Math.Min(L, R * (1 - 1e-9));
        return Math.Log((R + L) / (R - L)) / (2 * Math.PI * R);
    }

    static double CylinderResistance(double r, double L) => L <= 0 ? 0 : L / (Math.PI * r * r);
}
