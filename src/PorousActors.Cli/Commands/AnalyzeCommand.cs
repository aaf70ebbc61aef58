using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using PorousActors.Core.Metrics;

namespace PorousActors.Cli.Commands;

/// <summary><c>porous analyze</c>: properties of a binary volume.</summary>
public static class AnalyzeCommand
{
    public static Command Build(CliIO io)
    {
        var input = new VolumeInputOptions();
        var json = new Option<bool>("--json") { Description = "Print the properties as JSON (keys carry their units)" };
        var cmd = new Command("analyze",
            "Compute rock properties of a volume: porosity, specific surface area S/V (1/m, marching cubes at level 0.5, " +
            "image faces not counted) and Euler characteristic (26- and 6-connected pores, as scikit-image's euler_number)");
        input.AddTo(cmd);
        cmd.Options.Add(json);
        cmd.SetAction(p => io.Guard(() =>
        {
            var sw = Stopwatch.StartNew();
            var v = input.Read(p);
            double readMs = sw.Elapsed.TotalMilliseconds;
            var m = ImageMetrics.Compute(v);
            var timings = new JsonObject { ["read"] = readMs };
            foreach (var (k, t) in m.TimingsMs) timings[k] = t;
            timings["total"] = sw.Elapsed.TotalMilliseconds;
            var result = new JsonObject
            {
                ["file"] = p.GetValue(input.Path),
                ["shape"] = new JsonArray(v.Nz, v.Ny, v.Nx),
                ["voxelSize_m"] = v.VoxelSize,
                ["porosity"] = m.Porosity,
                ["specificSurface_per_m"] = m.SpecificSurfacePerM,
                ["eulerCharacteristic26"] = m.EulerCharacteristic26,
                ["eulerCharacteristic6"] = m.EulerCharacteristic6,
                ["timings_ms"] = timings,
            };
            if (p.GetValue(json)) io.Out.WriteLine(result.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            else
            {
                io.Out.WriteLine($"volume            {v.Nz} x {v.Ny} x {v.Nx} voxels at {Fmt.G(v.VoxelSize)} m");
                io.Out.WriteLine($"porosity          {m.Porosity:F4}");
                io.Out.WriteLine($"specific surface  {Fmt.G(m.SpecificSurfacePerM)} 1/m");
                io.Out.WriteLine($"Euler char. (26)  {m.EulerCharacteristic26}");
                io.Out.WriteLine($"Euler char. (6)   {m.EulerCharacteristic6}");
                io.Out.WriteLine($"time              {sw.Elapsed.TotalMilliseconds:F0} ms");
            }
            return 0;
        }));
        return cmd;
    }
}
