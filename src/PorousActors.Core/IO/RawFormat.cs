namespace PorousActors.Core.IO;

/// <summary>Headerless voxel bytes (little-endian, C order), described by a sidecar or by the user.</summary>
public static class RawFormat
{
    public static GrayVolume Read(string path, (int Z, int Y, int X) shape, VoxelType type, double? voxelSize)
    {
        CheckSize(path, shape, type);
        var g = GrayVolume.Allocate(shape.Z, shape.Y, shape.X, voxelSize, type);
        using var stream = File.OpenRead(path);
        VoxelTypes.Read(stream, type, g, path);
        return g;
    }

    /// <summary>Refuses a file whose length is not the shape's voxels times the element size.</summary>
    public static void CheckSize(string path, (int Z, int Y, int X) shape, VoxelType type)
    {
        long expected = (long)shape.Z * shape.Y * shape.X * VoxelTypes.Size(type);
        long actual = new FileInfo(path).Length;
        if (actual != expected)
            throw new BadInputException($"{path}: {actual} bytes, but shape {shape.Z}x{shape.Y}x{shape.X} of {VoxelTypes.Name(type)} needs {expected} bytes");
    }

    /// <summary>Writes a binary volume as uint8 raw (1 = pore) plus its JSON sidecar.</summary>
    public static void Write(Volume v, string path)
    {
        File.WriteAllBytes(path, v.Data);
        VolumeSidecar.ForBinary(v).Write(VolumeSidecar.PathFor(path));
    }
}
