using PorousActors.Core.Filters;

namespace PorousActors.Core.Generators;

/// <summary>
/// A thresholded Gaussian random field (as PoreSpy's blobs): white noise smoothed by a Gaussian of
/// the given correlation length, pore where the field is below its porosity quantile, so the
/// porosity is exact to one voxel. Deterministic for a seed.
/// </summary>
public static class GaussianBlobs
{
    /// <param name="correlationLength">Gaussian smoothing sigma in voxels (larger = bigger blobs)</param>
    public static Volume Generate(int size, double porosity, double correlationLength, int seed, double voxelSize)
        => Generate(size, size, size, porosity, correlationLength, seed, voxelSize);

    public static Volume Generate(int nz, int ny, int nx, double porosity, double correlationLength, int seed, double voxelSize)
    {
        if (!(porosity > 0 && porosity < 1)) throw new BadInputException($"porosity must be in (0, 1), got {porosity}");
        if (!(correlationLength > 0)) throw new BadInputException($"correlation length must be positive, got {correlationLength}");
        var v = new Volume(nz, ny, nx, voxelSize);
        var field = new float[v.Count];
        var rng = new Random(seed);
        for (int i = 0; i < field.Length; i++) field[i] = (float)StandardNormal.Next(rng);
        GaussianFilter.ApplyInPlace(field, nz, ny, nx, correlationLength);

        // Threshold at the porosity quantile; ties broken by index so the count is exact.
        var order = new int[field.Length];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        var keys = (float[])field.Clone();
        Array.Sort(keys, order);
        long nPore = (long)Math.Round(porosity * field.Length);
        for (long i = 0; i < nPore; i++) v.Data[order[i]] = 1;
        return v;
    }
}
