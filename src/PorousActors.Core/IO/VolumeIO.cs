using System.IO.Compression;

namespace PorousActors.Core.IO;

/// <summary>How to interpret a file on disk; every field is optional where the file says it itself.</summary>
public sealed record ReadOptions(
    (int Z, int Y, int X)? Shape = null,
    string? Dtype = null,
    double? VoxelSize = null,
    double? PoreValue = null);

/// <summary>
/// Reads and writes volumes by file extension: .raw (+ .json sidecar, or --shape/--dtype), .npy,
/// .tif/.tiff stacks, and .zip archives holding one of those (as the Berea sample ships).
/// </summary>
public static class VolumeIO
{
    public static readonly string[] Extensions = [".raw", ".npy", ".tif", ".tiff"];

    public static GrayVolume ReadGray(string path, ReadOptions? options = null) => ReadGray(path, options ?? new(), out _);

    static GrayVolume ReadGray(string path, ReadOptions o, out double? sidecarPoreValue)
    {
        sidecarPoreValue = null;
        if (!File.Exists(path)) throw new BadInputException($"{path}: file not found");
        string ext = Path.GetExtension(path).ToLowerInvariant();
        switch (ext)
        {
            case ".json":
                return ReadGray(Path.ChangeExtension(path, ".raw"), o, out sidecarPoreValue);
            case ".raw":
            {
                string sidecarPath = VolumeSidecar.PathFor(path);
                if (o.Shape is { } shape)
                    return RawFormat.Read(path, shape, VoxelTypes.Parse(o.Dtype ?? "uint8"), o.VoxelSize);
                if (!File.Exists(sidecarPath))
                    throw new BadInputException($"{path}: no sidecar {Path.GetFileName(sidecarPath)}; give --shape Z,Y,X (and --dtype, --voxel-size)");
                var s = VolumeSidecar.Read(sidecarPath);
                sidecarPoreValue = s.PoreValue;
                return RawFormat.Read(path, (s.Shape[0], s.Shape[1], s.Shape[2]), VoxelTypes.Parse(o.Dtype ?? s.Dtype), o.VoxelSize ?? s.VoxelSize);
            }
            case ".npy":
                return NpyFormat.Read(path, o.VoxelSize);
            case ".tif":
            case ".tiff":
                return TiffStackFormat.Read(path, o.VoxelSize);
            case ".zip":
                return ReadFromZip(path, o, out sidecarPoreValue);
            default:
                throw new BadInputException($"{path}: unknown volume format '{ext}'; expected .raw (+.json), .npy, .tif/.tiff or a .zip holding one");
        }
    }

    static GrayVolume ReadFromZip(string path, ReadOptions o, out double? sidecarPoreValue)
    {
        string dir = Path.Combine(Path.GetTempPath(), "porous-" + Guid.NewGuid().ToString("N"));
        try
        {
            using (var zip = ZipFile.OpenRead(path))
            {
                var entry = zip.Entries.FirstOrDefault(e => Extensions.Contains(Path.GetExtension(e.Name).ToLowerInvariant()))
                    ?? throw new BadInputException($"{path}: the archive holds no .raw, .npy or .tif volume");
                Directory.CreateDirectory(dir);
                foreach (var e in zip.Entries.Where(e => e.Name.Length > 0))
                    e.ExtractToFile(Path.Combine(dir, e.Name), overwrite: true);
                return ReadGray(Path.Combine(dir, entry.Name), o, out sidecarPoreValue);
            }
        }
        catch (InvalidDataException e) { throw new BadInputException($"{path}: corrupt zip archive ({e.Message})"); }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); }
    }

    /// <summary>
    /// Reads any supported file as a binary pore/solid volume. Images with at most two distinct
    /// values are taken as segmented: voxels equal to the pore value (option, sidecar, else the
    /// larger value) are pore. Grayscale images are segmented with a 3x3x3 median filter and
    /// two-class Otsu, pore = the darker class (low X-ray attenuation).
    /// </summary>
    public static Volume ReadBinary(string path, ReadOptions? options = null)
    {
        var o = options ?? new();
        var g = ReadGray(path, o, out double? sidecarPore);
        double voxel = g.VoxelSize ?? throw new BadInputException($"{path}: the file does not state its voxel size; give --voxel-size in metres (e.g. 5.345e-6)");
        var distinct = g.DistinctValues(2);
        if (distinct is not null)
        {
            double pore = o.PoreValue ?? sidecarPore ?? distinct[^1];
            if (o.PoreValue is { } pv && !distinct.Contains((float)pv))
                throw new BadInputException($"{path}: --pore-value {pv} does not occur in the image (values: {string.Join(", ", distinct)})");
            return g.ToBinary(pore, voxel);
        }
        return Filters.Segmentation.BinarizeGrayscale(g, voxel, poreIsBright: false);
    }

    /// <summary>Writes a binary volume; the format follows the extension (.raw writes a .json sidecar).</summary>
    public static void Write(Volume v, string path)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        switch (Path.GetExtension(path).ToLowerInvariant())
        {
            case ".raw": RawFormat.Write(v, path); break;
            case ".npy": NpyFormat.Write(v, path); break;
            case ".tif": case ".tiff": TiffStackFormat.Write(v, path); break;
            default: throw new BadInputException($"{path}: cannot write '{Path.GetExtension(path)}'; use .raw, .npy or .tif");
        }
    }
}
