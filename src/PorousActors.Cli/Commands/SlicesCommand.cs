using System.CommandLine;

namespace PorousActors.Cli.Commands;

/// <summary><c>porous slices</c>: a PNG of three orthogonal mid-slices of any volume.</summary>
public static class SlicesCommand
{
    public static Command Build(CliIO io)
    {
        var input = new VolumeInputOptions();
        var output = new Option<string>("--out") { Description = "PNG to write", DefaultValueFactory = _ => "slices.png" };
        var cmd = new Command("slices", "Picture of a volume: three orthogonal mid-slices (z, y, x planes) as one PNG, pore white, labelled, with voxel size and porosity");
        input.AddTo(cmd);
        cmd.Options.Add(output);
        cmd.SetAction(p => io.Guard(() =>
        {
            var v = input.Read(p, out var seg);
            if (seg.Warning is { } w) io.Err.WriteLine("warning: " + w);
            string path = p.GetValue(output)!;
            string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
            if (dir is not null) Directory.CreateDirectory(dir);
            Reports.SliceImage.Write(v, path);
            io.Out.WriteLine($"wrote {path}");
            return 0;
        }));
        return cmd;
    }
}
