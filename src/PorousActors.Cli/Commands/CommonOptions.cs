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
        Description = "Volume file: .raw (+ .json sidecar), .npy, .tif/.tiff stack, or a .zip holding one",
    };
    public Option<string?> Shape { get; } = new("--shape") { Description = "Z,Y,X for a .raw file without sidecar" };
    public Option<string?> Dtype { get; } = new("--dtype") { Description = "Element type of a .raw file: uint8 (default), bool, int16, uint16, float32" };
    public Option<double?> VoxelSize { get; } = new("--voxel-size") { Description = "Voxel edge length in metres (e.g. 5.345e-6); overrides the file's own" };
    public Option<double?> PoreValue { get; } = new("--pore-value") { Description = "Voxel value that marks pore in a segmented image (default: sidecar's, else the larger of two values)" };

    public void AddTo(Command c)
    {
        c.Arguments.Add(Path);
        c.Options.Add(Shape); c.Options.Add(Dtype); c.Options.Add(VoxelSize); c.Options.Add(PoreValue);
    }

    public Volume Read(ParseResult p)
    {
        var shapeText = p.GetValue(Shape);
        var vs = p.GetValue(VoxelSize);
        if (vs is { } v && !(v > 0 && double.IsFinite(v))) throw new BadInputException($"--voxel-size must be a positive number of metres, got {v}");
        var options = new ReadOptions(shapeText is null ? null : Core.Shape.Parse(shapeText), p.GetValue(Dtype), vs, p.GetValue(PoreValue));
        return VolumeIO.ReadBinary(p.GetValue(Path)!, options);
    }
}

public static class Fmt
{
    public static string G(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}
