using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using PorousActors.Core;
using PorousActors.Pnm;
using PorousActors.Pnm.Flow;
using PorousActors.Pnm.Network;

namespace PorousActors.Cli.Commands;

/// <summary><c>porous analyze</c>: properties of a binary volume.</summary>
public static class AnalyzeCommand
{
    public static Command Build(CliIO io)
    {
        var input = new VolumeInputOptions();
        var json = new Option<bool>("--json") { Description = "Print the properties as JSON (keys carry their units)" };
        var axis = new Option<string>("--axis") { Description = "Flow axis for permeability: z, y, x or all", DefaultValueFactory = _ => "z" };
        var network = new Option<string?>("--network") { Description = "Write the pore network to this file: .json (OpenPNM-style arrays) or .csv (writes NAME.pores.csv and NAME.throats.csv for pandas)" };
        var poreSpyOrder = new Option<bool>("--porespy-order") { Description = "Write network coordinates and face labels in PoreSpy's order (its x = the array's first axis), to line up with a snow2 network of the same array" };
        var imageOnly = new Option<bool>("--image-only") { Description = "Only the image metrics (porosity, S/V, Euler), no pore network" };
        var cmd = new Command("analyze",
            "Compute rock properties of a volume: porosity; specific surface area S/V (1/m, marching cubes at level 0.5 " +
            "on the 7-voxel-smoothed image as PoreSpy, image faces not counted); Euler characteristic (26- and 6-connected " +
            "pores, as scikit-image's euler_number); and from a SNOW pore network (PoreSpy snow2 definitions): pore and " +
            "throat counts, mean inscribed pore and throat diameters (m), coordination number and absolute permeability " +
            "(Stokes flow, m² and mD)");
        input.AddTo(cmd);
        cmd.Options.Add(json); cmd.Options.Add(axis); cmd.Options.Add(network); cmd.Options.Add(imageOnly); cmd.Options.Add(poreSpyOrder);
        cmd.SetAction(p => io.Guard(() =>
        {
            var axes = ParseAxes(p.GetValue(axis)!);
            if (p.GetValue(imageOnly) && p.GetValue(network) is not null)
                throw new BadInputException("--network needs the pore network, which --image-only skips; drop one of them");
            var sw = Stopwatch.StartNew();
            var v = input.Read(p, out var seg);
            double readMs = sw.Elapsed.TotalMilliseconds;
            if (seg.Warning is { } warning) io.Err.WriteLine("warning: " + warning);
            var result = new JsonObject
            {
                ["file"] = p.GetValue(input.Path),
                ["shape"] = new JsonArray(v.Nz, v.Ny, v.Nx),
                ["voxelSize_m"] = v.VoxelSize,
                ["segmentation"] = seg.Method,
            };
            if (seg.PoreValue is { } pv)
            {
                result["poreValue"] = pv;
                result["poreValueFrom"] = seg.PoreValueSource;
                result["otherValueVoxels"] = seg.OtherVoxels;
            }
            var timings = new JsonObject { ["read"] = readMs };
            if (p.GetValue(imageOnly))
            {
                var m = Core.Metrics.ImageMetrics.Compute(v);
                result["porosity"] = m.Porosity;
                result["specificSurface_per_m"] = m.SpecificSurfacePerM;
                result["eulerCharacteristic26"] = m.EulerCharacteristic26;
                result["eulerCharacteristic6"] = m.EulerCharacteristic6;
                foreach (var (k, t) in m.TimingsMs) timings[k] = t;
            }
            else
            {
                var props = new PoreNetworkSimulator(axes).Simulate(v, out var net);
                Fill(result, props);
                foreach (var (k, t) in props.TimingsMs) timings[k] = t;
                if (p.GetValue(network) is { } netPath) NetworkWriter.Write(net, netPath, p.GetValue(poreSpyOrder));
            }
            // measures the field asks for first: connected (percolating) porosity per flow axis; with
            // --json also the porosity profile along each axis and S2(r) of the pore phase
            var stage = Stopwatch.StartNew();
            foreach (var a in axes)
                result[$"connectedPorosity_{a.ToString().ToLowerInvariant()}"] = Core.Metrics.Porosity.Connected(v, (int)a);
            timings["connectedPorosity"] = stage.Elapsed.TotalMilliseconds;
            if (p.GetValue(json))
            {
                stage.Restart();
                result["porosityProfile"] = new JsonObject
                {
                    ["z"] = new JsonArray(Core.Metrics.Porosity.Profile(v, 0).Select(x => (JsonNode)x).ToArray()),
                    ["y"] = new JsonArray(Core.Metrics.Porosity.Profile(v, 1).Select(x => (JsonNode)x).ToArray()),
                    ["x"] = new JsonArray(Core.Metrics.Porosity.Profile(v, 2).Select(x => (JsonNode)x).ToArray()),
                };
                result["twoPointCorrelation"] = new JsonArray(Core.Metrics.TwoPointCorrelation.Compute(v, Math.Min(64, Math.Min(v.Nz, Math.Min(v.Ny, v.Nx)) / 2)).Select(x => (JsonNode)x).ToArray());
                timings["profilesAndS2"] = stage.Elapsed.TotalMilliseconds;
            }
            timings["total"] = sw.Elapsed.TotalMilliseconds;
            result["timings_ms"] = timings;
            if (p.GetValue(json)) io.Out.WriteLine(result.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            else PrintText(io.Out, result);
            return 0;
        }));
        return cmd;
    }

    internal static IReadOnlyList<FlowAxis> ParseAxes(string text) => text.Trim().ToLowerInvariant() switch
    {
        "z" => [FlowAxis.Z],
        "y" => [FlowAxis.Y],
        "x" => [FlowAxis.X],
        "all" => [FlowAxis.Z, FlowAxis.Y, FlowAxis.X],
        _ => throw new BadInputException($"--axis must be z, y, x or all, got '{text}'"),
    };

    static void Fill(JsonObject o, RockProperties r)
    {
        o["porosity"] = r.Porosity;
        o["specificSurface_per_m"] = r.SpecificSurfacePerM;
        o["eulerCharacteristic26"] = r.EulerCharacteristic26;
        o["eulerCharacteristic6"] = r.EulerCharacteristic6;
        o["poreCount"] = r.PoreCount;
        o["throatCount"] = r.ThroatCount;
        o["meanPoreDiameter_m"] = r.MeanPoreDiameterM;
        o["meanPoreEquivalentDiameter_m"] = r.MeanPoreEquivalentDiameterM;
        o["meanThroatDiameter_m"] = r.MeanThroatDiameterM;
        o["meanThroatEquivalentDiameter_m"] = r.MeanThroatEquivalentDiameterM;
        o["coordinationNumber"] = r.CoordinationNumber;
        // one meaning per key: permeability_mD is k along z; other axes carry their letter; a mean is named
        foreach (var k in r.Permeability)
        {
            string a = k.Axis.ToString().ToLowerInvariant();
            o[$"permeability_mD_{a}"] = k.PermeabilityMilliDarcy;
        }
        if (r.Along(FlowAxis.Z) is { } kz)
        {
            o["permeability_mD"] = kz.PermeabilityMilliDarcy;
            o["permeability_m2"] = kz.PermeabilityM2;
        }
        if (r.Permeability.Count > 1) o["permeability_mD_mean"] = r.PermeabilityMilliDarcy;
        if (r.Permeability.Count == 1)
        {
            var k = r.Permeability[0];
            o["axis"] = k.Axis.ToString().ToLowerInvariant();
            o["solverResidual"] = k.SolverResidual;
            o["trimmedPores"] = k.TrimmedPores;
            if (k.Note is not null) o["note"] = k.Note;
        }
        else
        {
            var perAxis = new JsonObject();
            foreach (var k in r.Permeability)
            {
                var e = new JsonObject
                {
                    ["permeability_m2"] = k.PermeabilityM2,
                    ["permeability_mD"] = k.PermeabilityMilliDarcy,
                    ["solverResidual"] = k.SolverResidual,
                    ["trimmedPores"] = k.TrimmedPores,
                };
                if (k.Note is not null) e["note"] = k.Note;
                perAxis[k.Axis.ToString().ToLowerInvariant()] = e;
            }
            o["solverResidual"] = r.Permeability.Max(k => k.SolverResidual);
            o["perAxis"] = perAxis;
        }
    }

    static void PrintText(TextWriter w, JsonObject o)
    {
        foreach (var (k, v) in o)
        {
            if (v is JsonObject sub)
            {
                w.WriteLine($"{k}:");
                foreach (var (k2, v2) in sub) w.WriteLine($"  {k2,-30} {Render(v2)}");
            }
            else w.WriteLine($"{k,-32} {Render(v)}");
        }

        static string Render(JsonNode? n) => n switch
        {
            JsonObject ob => string.Join(", ", ob.Select(kv => $"{kv.Key}={Render(kv.Value)}")),
            JsonValue val when val.TryGetValue<double>(out var d) => Fmt.G(d),
            _ => n?.ToJsonString() ?? "null",
        };
    }
}
