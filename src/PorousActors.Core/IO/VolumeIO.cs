using System.IO.Compression;

namespace PorousActors.Core.IO;

/// <summary>How to interpret a file on disk; every field is optional where the file says it itself.</summary>
public sealed record ReadOptions(
    (int Z, int Y, int X)? Shape = null,
    string? Dtype = null,
    double? VoxelSize = null,
    double? PoreValue = null,
    bool AnyVoxelSize = false,
    double? FallbackVoxelSize = null,
    string? Dataset = null);

/// <summary>How a file became a binary volume: which value is pore and who said so, and how many
/// voxels held neither the pore value nor the (most common) solid value.</summary>
public sealed record SegmentationInfo(string Method, double? PoreValue, string? PoreValueSource, long OtherVoxels, double? SolidValue)
{
    /// <summary>A warning for the user, or null when the image was cleanly two-valued (or grayscale).</summary>
    public string? Warning => Method == "labelled" && OtherVoxels > 0
        ? $"{OtherVoxels} voxel(s) hold values other than the pore value {PoreValue} and the solid value {SolidValue}; they are taken as solid"
        : null;
}

/// <summary>
/// Reads and writes volumes by file extension: .raw (+ .json sidecar, or --shape/--dtype), .npy,
/// .tif/.tiff stacks, MATLAB .mat (v5 to v7.3) and HDF5 (.h5/.hdf5, read only), and .zip archives
/// holding one of those (as the Berea sample ships).
/// </summary>
public static class VolumeIO
{
    public static readonly string[] Extensions = [".raw", ".npy", ".tif", ".tiff", ".mat", ".h5", ".hdf5"];

    public static GrayVolume ReadGray(string path, ReadOptions? options = null) => ReadGray(path, options ?? new(), out _);

    static GrayVolume ReadGray(string path, ReadOptions o, out double? sidecarPoreValue)
    {
        sidecarPoreValue = null;
        if (Directory.Exists(path)) throw new BadInputException($"{path}: is a directory; give a volume file (a TIFF stack as one multi-page .tif)");
        if (!File.Exists(path)) throw new BadInputException($"{path}: file not found");
        string ext = Path.GetExtension(path).ToLowerInvariant();
        try { return ReadGrayByExtension(path, ext, o, out sidecarPoreValue); }
        catch (UnauthorizedAccessException) { throw new BadInputException($"{path}: permission denied"); }
        catch (Exception e) when (e is not (BadInputException or OutOfMemoryException))
        {
            // a malformed file (an IFD loop in a TIFF, a header that lies) is bad input, not a crash
            throw new BadInputException($"{path}: cannot be read as {ext} ({e.Message.Split('\n')[0]})");
        }
    }

