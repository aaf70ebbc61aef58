using PorousActors.Core;
using PorousActors.Pnm.Network;

namespace PorousActors.Pnm.Flow;

/// <summary>
/// Stokes flow through a pore network (OpenPNM's StokesFlow): pressure 1 at the inlet face, 0 at
/// the outlet face, mass conservation at every pore, k = μ L Q / (A ΔP). Pores on the inlet and
/// outlet faces connect to the reservoirs through half-conduits from their centre to the face, so
/// a pore touching both faces (a straight tube) is handled exactly. Clusters that do not connect
/// inlet to outlet are trimmed first.
/// </summary>
public static class StokesFlow
{
    public static PermeabilityResult Permeability(PoreNetwork net, FlowAxis axis, double[]? conductance = null) =>
        Transport(net, axis, conductance ?? HydraulicConductance.Conduits(net), HydraulicConductance.Boundary, "permeability");

    /// <summary>
    /// Formation factor F = σ_water / σ_rock along an axis from the same network: Ohm's law on the
    /// same pores, throats and conduit geometry with electrical conductances (σ = 1), voltage 1 at
    /// the inlet face, 0 at the outlet; F = A ΔV / (I L), dimensionless (∞ without a connected path).
    /// </summary>
    public static double FormationFactor(PoreNetwork net, FlowAxis axis)
    {
        var r = Transport(net, axis, ElectricalConductance.Conduits(net), ElectricalConductance.Boundary, "conductivity");
        double conductivityVoxel = r.PermeabilityM2 / (net.VoxelSize * net.VoxelSize); // undo the m² scaling: I L / (A ΔV)
        return conductivityVoxel > 0 ? 1 / conductivityVoxel : double.PositiveInfinity;
    }

    /// <summary>Steady linear transport through the network between the two faces of an axis
    /// (pressure or voltage 1 → 0); the flow-like result is scaled to m² (k) for flow.</summary>
    static PermeabilityResult Transport(PoreNetwork net, FlowAxis axis, double[] conductance, Func<double, double, double, double> boundary, string what)
    {
        var (nz, ny, nx) = net.ImageShape;
        int[] dims = [nz, ny, nx];
        int a = (int)axis;
        Face inlet = (Face)(2 * a), outlet = (Face)(2 * a + 1);
        double length = dims[a];
        double area = (double)nz * ny * nx / dims[a];
        int np = net.PoreCount;

        // Keep the clusters that touch both inlet and outlet.
        var uf = new UnionFind(np);
        for (int t = 0; t < net.ThroatCount; t++) if (conductance[t] > 0) uf.Union(net.ThroatConns[2 * t], net.ThroatConns[2 * t + 1]);
        var hasIn = new bool[np]; var hasOut = new bool[np];
        for (int p = 0; p < np; p++)
        {
            if (net.Touches(p, inlet)) hasIn[uf.Find(p)] = true;
            if (net.Touches(p, outlet)) hasOut[uf.Find(p)] = true;
        }
        var index = new int[np];
        int n = 0;
        for (int p = 0; p < np; p++) { int r = uf.Find(p); index[p] = hasIn[r] && hasOut[r] ? n++ : -1; }
        if (n == 0)
            return new PermeabilityResult(axis, 0, 0, 0, 0, np, 0, $"no connected path from the {inlet} face to the {outlet} face: {what} is 0");

        // Boundary half-conduits from each face pore's centre to the face plane.
        var gIn = new double[n]; var gOut = new double[n];
        for (int p = 0; p < np; p++)
        {
            int i = index[p];
            if (i < 0) continue;
            double c = net.PoreCentroid[3 * p + a], rp = HydraulicConductance.PoreRadius(net, p);
            int aIn = net.PoreFaceArea[6 * p + (int)inlet], aOut = net.PoreFaceArea[6 * p + (int)outlet];
            if (aIn > 0) gIn[i] = boundary(rp, Math.Sqrt(aIn / Math.PI), c + 0.5);
            if (aOut > 0) gOut[i] = boundary(rp, Math.Sqrt(aOut / Math.PI), dims[a] - 0.5 - c);
        }

        var matrix = Assemble(net, conductance, index, n, gIn, gOut, out var rhs);
        var sol = ConjugateGradient.Solve(matrix, rhs);
        double qIn = 0, qOut = 0;
        for (int i = 0; i < n; i++) { qIn += gIn[i] * (1 - sol.X[i]); qOut += gOut[i] * sol.X[i]; }
        double q = 0.5 * (qIn + qOut);
        double kVoxel = q * length / area; // μ = 1, ΔP = 1
        double k = kVoxel * net.VoxelSize * net.VoxelSize;
        string? note = sol.Converged ? null : $"pressure solve stopped at relative residual {sol.RelativeResidual:E2}";
        return new PermeabilityResult(axis, k, sol.RelativeResidual, sol.Iterations, n, np - n, q, note);
    }

    static CsrMatrix Assemble(PoreNetwork net, double[] g, int[] index, int n, double[] gIn, double[] gOut, out double[] rhs)
    {
        var degree = new int[n];
        for (int t = 0; t < net.ThroatCount; t++)
        {
            int i = index[net.ThroatConns[2 * t]], j = index[net.ThroatConns[2 * t + 1]];
            if (i < 0 || j < 0 || !(g[t] > 0)) continue;
            degree[i]++; degree[j]++;
        }
        var rowStart = new int[n + 1];
        for (int i = 0; i < n; i++) rowStart[i + 1] = rowStart[i] + degree[i] + 1;
        var col = new int[rowStart[n]]; var val = new double[rowStart[n]];
        var fill = new int[n];
        for (int i = 0; i < n; i++) { col[rowStart[i]] = i; val[rowStart[i]] = gIn[i] + gOut[i]; fill[i] = 1; }
        for (int t = 0; t < net.ThroatCount; t++)
        {
            int i = index[net.ThroatConns[2 * t]], j = index[net.ThroatConns[2 * t + 1]];
            if (i < 0 || j < 0 || !(g[t] > 0)) continue;
            val[rowStart[i]] += g[t]; val[rowStart[j]] += g[t];
            int ki = rowStart[i] + fill[i]++, kj = rowStart[j] + fill[j]++;
            col[ki] = j; val[ki] = -g[t];
            col[kj] = i; val[kj] = -g[t];
        }
        rhs = (double[])gIn.Clone(); // inlet pressure 1
        return new CsrMatrix(n, rowStart, col, val);
    }
}
