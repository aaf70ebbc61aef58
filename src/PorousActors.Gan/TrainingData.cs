using PorousActors.Core;

namespace PorousActors.Gan;

/// <summary>
/// Overlapping sub-cubes of one or more training volumes, cut on a regular grid with a stride
/// (the paper: 128³ cubes every ~30 voxels), served as batches of ±1 floats (+1 = pore) with
/// optional random flips and axis permutations (the 48 symmetries of a cube).
/// </summary>
public sealed class TrainingData
{
    readonly List<Volume> volumes;
    readonly List<(int Volume, int Z, int Y, int X)> origins = [];

    public int CubeSize { get; }
    public int Stride { get; }
    public int Count => origins.Count;
    public double VoxelSize => volumes[0].VoxelSize;

    public TrainingData(IReadOnlyList<Volume> volumes, int cubeSize, int stride)
    {
        if (volumes.Count == 0) throw new BadInputException("no training volumes given");
        if (stride < 1) throw new BadInputException($"stride must be at least 1 voxel, got {stride}");
        this.volumes = [.. volumes];
        CubeSize = cubeSize; Stride = stride;
        for (int i = 0; i < volumes.Count; i++)
        {
            var v = volumes[i];
            if (Math.Abs(v.VoxelSize - volumes[0].VoxelSize) > 1e-12 * volumes[0].VoxelSize)
                throw new BadInputException($"training volumes must share one voxel size ({volumes[0].VoxelSize} m vs {v.VoxelSize} m)");
            if (v.Nz < cubeSize || v.Ny < cubeSize || v.Nx < cubeSize)
                throw new BadInputException($"training volume {i + 1} ({v.Nz}x{v.Ny}x{v.Nx}) is smaller than one {cubeSize}³ cube");
            for (int z = 0; z + cubeSize <= v.Nz; z += stride)
                for (int y = 0; y + cubeSize <= v.Ny; y += stride)
                    for (int x = 0; x + cubeSize <= v.Nx; x += stride)
                        origins.Add((i, z, y, x));
        }
    }

    public Volume Cube(int index)
    {
        var (vi, z, y, x) = origins[index];
        return volumes[vi].Crop(z, y, x, CubeSize, CubeSize, CubeSize);
    }

    /// <summary>Fills <paramref name="batch"/> (count × N³) with random cubes as ±1 values.</summary>
    public void Sample(Random rng, float[] batch, int count, bool augment)
    {
        int n = CubeSize, n3 = n * n * n;
        Span<int> perm = stackalloc int[3];
        Span<bool> flip = stackalloc bool[3];
        Span<int> c = stackalloc int[3];
        for (int b = 0; b < count; b++)
        {
            var (vi, oz, oy, ox) = origins[rng.Next(origins.Count)];
            var v = volumes[vi];
            perm[0] = 0; perm[1] = 1; perm[2] = 2;
            flip.Clear();
            if (augment)
            {
                for (int i = 2; i > 0; i--) { int j = rng.Next(i + 1); (perm[i], perm[j]) = (perm[j], perm[i]); }
                for (int i = 0; i < 3; i++) flip[i] = rng.Next(2) == 1;
            }
            int o = b * n3;
            for (int a = 0; a < n; a++)
                for (int bb = 0; bb < n; bb++)
                    for (int cc = 0; cc < n; cc++)
                    {
                        // output axes (a, bb, cc) read source axes perm[...], possibly flipped
                        c[perm[0]] = flip[0] ? n - 1 - a : a;
                        c[perm[1]] = flip[1] ? n - 1 - bb : bb;
                        c[perm[2]] = flip[2] ? n - 1 - cc : cc;
                        batch[o++] = v.Data[v.Index(oz + c[0], oy + c[1], ox + c[2])] != 0 ? 1f : -1f;
                    }
        }
    }
}
