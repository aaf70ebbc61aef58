namespace PorousActors.Core.Filters;

/// <summary>A 1-D operation applied in place to one line of a 3-D float image.</summary>
public interface ILineKernel
{
    /// <summary>Processes data[start + i * stride] for i in [0, len).</summary>
    void Run(Span<float> data, int start, int stride, int len);
}

/// <summary>
/// Runs a line kernel along one axis of a (z, y, x) image, parallel over planes. Lines along y and z
/// are processed inside a contiguous (len x nx) slab, so the strided walks stay in cache: along y
/// the z-plane itself, along z a gathered copy of the (z, x) rows for one y.
/// </summary>
public static class SeparablePasses
{
    public static void Apply<TKernel>(float[] data, int nz, int ny, int nx, int axis, Func<TKernel> newKernel, int maxDegreeOfParallelism = -1)
        where TKernel : ILineKernel
    {
        var po = maxDegreeOfParallelism > 0 ? new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism } : KernelParallelism.Options;
        int plane = ny * nx;
        switch (axis)
        {
            case 2: // x: rows are contiguous
                Parallel.For(0, nz, po, newKernel, (z, _, k) =>
                {
                    for (int y = 0; y < ny; y++) k.Run(data, (z * ny + y) * nx, 1, nx);
                    return k;
                }, _ => { });
                break;
            case 1: // y: walk each z-plane with stride nx
                Parallel.For(0, nz, po, newKernel, (z, _, k) =>
                {
                    var slab = data.AsSpan(z * plane, plane);
                    for (int x = 0; x < nx; x++) k.Run(slab, x, nx, ny);
                    return k;
                }, _ => { });
                break;
            case 0: // z: gather the (z, x) rows of one y into a slab
                Parallel.For(0, ny, po, () => (newKernel(), new float[nz * nx]), (y, _, state) =>
                {
                    var (k, slab) = state;
                    for (int z = 0; z < nz; z++) Array.Copy(data, (z * ny + y) * nx, slab, z * nx, nx);
                    for (int x = 0; x < nx; x++) k.Run(slab, x, nx, nz);
                    for (int z = 0; z < nz; z++) Array.Copy(slab, z * nx, data, (z * ny + y) * nx, nx);
                    return state;
                }, _ => { });
                break;
            default: throw new ArgumentOutOfRangeException(nameof(axis));
        }
    }
}
