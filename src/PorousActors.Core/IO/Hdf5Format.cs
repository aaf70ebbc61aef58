using System.Text;
using PureHDF;

namespace PorousActors.Core.IO;

/// <summary>
/// HDF5 files (.h5, .hdf5) and MATLAB v7.3 .mat files, which are HDF5 behind a 512-byte MATLAB
/// header, read with PureHDF (managed code, no native HDF5 library). Plain HDF5 datasets are taken
/// in their stored C order as (Z, Y, X), as h5py returns them; MATLAB v7.3 variables are stored
/// column-major and are transposed so that the result equals scipy.io.loadmat's for the same data.
/// </summary>
public static class Hdf5Format
{
    static readonly byte[] Signature = [0x89, (byte)'H', (byte)'D', (byte)'F', 0x0d, 0x0a, 0x1a, 0x0a];

    public static bool HasSignatureAt(ReadOnlySpan<byte> head, int offset) =>
        head.Length >= offset + 8 && head.Slice(offset, 8).SequenceEqual(Signature);

    public static GrayVolume Read(string path, string? dataset, double? voxelSize)
    {
        bool matlab;
        using (var s = File.OpenRead(path))
        {
            var head = new byte[Math.Min(s.Length, 128)];
            s.ReadExactly(head);
            matlab = Encoding.ASCII.GetString(head).StartsWith("MATLAB 7.3 MAT-file", StringComparison.Ordinal);
        }
        using var file = H5File.OpenRead(path);
        var found = new List<(string Name, int[] Dims, Func<GrayVolume> Load)>();
        var skipped = new List<string>();
        Walk(file, "", found, skipped, matlab, voxelSize, path);
        return MatFormat.Choose(path, dataset?.TrimStart('/'), found, skipped);
    }

    static void Walk(IH5Group group, string prefix, List<(string, int[], Func<GrayVolume>)> found, List<string> skipped, bool matlab, double? voxelSize, string path)
    {
        foreach (var child in group.Children())
        {
            // MATLAB keeps cell and struct contents under #refs#/#subsystem#: never volumes
            if (child.Name.StartsWith('#')) continue;
            string name = prefix + child.Name;
            if (child is IH5Group g) { Walk(g, name + "/", found, skipped, matlab, voxelSize, path); continue; }
            if (child is not IH5Dataset ds) continue;
            var cls = ds.Type.Class;
            if (cls is not (H5DataTypeClass.FixedPoint or H5DataTypeClass.FloatingPoint)) { skipped.Add($"{name} (not numeric)"); continue; }
            var stored = ds.Space.Dimensions;
            if (stored.Any(d => d > int.MaxValue)) { skipped.Add($"{name} (too large)"); continue; }
            // MATLAB writes [d1 d2 d3] as HDF5 dims (d3, d2, d1)
            int[] dims = [.. (matlab ? stored.Reverse() : stored).Select(d => (int)d)];
            found.Add((name, dims, () => Load(ds, dims, matlab, voxelSize, path, name)));
        }
    }

    static GrayVolume Load(IH5Dataset ds, int[] dims, bool matlab, double? voxelSize, string path, string name)
    {
        var t = ds.Type;
        float[] data = (t.Class, t.Size, t.Class == H5DataTypeClass.FixedPoint && t.FixedPoint.IsSigned) switch
        {
            (H5DataTypeClass.FixedPoint, 1, false) => ToFloat(ds.Read<byte[]>(), v => v),
            (H5DataTypeClass.FixedPoint, 1, true) => ToFloat(ds.Read<sbyte[]>(), v => v),
            (H5DataTypeClass.FixedPoint, 2, false) => ToFloat(ds.Read<ushort[]>(), v => v),
            (H5DataTypeClass.FixedPoint, 2, true) => ToFloat(ds.Read<short[]>(), v => v),
            (H5DataTypeClass.FixedPoint, 4, false) => ToFloat(ds.Read<uint[]>(), v => v),
            (H5DataTypeClass.FixedPoint, 4, true) => ToFloat(ds.Read<int[]>(), v => v),
            (H5DataTypeClass.FloatingPoint, 4, _) => ds.Read<float[]>(),
            (H5DataTypeClass.FloatingPoint, 8, _) => ToFloat(ds.Read<double[]>(), v => (float)v),
            _ => throw new BadInputException($"{path}: dataset {name} has a {t.Size}-byte {t.Class} type; expected 8-32-bit integers or floats"),
        };
        if (matlab) return MatFormat.FromColumnMajor(data, dims, voxelSize);
        return new GrayVolume(dims[0], dims[1], dims[2], voxelSize, data);
    }

    static float[] ToFloat<T>(T[] src, Func<T, float> convert)
    {
        var dst = new float[src.Length];
        for (int i = 0; i < src.Length; i++) dst[i] = convert(src[i]);
        return dst;
    }
}
