using System.CommandLine;
using System.Globalization;
using PorousActors.Core;
using PorousActors.Core.IO;

namespace PorousActors.Cli.Commands;

/// <summary>Options shared by commands that read a volume.</summary>
public sealed class VolumeInputOptions
{
    public Argument<string> Path { get; } = new("VOLUME")
    {
        Description = "Volume file: .raw (+ .json sidecar), .npy, .tif/.tiff stack, MATLAB .mat (v5-v7.3), HDF5 .h5, or a .zip holding one",
    };
    public Option<string?> Shape { get; } = new("--shape") { Description = "Z,Y,X for a .raw file without sidecar" };
    public Option<string?> Dtype { get; } = new("--dtype") { Description = "Element type of a .raw file: uint8 (default), int8, bool, int16, uint16, int32, float32, float64" };
    public Option<string?> Dataset { get; } = DatasetOption();
    public Option<string?> VoxelSize { get; } = VoxelSizeOption();
    public Option<bool> AnyVoxelSize { get; } = AnyVoxelSizeOption();
    public Option<double?> PoreValue { get; } = new("--pore-value") { Description = "Voxel value that marks pore in a segmented image; voxels of any other value are solid (default: the file's own, from a sidecar or our TIFF; a two-valued image without one is refused)" };

    public Option<string?> Crop { get; } = new("--crop") { Description = "Region of interest z0:z1,y0:y1,x0:x1 in voxels, end exclusive as NumPy slices (an empty bound = the edge), applied before --downsample" };
    public Option<int> Downsample { get; } = new("--downsample") { Description = "Coarsen by a whole factor: f³ blocks become one voxel f times larger, pore when at least half the block is pore", DefaultValueFactory = _ => 1 };

    public static Option<string?> VoxelSizeOption() => new("--voxel-size") { Description = "Voxel edge length: metres (5.345e-6) or with a unit (5.345um, 2.25µm, 0.005mm); overrides the file's own" };
    public static Option<string?> DatasetOption() => new("--dataset") { Description = "The variable of a .mat file or the dataset of an HDF5 file to read, when it holds several 3-D arrays" };
    public static Option<bool> AnyVoxelSizeOption() => new("--any-voxel-size") { Description = "Accept a voxel size outside 1 nm to 1 cm" };
    public static double? ParseVoxelSize(string? text) => text is null ? null : Length.Parse(text);

#if !ANALYZE_ONLY
    /// <summary>Rock to compare a model with (its training data, benchmark targets): the model's voxel
    /// size stands in where the file states none, and a rock at another voxel size is refused.</summary>
    public static Volume ReadRockLike(Gan.GeneratorModel m, string path, string? voxelSizeText, double? poreValue)
    {
        var v = VolumeIO.ReadBinary(path, new ReadOptions(VoxelSize: ParseVoxelSize(voxelSizeText), PoreValue: poreValue, FallbackVoxelSize: m.Card.VoxelSize));
        if (Math.Abs(v.VoxelSize / m.Card.VoxelSize - 1) > 1e-6)
            throw new BadInputException($"{path}: voxel size {v.VoxelSize} m differs from the model's {m.Card.VoxelSize} m; compare like with like");
        return v;
    }
#endif

    public void AddTo(Command c)
    {
        c.Arguments.Add(Path);
        c.Options.Add(Shape); c.Options.Add(Dtype); c.Options.Add(VoxelSize); c.Options.Add(AnyVoxelSize); c.Options.Add(PoreValue);
        c.Options.Add(Dataset); c.Options.Add(Crop); c.Options.Add(Downsample);
    }

    public Volume Read(ParseResult p) => Read(p, out _);

    /// <summary>How to read the file, from the options (a --shape may exceed one array: slabs read it).</summary>
    public ReadOptions Options(ParseResult p)
    {
        var shapeText = p.GetValue(Shape);
        var vs = ParseVoxelSize(p.GetValue(VoxelSize));
        if (vs is { } v) VolumeIO.CheckVoxelSize(v, "--voxel-size", p.GetValue(AnyVoxelSize));
        return new ReadOptions(shapeText is null ? null : Core.Shape.Parse(shapeText, anySize: true), p.GetValue(Dtype), vs, p.GetValue(PoreValue), p.GetValue(AnyVoxelSize), Dataset: p.GetValue(Dataset));
    }

    /// <summary>True when --crop or --downsample asks for the whole image to be reshaped first.</summary>
    public bool Reshapes(ParseResult p) => p.GetValue(Crop) is not null || p.GetValue(Downsample) != 1;

    public Volume Read(ParseResult p, out SegmentationInfo info)
    {
        var options = Options(p);
        if (options.Shape is { } s) Core.Shape.Validate(s.Z, s.Y, s.X);
        // refuse a malformed crop or factor before a read that may take long
        if (p.GetValue(Crop) is { } spec) Resampling.ParseCrop(spec);
        if (p.GetValue(Downsample) < 1) throw new BadInputException($"the downsampling factor must be a whole number of at least 1, got {p.GetValue(Downsample)}", InputField.Downsample);
        Volume volume;
        // a crop of a segmented .raw or .npy reads only its planes: a region of a scan larger than memory
        if (p.GetValue(Crop) is { } crop && PlaneFile.TryOpen(p.GetValue(Path)!, options, out _) is { } file)
            using (file)
            {
                volume = Resampling.Crop(file, crop);
                info = new SegmentationInfo("labelled", file.PoreValue, file.PoreValueSource, -1, null);
            }
        else
        {
            volume = VolumeIO.ReadBinary(p.GetValue(Path)!, options, out info);
            if (p.GetValue(Crop) is { } whole) volume = Resampling.Crop(volume, whole);
        }
        return Resampling.Downsample(volume, p.GetValue(Downsample));
    }
}

#if !ANALYZE_ONLY
/// <summary>The --device option of every command that runs the network.</summary>
public static class DeviceOptions
{
    public static Option<string?> Create() => new("--device")
    {
        Description = "Where the network runs: auto (every visible GPU, else the CPU), cpu, cuda (every GPU) or cuda:N; several joined by ','. One-device commands use the first",
    };
}

#endif

public static class Fmt
{
    public static string G(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}
