namespace PorousActors.Core;

/// <summary>
/// A binary 3-D voxel image of a rock: 1 = pore (void), 0 = solid. Stored C-contiguous in
/// (z, y, x) order, so index = (z * Ny + y) * Nx + x. The voxel size (edge length of one cubic
/// voxel, in metres) is always explicit because every physical property depends on it.
/// </summary>
public sealed class Volume
{
    public int Nz { get; }
    public int Ny { get; }
    public int Nx { get; }
    /// <summary>Edge length of a voxel in metres.</summary>
    public double VoxelSize { get; }
    /// <summary>Voxel values, 1 = pore, 0 = solid.</summary>
    public byte[] Data { get; }

    public Volume(int nz, int ny, int nx, double voxelSize, byte[]? data = null)
    {
        Shape.Validate(nz, ny, nx);
        if (!(voxelSize > 0) || double.IsInfinity(voxelSize))
            throw new BadInputException($"voxel size must be a positive number of metres, got {voxelSize}");
        Nz = nz; Ny = ny; Nx = nx; VoxelSize = voxelSize;
        long n = (long)nz * ny * nx;
        if (data is null) data = LargeArrays.Allocate<byte>(n);
        else if (data.LongLength != n)
            throw new ArgumentException($"data has {data.LongLength} voxels, shape {nz}x{ny}x{nx} needs {n}");
        Data = data;
    }

    public int Count => Data.Length;
    public (int Z, int Y, int X) Dimensions => (Nz, Ny, Nx);

    public int Index(int z, int y, int x) => (z * Ny + y) * Nx + x;

    public byte this[int z, int y, int x]
    {
        get => Data[Index(z, y, x)];
        set => Data[Index(z, y, x)] = value;
    }

    public long PoreVoxelCount()
    {
        long n = 0;
        foreach (var b in Data) n += b;
        return n;
    }

    public Volume WithVoxelSize(double voxelSize) => new(Nz, Ny, Nx, voxelSize, Data);

    public Volume Clone() => new(Nz, Ny, Nx, VoxelSize, (byte[])Data.Clone());

    /// <summary>Sub-volume [z0, z0+nz) x [y0, y0+ny) x [x0, x0+nx).</summary>
    public Volume Crop(int z0, int y0, int x0, int nz, int ny, int nx)
    {
        if (z0 < 0 || y0 < 0 || x0 < 0 || z0 + nz > Nz || y0 + ny > Ny || x0 + nx > Nx)
            throw new BadInputException($"crop [{z0}+{nz}, {y0}+{ny}, {x0}+{nx}] lies outside the {Nz}x{Ny}x{Nx} volume");
        var sub = new Volume(nz, ny, nx, VoxelSize);
        for (int z = 0; z < nz; z++)
            for (int y = 0; y < ny; y++)
                Array.Copy(Data, Index(z0 + z, y0 + y, x0), sub.Data, sub.Index(z, y, 0), nx);
        return sub;
    }

    /// <summary>Permutes axes so that the given source axis becomes z (0 = z, 1 = y, 2 = x): used to
    /// run a flow along y or x as a flow along z.</summary>
    public Volume Transpose(int newZ, int newY, int newX)
    {
        int[] dims = [Nz, Ny, Nx];
        if (new[] { newZ, newY, newX }.Distinct().Count() != 3 || Math.Max(newZ, Math.Max(newY, newX)) > 2 || Math.Min(newZ, Math.Min(newY, newX)) < 0)
            throw new ArgumentException("axes must be a permutation of 0, 1, 2");
        var t = new Volume(dims[newZ], dims[newY], dims[newX], VoxelSize);
        Span<int> src = stackalloc int[3];
        long[] stride = [(long)Ny * Nx, Nx, 1];
        long sZ = stride[newZ], sY = stride[newY], sX = stride[newX];
        for (int z = 0; z < t.Nz; z++)
            for (int y = 0; y < t.Ny; y++)
            {
                long baseIdx = z * sZ + y * sY;
                int o = t.Index(z, y, 0);
                for (int x = 0; x < t.Nx; x++) t.Data[o + x] = Data[baseIdx + x * sX];
            }
        return t;
    }

    /// <summary>Mirror image along one axis (0 = z, 1 = y, 2 = x).</summary>
    public Volume Flip(int axis)
    {
        var f = new Volume(Nz, Ny, Nx, VoxelSize);
        for (int z = 0; z < Nz; z++)
            for (int y = 0; y < Ny; y++)
                for (int x = 0; x < Nx; x++)
                {
                    int sz = axis == 0 ? Nz - 1 - z : z, sy = axis == 1 ? Ny - 1 - y : y, sx = axis == 2 ? Nx - 1 - x : x;
                    f.Data[f.Index(z, y, x)] = Data[Index(sz, sy, sx)];
                }
        return f;
    }
}

/// <summary>Shape checks shared by binary and grayscale volumes.</summary>
public static class Shape
{
    public static void Validate(int nz, int ny, int nx)
    {
        if (nz < 1 || ny < 1 || nx < 1)
            throw new BadInputException($"volume shape must be positive in every axis, got {nz}x{ny}x{nx}");
        if ((long)nz * ny * nx > Array.MaxLength)
            throw new BadInputException($"volume {nz}x{ny}x{nx} has more voxels than one array can hold ({Array.MaxLength})");
    }

    /// <summary>Parses "Z,Y,X" (also accepts 'x' as separator); <paramref name="anySize"/> allows
    /// more voxels than one array holds (images read in slabs).</summary>
    public static (int Z, int Y, int X) Parse(string text, bool anySize = false)
    {
        var parts = text.Split([',', 'x', 'X'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 3 || !int.TryParse(parts[0], out int z) || !int.TryParse(parts[1], out int y) || !int.TryParse(parts[2], out int x))
            throw new BadInputException($"shape must be Z,Y,X (three integers), got '{text}'");
        if (anySize && z > 0 && y > 0 && x > 0) return (z, y, x);
        Validate(z, y, x);
        return (z, y, x);
    }
}
