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

    public static double Conduit(double r1, double r2, double rt, double ctc) =>
        HydraulicConductance.Conduit(r1, r2, rt, ctc, SphereResistance, CylinderResistance);

    /// <summary>Half conduit from a pore centre to an image face (as the hydraulic one).</summary>
    public static double Boundary(double rPore, double rFace, double length) =>
        HydraulicConductance.Boundary(rPore, rFace, length, SphereResistance, CylinderResistance);

    /// <summary>∫₀ᴸ dx / (π (R² − x²)) = ln((R + L)/(R − L)) / (2π R).</summary>
    static double SphereResistance(double R, double L)
    {
        if (L <= 0) return 0;
        L = Math.Min(L, R * (1 - 1e-9));
        return Math.Log((R + L) / (R - L)) / (2 * Math.PI * R);
    }

    static double CylinderResistance(double r, double L) => L <= 0 ? 0 : L / (Math.PI * r * r);
}
