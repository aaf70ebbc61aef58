namespace PorousActors.Core.Metrics;

/// <summary>
/// Effective conductivity of a two-phase voxel image along one axis: pore voxels conduct with
/// conductivity 1, solid voxels with a small <c>solid</c> conductivity, unit potential drop between
/// the image's two faces normal to the axis, no flux through the other faces. Finite volumes on the
/// voxel centres: two neighbours are joined in series by half a voxel of each (harmonic mean
/// 2σᵢσⱼ/(σᵢ+σⱼ)), a face voxel to its face by half a voxel (2σᵢ). So a column of n voxels conducts
/// exactly as n resistors in series and layers across the axis exactly in parallel (tested).
/// With <c>solid</c> 0 it is 1/F, the rock's electrical conductivity over the brine's (F the
/// formation factor; straight tubes give F = 1/φ): the connectivity and tortuosity that
/// permeability needs beyond pore sizes (k ∝ d²/F).
///
/// The sensitivity ∂σ_eff/∂σᵢ of every voxel comes from the same solve: the current through a
/// resistor network with unit potential drop equals its dissipated power Σ_b g_b (Δu_b)², which is
/// stationary in the potentials, so ∂G/∂σᵢ = Σ over voxel i's bonds of (∂g_b/∂σᵢ)(Δu_b)² (tested
/// against finite differences). The solve is the project's Jacobi-preconditioned conjugate gradients
/// (<see cref="ConjugateGradient"/>) on a matrix-free stencil, serial: callers run several images at once.
/// </summary>
public static class VoxelConductance
{
    /// <summary>The effective conductivity σ_eff (in units of the pore's), the CG iterations it took,
    /// and, when asked for, ∂σ_eff/∂σᵢ for every voxel (z-major, as the image).</summary>
    public readonly record struct Result(double Conductivity, int Iterations, double[]? Sensitivity);

    /// <param name="pore">1 for pore, 0 for solid, z-major ((z · ny + y) · nx + x).</param>
    /// <param name="axis">0 = z, 1 = y, 2 = x.</param>
    /// <param name="solid">the solid's conductivity relative to the pore's, in [0, 1).</param>
    /// <param name="tolerance">relative residual at which CG stops.</param>
    public static Result Solve(ReadOnlySpan<byte> pore, int nz, int ny, int nx, int axis, double solid,
                               bool sensitivity = false, double tolerance = 1e-8, int maxIterations = 20_000)
    {
        if (!(solid >= 0 && solid < 1)) throw new BadInputException($"the solid's conductivity must be in [0, 1) of the pore's, got {solid}");
        var sigma = new double[pore.Length];
        for (int i = 0; i < sigma.Length; i++) sigma[i] = pore[i] != 0 ? 1.0 : solid;
        return Solve(sigma, nz, ny, nx, axis, sensitivity, tolerance, maxIterations);
    }

    /// <summary>The same for any conductivity per voxel (≥ 0, in units of a reference such as the
    /// brine's), e.g. one that grows with the width of the pore around each voxel.</summary>
    public static Result Solve(double[] sigma, int nz, int ny, int nx, int axis,
                               bool sensitivity = false, double tolerance = 1e-8, int maxIterations = 20_000)
    {
        if (nz < 1 || ny < 1 || nx < 1 || (long)nz * ny * nx != sigma.Length)
            throw new BadInputException($"a {nz}×{ny}×{nx} image needs {(long)nz * ny * nx} voxels, got {sigma.Length}");
        if (axis is < 0 or > 2) throw new BadInputException($"the axis is 0 (z), 1 (y) or 2 (x), got {axis}");
        foreach (double c in sigma)
            if (!(c >= 0 && double.IsFinite(c))) throw new BadInputException($"voxel conductivities must be finite and >= 0, got {c}");
        int n = sigma.Length;
        int[] dims = [nz, ny, nx];
        int[] strides = [ny * nx, nx, 1];

        // bond conductances to the next voxel along each direction (0 where there is none)
        var g = new double[3][];
        for (int d = 0; d < 3; d++)
        {
            var gd = g[d] = new double[n];
            int s = strides[d], last = dims[d] - 1;
            for (int i = 0; i < n; i++)
            {
                if (Coordinate(i, d, dims, strides) == last) continue;
                double a = sigma[i], b = sigma[i + s];
                gd[i] = a + b > 0 ? 2 * a * b / (a + b) : 0;
            }
        }
        int lastPlane = dims[axis] - 1;
        var diag = new double[n];
        var rhs = new double[n];
        for (int i = 0; i < n; i++)
        {
            double sum = 0;
            for (int d = 0; d < 3; d++)
            {
                sum += g[d][i];
                if (Coordinate(i, d, dims, strides) > 0) sum += g[d][i - strides[d]];
            }
            int c = Coordinate(i, axis, dims, strides);
            if (c == 0) { sum += 2 * sigma[i]; rhs[i] = 2 * sigma[i]; } // inlet face at potential 1
            if (c == lastPlane) sum += 2 * sigma[i];                     // outlet face at potential 0
            diag[i] = sum;
        }

        // voxels with no conductance at all (solid 0, cut off) have a zero row and right-hand side: they keep potential 0
        var solved = ConjugateGradient.Solve((x, y) => Apply(x, g, diag, strides, y), diag, rhs, tolerance, maxIterations);
        if (!solved.Converged) throw new InvalidOperationException($"the conductance solve did not converge in {solved.Iterations} iterations");
        var u = solved.X;
        int it = solved.Iterations;

        // current through the inlet face, G; σ_eff = G · length / cross-section
        double current = 0;
        for (int i = 0; i < n; i++)
            if (Coordinate(i, axis, dims, strides) == 0) current += 2 * sigma[i] * (1 - u[i]);
        double scale = (double)dims[axis] * dims[axis] / n; // length / area, with area = n / length
        double[]? sens = null;
        if (sensitivity)
        {
            sens = new double[n];
            for (int d = 0; d < 3; d++)
            {
                var gd = g[d];
                int s = strides[d];
                for (int i = 0; i < n; i++)
                {
                    if (Coordinate(i, d, dims, strides) == dims[d] - 1) continue;
                    double a = sigma[i], b = sigma[i + s], sum = a + b;
                    if (sum <= 0) continue;
                    double du = u[i] - u[i + s], e = du * du / (sum * sum);
                    sens[i] += 2 * b * b * e * scale;       // ∂g/∂σᵢ = 2σⱼ²/(σᵢ+σⱼ)²
                    sens[i + s] += 2 * a * a * e * scale;
                }
            }
            for (int i = 0; i < n; i++)
            {
                int c = Coordinate(i, axis, dims, strides);
                if (c == 0) sens[i] += 2 * (1 - u[i]) * (1 - u[i]) * scale;
                if (c == lastPlane) sens[i] += 2 * u[i] * u[i] * scale;
            }
        }
        return new Result(current * scale, it, sens);
    }

    static int Coordinate(int i, int d, int[] dims, int[] strides) => i / strides[d] % dims[d];

    /// <summary>y = A x: the diagonal minus the bond conductances to the six neighbours.</summary>
    static void Apply(double[] x, double[][] g, double[] diag, int[] strides, double[] y)
    {
        int n = x.Length;
        for (int i = 0; i < n; i++) y[i] = diag[i] * x[i];
        for (int d = 0; d < 3; d++)
        {
            var gd = g[d];
            int s = strides[d];
            for (int i = 0; i < n - s; i++)
            {
                double w = gd[i]; // 0 where there is no bond
                y[i] -= w * x[i + s];
                y[i + s] -= w * x[i];
            }
        }
    }
}
