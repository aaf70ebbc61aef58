using PorousActors.Pnm.Network;

namespace PorousActors.Pnm.Flow;

/// <summary>
/// Hagen–Poiseuille conductance of conduits (pore1 half – throat – pore2 half in series) with a
/// spheres-and-cylinders geometry, in voxel units (g in voxel³ for μ = 1; divide by μ). Unlike
/// OpenPNM's model it accepts throats wider than a neighbouring pore (common in real rock): that
/// pore then contributes no body segment instead of the conduit being refused.
/// Radii are measured to the voxel faces that bound the pore space: a pore's hydraulic radius is
/// its inscribed radius (to solid voxel centres) less half a voxel, a throat's is the radius of
/// the circle of its interface area, so a voxelised tube gets the Hagen–Poiseuille value of its
/// cross-section.
/// </summary>
public static class HydraulicConductance
{
    public static double PoreRadius(PoreNetwork net, int p) => Math.Max(0.5, net.PoreInscribedDiameter[p] / 2 - 0.5);

    public static double ThroatRadius(PoreNetwork net, int t) => Math.Sqrt(net.ThroatArea[t] / Math.PI);

    /// <summary>Conductance of each throat's conduit.</summary>
    public static double[] Conduits(PoreNetwork net, double viscosity = 1)
    {
        var g = new double[net.ThroatCount];
        for (int t = 0; t < g.Length; t++)
        {
            int a = net.ThroatConns[2 * t], b = net.ThroatConns[2 * t + 1];
            g[t] = Conduit(PoreRadius(net, a), PoreRadius(net, b), ThroatRadius(net, t), net.ThroatTotalLength[t]) / viscosity;
        }
        return g;
    }

    /// <summary>
    /// Conduit between two pore centres a distance <paramref name="ctc"/> apart: each pore's body is
    /// a sphere of radius R cut where it narrows to the throat radius r (length sqrt(R² − r²), zero
    /// when r ≥ R), the rest of the centre-to-centre line is a cylinder of radius r.
    /// </summary>
    public static double Conduit(double r1, double r2, double rt, double ctc) => Conduit(r1, r2, rt, ctc, SphereResistance, CylinderResistance);

    /// <summary>The conduit geometry for any transport whose segment resistances are given
    /// (hydraulic here, electrical in <see cref="ElectricalConductance"/>).</summary>
    internal static double Conduit(double r1, double r2, double rt, double ctc, Func<double, double, double> sphere, Func<double, double, double> cylinder)
    {
        double l1 = SphereLength(r1, rt), l2 = SphereLength(r2, rt);
        if (l1 + l2 > ctc && l1 + l2 > 0) { double s = ctc / (l1 + l2); l1 *= s; l2 *= s; }
        double lt = Math.Max(ctc - l1 - l2, 0);
        double resistance = sphere(r1, l1) + sphere(r2, l2) + cylinder(rt, lt);
        // Coincident centres: give the interface the resistance of one voxel of throat.
        if (!(resistance > 0)) resistance = cylinder(rt, 1);
        return 1 / resistance;
    }

    /// <summary>Half conduit from a pore centre to an image face at distance <paramref name="length"/>,
    /// through the pore's cross-section on that face (radius <paramref name="rFace"/>).</summary>
    public static double Boundary(double rPore, double rFace, double length) => Boundary(rPore, rFace, length, SphereResistance, CylinderResistance);

    internal static double Boundary(double rPore, double rFace, double length, Func<double, double, double> sphere, Func<double, double, double> cylinder)
    {
        double l1 = Math.Min(SphereLength(rPore, rFace), length);
        double resistance = sphere(rPore, l1) + cylinder(rFace, length - l1);
        if (!(resistance > 0)) resistance = cylinder(rFace, 0.5);
        return 1 / resistance;
    }

    static double SphereLength(double R, double r) => r >= R ? 0 : Math.Sqrt(R * R - r * r);

    /// <summary>8/π ∫₀ᴸ dx / (R² − x²)² : a sphere's cross-section narrowing from its centre.</summary>
    internal static double SphereResistance(double R, double L)
    {
        if (L <= 0) return 0;
        L = Math.Min(L, R * (1 - 1e-9));
        double R2 = R * R;
        double integral = L / (2 * R2 * (R2 - L * L)) + Math.Log((R + L) / (R - L)) / (4 * R2 * R);
        return 8 / Math.PI * integral;
    }

    internal static double CylinderResistance(double r, double L) => L <= 0 ? 0 : 8 * L / (Math.PI * r * r * r * r);
}
