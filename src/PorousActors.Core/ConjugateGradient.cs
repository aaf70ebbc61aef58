namespace PorousActors.Core;

/// <summary>Symmetric sparse matrix in compressed-row form.</summary>
public sealed class CsrMatrix(int n, int[] rowStart, int[] column, double[] value)
{
    public int N { get; } = n;
    public int[] RowStart { get; } = rowStart;
    public int[] Column { get; } = column;
    public double[] Value { get; } = value;

    public void Multiply(ReadOnlySpan<double> x, Span<double> y)
    {
        for (int i = 0; i < N; i++)
        {
            double s = 0;
            for (int k = RowStart[i]; k < RowStart[i + 1]; k++) s += Value[k] * x[Column[k]];
            y[i] = s;
        }
    }

    public double Diagonal(int i)
    {
        for (int k = RowStart[i]; k < RowStart[i + 1]; k++) if (Column[k] == i) return Value[k];
        return 0;
    }
}

/// <summary>
/// Preconditioned conjugate gradients (Jacobi preconditioner) for the symmetric positive-definite
/// pressure system of a pore network. Pore networks have at most ~10⁵ unknowns and a handful of
/// neighbours per row, where this converges in a few hundred sweeps of plain arrays.
/// </summary>
public static class ConjugateGradient
{
    public sealed record Result(double[] X, int Iterations, double RelativeResidual, bool Converged);

    public static Result Solve(CsrMatrix a, double[] b, double tolerance = 1e-12, int? maxIterations = null)
    {
        var diagonal = new double[a.N];
        for (int i = 0; i < a.N; i++) diagonal[i] = a.Diagonal(i);
        return Solve((x, y) => a.Multiply(x, y), diagonal, b, tolerance, maxIterations);
    }

    /// <summary>Jacobi-preconditioned CG for a symmetric positive (semi-)definite operator given by its
    /// product <paramref name="multiply"/>(x, y): y = A x, and its <paramref name="diagonal"/>
    /// (matrix-free, e.g. a stencil on a voxel grid).</summary>
    public static Result Solve(Action<double[], double[]> multiply, double[] diagonal, double[] b, double tolerance = 1e-12, int? maxIterations = null)
    {
        int n = b.Length;
        int maxIt = maxIterations ?? Math.Max(100, 20 * n);
        var x = new double[n];
        var r = (double[])b.Clone();
        var invDiag = new double[n];
        for (int i = 0; i < n; i++) { double d = diagonal[i]; invDiag[i] = d > 0 ? 1 / d : 1; }
        var z = new double[n]; var p = new double[n]; var q = new double[n];
        double bNorm = Math.Sqrt(Dot(b, b));
        if (bNorm == 0) return new Result(x, 0, 0, true);
        for (int i = 0; i < n; i++) z[i] = invDiag[i] * r[i];
        Array.Copy(z, p, n);
        double rz = Dot(r, z);
        int it = 0;
        double rel = 1;
        while (it < maxIt)
        {
            multiply(p, q);
            double alpha = rz / Dot(p, q);
            for (int i = 0; i < n; i++) { x[i] += alpha * p[i]; r[i] -= alpha * q[i]; }
            it++;
            rel = Math.Sqrt(Dot(r, r)) / bNorm;
            if (rel <= tolerance) break;
            for (int i = 0; i < n; i++) z[i] = invDiag[i] * r[i];
            double rzNew = Dot(r, z);
            double beta = rzNew / rz;
            rz = rzNew;
            for (int i = 0; i < n; i++) p[i] = z[i] + beta * p[i];
        }
        // Report the true residual, not the recurrence's.
        multiply(x, q);
        double s = 0;
        for (int i = 0; i < n; i++) { double d = b[i] - q[i]; s += d * d; }
        rel = Math.Sqrt(s) / bNorm;
        return new Result(x, it, rel, rel <= Math.Max(tolerance * 10, 1e-9));
    }

    static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }
}