    static GrayVolume ReadGrayByExtension(string path, string ext, ReadOptions o, out double? sidecarPoreValue)
    {
        sidecarPoreValue = null;
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
                    throw new BadInputException($"{path}: no sidecar {Path.GetFileName(sidecarPath)}; state the shape Z,Y,X (and the element type and voxel size)", InputField.Shape);
                var s = VolumeSidecar.Read(sidecarPath);
                sidecarPoreValue = s.PoreValue;
                return RawFormat.Read(path, (s.Shape[0], s.Shape[1], s.Shape[2]), VoxelTypes.Parse(o.Dtype ?? s.Dtype), o.VoxelSize ?? s.VoxelSize);
            }
            case ".npy":
            {
                // our writer puts a sidecar beside .npy too (NumPy's header has no room for a voxel size or pore value)
                VolumeSidecar? s = File.Exists(VolumeSidecar.PathFor(path)) ? VolumeSidecar.Read(VolumeSidecar.PathFor(path)) : null;
                sidecarPoreValue = s?.PoreValue;
                return NpyFormat.Read(path, o.VoxelSize ?? s?.VoxelSize);
            }
            case ".tif":
            case ".tiff":
                return TiffStackFormat.Read(path, o.VoxelSize, out sidecarPoreValue);
            case ".mat":
                return MatFormat.Read(path, o.Dataset, o.VoxelSize);
            case ".h5":
            case ".hdf5":
                return Hdf5Format.Read(path, o.Dataset, o.VoxelSize);
            case ".zip":
                return ReadFromZip(path, o, out sidecarPoreValue);
            default:
                throw new BadInputException($"{path}: unknown volume format '{ext}'; expected .raw (+.json), .npy, .tif/.tiff, .mat, .h5/.hdf5 or a .zip holding one");
        }
    }

    /// <summary>Largest volume entry we extract from a zip (uncompressed): a guard against zip bombs.</summary>
    public const long MaxZipEntryBytes = 16L << 30;

    static GrayVolume ReadFromZip(string path, ReadOptions o, out double? sidecarPoreValue)
    {
        string dir = Path.Combine(Path.GetTempPath(), "porous-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var zip = ZipFile.OpenRead(path);
            var volumes = zip.Entries.Where(e => Extensions.Contains(Path.GetExtension(e.Name).ToLowerInvariant())).ToList();
            if (volumes.Count == 0) throw new BadInputException($"{path}: the archive holds no .raw, .npy, .tif, .mat or .h5 volume");
            if (volumes.Count > 1)
                throw new BadInputException($"{path}: the archive holds {volumes.Count} volumes ({string.Join(", ", volumes.Take(4).Select(e => e.FullName))}{(volumes.Count > 4 ? ", …" : "")}); unpack the one you mean");
            var entry = volumes[0];
            Directory.CreateDirectory(dir);
            // only the volume and its sidecar, each capped: never the whole archive
            var wanted = new List<ZipArchiveEntry> { entry };
            if (zip.Entries.FirstOrDefault(e => e.FullName == Path.ChangeExtension(entry.FullName, ".json")) is { } side) wanted.Add(side);
            foreach (var e in wanted)
            {
                if (e.Length > MaxZipEntryBytes)
                    throw new BadInputException($"{path}: {e.FullName} would expand to {e.Length / (1 << 20)} MiB, above the {MaxZipEntryBytes >> 30} GiB limit; unpack it yourself");
                using var src = e.Open();
                using var dst = File.Create(Path.Combine(dir, e.Name));
                var buffer = new byte[1 << 20];
                long total = 0;
                for (int n; (n = src.Read(buffer)) > 0;)
                {
                    total += n;
                    if (total > e.Length || total > MaxZipEntryBytes) throw new BadInputException($"{path}: {e.FullName} expands beyond its declared size; refusing a malformed archive");
                    dst.Write(buffer, 0, n);
                }
            }
            try { return ReadGray(Path.Combine(dir, entry.Name), o, out sidecarPoreValue); }
            catch (BadInputException e) { throw new BadInputException(e.Message.Replace(Path.Combine(dir, entry.Name), $"{path}!{entry.FullName}").Replace(dir, path)); }
        }
        catch (InvalidDataException e) { throw new BadInputException($"{path}: corrupt zip archive ({e.Message})"); }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); }
    }

    /// <summary>Plausible voxel sizes: 1 nm to 1 cm. Outside it the number is almost always a unit
    /// mistake (5.345 typed for 5.345e-6 m gives permeabilities 10¹² times too large).</summary>
    public const double MinVoxelSize = 1e-9, MaxVoxelSize = 1e-2;

    public static void CheckVoxelSize(double v, string source, bool anyValue = false)
    {
        if (!(v > 0) || !double.IsFinite(v)) throw new BadInputException($"{source}: voxel size must be a positive number of metres, got {v}", InputField.VoxelSize);
        if (!anyValue && (v < MinVoxelSize || v > MaxVoxelSize))
            throw new BadInputException($"{source}: voxel size {v} m is outside 1 nm to 1 cm, almost surely a unit mistake (5.345 µm is 5.345e-6 m, or write 5.345um); if it is right, say so", InputField.AnyVoxelSize);
    }

    /// <summary>File extension of an output cube format: raw (+ .json sidecar), tif or npy.</summary>
    public static string CubeExtension(string format) => format.Trim().ToLowerInvariant() switch
    {
        "raw" => ".raw",
        "tif" or "tiff" => ".tif",
        "npy" => ".npy",
        _ => throw new BadInputException($"cube format must be raw, tif or npy, got '{format}'", InputField.CubeFormat),
    };

    public static Volume ReadBinary(string path, ReadOptions? options = null) => ReadBinary(path, options, out _);

    /// <summary>
    /// Reads any supported file as a binary pore/solid volume. When a pore value is known (the
    /// option, else the file's own: sidecar or our TIFF description), voxels equal to it are pore and
    /// all others solid, always; <paramref name="info"/> counts voxels that held neither the pore nor
    /// the main solid value. Without one, a two-valued (or nearly two-valued) image is refused, naming
    /// its values: guessing which is pore silently inverts the rock. Grayscale scans are segmented
    /// with a 3x3x3 median filter and two-class Otsu, pore = the darker class (low X-ray attenuation).
    /// </summary>
    public static Volume ReadBinary(string path, ReadOptions? options, out SegmentationInfo info)
    {
        var o = options ?? new();
        var g = ReadGray(path, o, out double? filePore);
        double voxel = g.VoxelSize ?? o.FallbackVoxelSize ?? throw new BadInputException($"{path}: the file does not state its voxel size; state it in metres (e.g. 5.345e-6) or with a unit (5.345um)", InputField.VoxelSize);
        CheckVoxelSize(voxel, path, o.AnyVoxelSize);
        double? pore = o.PoreValue ?? filePore;
        if (pore is { } p)
        {
            var (nPore, solid, nSolid) = CountPoreAndSolid(g, (float)p);
            if (nPore == 0)
            {
                var few = g.DistinctValues(6);
                string values = few is null ? "a grayscale image" : "values: " + string.Join(", ", few);
                throw new BadInputException($"{path}: pore value {p} does not occur in the image ({values})", InputField.PoreValue);
            }
            info = new SegmentationInfo("labelled", p, o.PoreValue is not null ? "option" : "file", g.Count - nPore - nSolid, solid);
            return g.ToBinary(p, voxel);
        }
        var distinct = g.DistinctValues(2);
        if (distinct is { Length: 1 })
            throw new BadInputException($"{path}: every voxel holds {distinct[0]}; state the pore value to say whether that is pore or solid", InputField.PoreValue);
        if (distinct is { Length: 2 })
            throw new BadInputException($"{path}: a segmented image with values {distinct[0]} and {distinct[1]}, and the file does not say which is pore; state the pore value, {distinct[0]} or {distinct[1]} (most published micro-CT marks pore with 0)", InputField.PoreValue);
        var (a, b, other) = TwoMostCommon(g);
        if (other <= g.Count / 1000)
            throw new BadInputException($"{path}: a segmented image (values {a} and {b}) with {other} voxel(s) of other values, and the file does not say which is pore; state the pore value, {a} or {b} (other values are then solid)", InputField.PoreValue);
        info = new SegmentationInfo("otsu", null, null, 0, null);
        return Filters.Segmentation.BinarizeGrayscale(g, voxel, poreIsBright: false);
    }

    /// <summary>Voxels equal to the pore value, and the most common other value with its count.</summary>
    static (long Pore, double? Solid, long SolidCount) CountPoreAndSolid(GrayVolume g, float pore)
    {
        // 8-bit images (most segmented scans): a histogram in parallel, no conversion to float
        if (g.Bytes is { } bytes && ByteHistogram(bytes) is var h && h.Count(c => c > 0) <= 2)
        {
            bool poreIsByte = pore >= 0 && pore <= 255 && pore == MathF.Floor(pore);
            long np = poreIsByte ? h[(int)pore] : 0;
            int others = 0, otherValue = -1;
            for (int v = 0; v < 256; v++) if (h[v] > 0 && !(poreIsByte && v == (int)pore)) { others++; otherValue = v; }
            if (others <= 1) return (np, others == 1 ? otherValue : null, others == 1 ? h[otherValue] : 0);
        }
        long nPore = 0;
        // fast path: a clean two-valued image
        float? other = null; long nOther = 0; bool clean = true;
        g.ForEachBlock(block =>
        {
            if (!clean) return;
            foreach (var v in block)
            {
                if (v == pore) nPore++;
                else if (other is null) { other = v; nOther++; }
                else if (v == other) nOther++;
                else { clean = false; return; }
            }
        });
        if (clean) return (nPore, other, nOther);
        var counts = Histogram(g);
        // the histogram counts NaN as a value; a NaN pore value matches no voxel (v == NaN is false)
        nPore = float.IsNaN(pore) ? 0 : counts.GetValueOrDefault(pore);
        counts.Remove(pore);
        if (counts.Count == 0) return (nPore, null, 0);
        var top = counts.MaxBy(kv => kv.Value);
        return (nPore, top.Key, top.Value);
    }

    static (float A, float B, long Other) TwoMostCommon(GrayVolume g)
    {
        var counts = Histogram(g).OrderByDescending(kv => kv.Value).ToList();
        long other = g.Count - counts[0].Value - (counts.Count > 1 ? counts[1].Value : 0);
        float a = Math.Min(counts[0].Key, counts[1].Key), b = Math.Max(counts[0].Key, counts[1].Key);
        return (a, b, other);
    }

    /// <summary>Count of each byte value, over chunks of the image in parallel.</summary>
    internal static long[] ByteHistogram(byte[] data)
    {
        const int chunk = 1 << 20;
        int chunks = (int)((data.LongLength + chunk - 1) / chunk);
        var total = new long[256];
        Parallel.For(0, chunks, KernelParallelism.Options, () => new long[256], (c, _, local) =>
        {
            var span = data.AsSpan(c * chunk, (int)Math.Min(chunk, data.LongLength - (long)c * chunk));
            foreach (var b in span) local[b]++;
            return local;
        }, local => { lock (total) for (int v = 0; v < 256; v++) total[v] += local[v]; });
        return total;
    }

    static Dictionary<float, long> Histogram(GrayVolume g)
    {
        var counts = new Dictionary<float, long>();
        float last = float.NaN; long run = 0;
        g.ForEachBlock(block =>
        {
            foreach (var v in block)
            {
                if (v == last) { run++; continue; }
                if (run > 0) counts[last] = counts.GetValueOrDefault(last) + run;
                last = v; run = 1;
            }
        });
        if (run > 0) counts[last] = counts.GetValueOrDefault(last) + run;
        return counts;
    }

    /// <summary>Writes a binary volume; the format follows the extension (.raw writes a .json sidecar).</summary>
    public static void Write(Volume v, string path)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        switch (Path.GetExtension(path).ToLowerInvariant())
        {
            case ".raw": RawFormat.Write(v, path); break;
            case ".npy":
                NpyFormat.Write(v, path);
                VolumeSidecar.ForBinary(v).Write(VolumeSidecar.PathFor(path));
                break;
            case ".tif": case ".tiff": TiffStackFormat.Write(v, path); break;
            default: throw new BadInputException($"{path}: cannot write '{Path.GetExtension(path)}'; use .raw, .npy or .tif");
        }
    }
}
