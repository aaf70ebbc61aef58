using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using PorousActors.Core;
using PorousActors.Core.IO;
using PorousActors.Pnm.Extraction;
using PorousActors.Pnm;
using PorousActors.Pnm.Flow;
using PorousActors.Pnm.Network;
using PorousActors.Pnm.VoxelFlow;

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
#if !ANALYZE_ONLY
        var flow = new Option<string>("--flow")
        {
            Description = "Permeability model: 'network' (Stokes flow on the SNOW network) or 'voxel' (also a voxel-level lattice-Boltzmann Stokes solve of the image along each --axis, reported as voxelPermeability_*; minutes at 64³-128³)",
            DefaultValueFactory = _ => "network",
        };
        var voxel = new VoxelFlowRunner.Options();
#endif
        var regions = new Option<string?>("--regions") { Description = "Write the watershed regions (pore p of the network = region pore.region_label[p]; 0 = solid or unassigned) as a 16-bit TIFF stack with the voxel spacing, for ImageJ/Fiji or ParaView" };
        var cmd = new Command("analyze",
            "Compute rock properties of a volume: porosity; specific surface area S/V (1/m, marching cubes at level 0.5 " +
            "on the 7-voxel-smoothed image as PoreSpy, image faces not counted); Euler characteristic (26- and 6-connected " +
            "pores, as scikit-image's euler_number); and from a SNOW pore network (PoreSpy snow2 definitions): pore and " +
            "throat counts, mean inscribed pore and throat diameters (m), coordination number and absolute permeability " +
            "(Stokes flow, m² and mD)");
        input.AddTo(cmd);
        cmd.Options.Add(json); cmd.Options.Add(axis); cmd.Options.Add(network); cmd.Options.Add(imageOnly); cmd.Options.Add(poreSpyOrder);
#if !ANALYZE_ONLY
        var psd = new Option<string?>("--psd") { Description = "Also the local-thickness pore-size distribution (one EDT per voxel of radius: seconds at 128³): keys localThickness*, and PREFIX.csv + PREFIX.png with the network's pore and throat size distributions" };
#endif
        var tortuosity = new Option<bool>("--tortuosity") { Description = "Also the geometric tortuosity along each --axis (shortest pore paths, inlet plane to outlet plane)" };
        cmd.Options.Add(regions);
#if !ANALYZE_ONLY
        cmd.Options.Add(flow);
        voxel.AddTo(cmd);
#endif
        var conductivity = new Option<bool>("--conductivity") { Description = "Also the formation factor along each --axis from a conduction solve on the voxels themselves (pore conducts as brine, solid insulates; ~1 s at 64³): keys voxelFormationFactor_AXIS (F = σ_brine / σ_rock, null without a spanning pore path), beside the network's formationFactor_AXIS" };
#if !ANALYZE_ONLY
        cmd.Options.Add(psd);
#endif
        cmd.Options.Add(tortuosity); cmd.Options.Add(conductivity);
        var chunks = new Option<string>("--chunks")
        {
            Description = "Analyse the image in this many z-slabs, each with overlapping halos (SNOW as PoreSpy's divs, built and checked at every seam to give the whole image's network), so memory is that of a slab: "
                + "'auto' (default) uses slabs above 512³ voxels, sized to this machine's memory; 1 = the whole image at once. Segmented .raw and .npy files are then read from disk slab by slab (any size)",
            DefaultValueFactory = _ => "auto",
        };
        var chunkHalo = new Option<int>("--chunk-halo") { Description = "Planes each slab's watershed reaches beyond its core (widened by itself when two slabs disagree at a seam)", DefaultValueFactory = _ => ChunkedSnowExtractor.DefaultWatershedHalo };
        cmd.Options.Add(chunks); cmd.Options.Add(chunkHalo);
        cmd.SetAction(p => io.Guard(() =>
        {
            int? slabs = ParseChunks(p.GetValue(chunks)!);
            if (SlabSource(io, p, input, slabs, p.GetValue(chunkHalo)) is { } plan)
            {
                foreach (var (option, name) in new (bool, string)[] { (p.GetValue(imageOnly), "--image-only"), (p.GetValue(regions) is not null, "--regions"),
#if !ANALYZE_ONLY
                    (p.GetValue(flow)!.Trim().ToLowerInvariant() == "voxel", "--flow voxel"), (p.GetValue(psd) is not null, "--psd"),
#endif
                    (p.GetValue(tortuosity), "--tortuosity"), (p.GetValue(conductivity), "--conductivity") })
                    if (option) throw new BadInputException($"{name} needs the whole image in memory; analyse in slabs without it, or with --chunks 1 for an image that fits");
                using (plan.Source as IDisposable)
                    return AnalyzeInSlabs(io, p, plan, axes: ParseAxes(p.GetValue(axis)!), p.GetValue(json), p.GetValue(network), p.GetValue(poreSpyOrder), p.GetValue(input.Path)!);
            }
            var axes = ParseAxes(p.GetValue(axis)!);
            if (p.GetValue(imageOnly) && p.GetValue(network) is not null)
                throw new BadInputException("--network needs the pore network, which --image-only skips; drop one of them");
            if (p.GetValue(imageOnly) && p.GetValue(regions) is not null)
                throw new BadInputException("--regions needs the pore network's watershed, which --image-only skips; drop one of them");
            if (p.GetValue(regions) is { } rp && !rp.EndsWith(".tif", StringComparison.OrdinalIgnoreCase) && !rp.EndsWith(".tiff", StringComparison.OrdinalIgnoreCase))
                throw new BadInputException($"--regions writes a TIFF stack: give a .tif or .tiff path, got '{rp}'");
#if !ANALYZE_ONLY
            bool voxelFlow = p.GetValue(flow)!.Trim().ToLowerInvariant() switch
            {
                "network" => false,
                "voxel" => true,
                var other => throw new BadInputException($"--flow must be 'network' or 'voxel', got '{other}'"),
            };
            var flowSettings = voxel.Settings(p);
            IVoxelFlowSolver? solver = voxelFlow ? voxel.CreateSolver(p) : null;
#endif
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
            double[] poreDiameters = [], throatDiameters = [];
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
                var props = new PoreNetworkSimulator(axes).Simulate(v, out Pnm.Extraction.SnowExtractor.Result snow);
                Fill(result, props);
                foreach (var (k, t) in props.TimingsMs) timings[k] = t;
                if (p.GetValue(network) is { } netPath) NetworkWriter.Write(snow.Network, netPath, p.GetValue(poreSpyOrder));
                if (p.GetValue(regions) is { } regionsPath)
                    Core.IO.TiffStackFormat.WriteLabels(snow.Regions, v.Nz, v.Ny, v.Nx, v.VoxelSize, regionsPath);
                foreach (var a in axes)
                    result[$"formationFactor_{a.ToString().ToLowerInvariant()}"] = StokesFlow.FormationFactor(snow.Network, a) is var ff && double.IsFinite(ff) ? ff : null;
                poreDiameters = snow.Network.PoreInscribedDiameter.Select(d => d * v.VoxelSize).ToArray();
                throatDiameters = snow.Network.ThroatInscribedDiameter.Select(d => d * v.VoxelSize).ToArray();
            }
            // measures the field asks for first: connected (percolating) porosity per flow axis; with
            // --json also the porosity profile along each axis and S2(r) of the pore phase
#if !ANALYZE_ONLY
            if (solver is not null) VoxelFlowRunner.Run(io, v, axes, solver, flowSettings, result, timings);
#endif
            Core.StageMemory.Recycle(v.Count);
            var stage = Stopwatch.StartNew();
            var connected = Core.Metrics.Porosity.ConnectedAll(v);
            foreach (var a in axes)
                result[$"connectedPorosity_{a.ToString().ToLowerInvariant()}"] = connected[(int)a];
            Core.StageMemory.Recycle(v.Count);
            timings["connectedPorosity"] = stage.Elapsed.TotalMilliseconds;
            stage.Restart();
            var chords = new JsonObject();
            foreach (var (a, name) in new[] { (0, "z"), (1, "y"), (2, "x") })
            {
                var h = Core.Metrics.ChordLength.Histogram(v, a);
                result[$"chordLength_mean_m_{name}"] = Core.Metrics.ChordLength.Mean(h) * v.VoxelSize is var m && double.IsFinite(m) ? m : null;
                int lo = Array.FindIndex(h, 1, c => c > 0), hi = Array.FindLastIndex(h, c => c > 0);
                if (lo > 0)
                    chords[name] = new JsonObject
                    {
                        ["length_m"] = new JsonArray(Enumerable.Range(lo, hi - lo + 1).Select(L => (JsonNode)(L * v.VoxelSize)).ToArray()),
                        ["count"] = new JsonArray(Enumerable.Range(lo, hi - lo + 1).Select(L => (JsonNode)h[L]).ToArray()),
                    };
            }
            timings["chordLengths"] = stage.Elapsed.TotalMilliseconds;
            if (p.GetValue(tortuosity))
            {
                stage.Restart();
                foreach (var a in axes)
                    result[$"geometricTortuosity_{a.ToString().ToLowerInvariant()}"] = Core.Metrics.GeometricTortuosity.Compute(v, (int)a) is var t && double.IsFinite(t) ? t : null;
                timings["geometricTortuosity"] = stage.Elapsed.TotalMilliseconds;
            }
            if (p.GetValue(conductivity))
            {
                stage.Restart();
                foreach (var a in axes)
                {
                    // no pore path from face to face: no conduction (the solve would leave only its residual)
                    double sigma = connected[(int)a] > 0 ? Core.Metrics.VoxelConductance.Solve(v.Data, v.Nz, v.Ny, v.Nx, (int)a, solid: 0, tolerance: 1e-6).Conductivity : 0;
                    result[$"voxelFormationFactor_{a.ToString().ToLowerInvariant()}"] = sigma > 0 ? 1 / sigma : null;
                }
                timings["voxelConductivity"] = stage.Elapsed.TotalMilliseconds;
            }
#if !ANALYZE_ONLY
            if (p.GetValue(psd) is { } psdPrefix)
            {
                stage.Restart();
                var radii = Core.Metrics.LocalThickness.Radii(v);
                var fractions = Core.Metrics.LocalThickness.VolumeFractions(v, radii);
                result["localThickness_meanDiameter_m"] = Enumerable.Range(0, fractions.Length).Sum(r => fractions[r] * 2 * r) * v.VoxelSize;
                result["localThickness"] = new JsonObject
                {
                    ["diameter_m"] = new JsonArray(Enumerable.Range(0, fractions.Length).Select(r => (JsonNode)(2 * r * v.VoxelSize)).ToArray()),
                    ["poreVolumeFraction"] = new JsonArray(fractions.Select(f => (JsonNode)f).ToArray()),
                };
                var (csvPath, pngPath) = Reports.PoreSizeReport.Write(psdPrefix, v.VoxelSize, fractions, poreDiameters, throatDiameters);
                result["psdFiles"] = new JsonArray(csvPath, pngPath);
                timings["localThickness"] = stage.Elapsed.TotalMilliseconds;
            }
#endif
            if (p.GetValue(json))
            {
                stage.Restart();
                var profiles = Core.Metrics.Porosity.Profiles(v);
                result["porosityProfile"] = new JsonObject
                {
                    ["z"] = new JsonArray(profiles[0].Select(x => (JsonNode)x).ToArray()),
                    ["y"] = new JsonArray(profiles[1].Select(x => (JsonNode)x).ToArray()),
                    ["x"] = new JsonArray(profiles[2].Select(x => (JsonNode)x).ToArray()),
                };
                result["chordLengthDistribution"] = chords;
                result["twoPointCorrelation"] = new JsonArray(Core.Metrics.TwoPointCorrelation.Compute(v, Math.Min(64, Math.Min(v.Nz, Math.Min(v.Ny, v.Nx)) / 2)).Select(x => (JsonNode)x).ToArray());
                timings["profilesAndS2"] = stage.Elapsed.TotalMilliseconds;
            }
            timings["total"] = sw.Elapsed.TotalMilliseconds;
            result["timings_ms"] = timings;
            AddPeakMemory(result, (long)v.Nz * v.Ny * v.Nx);
            if (p.GetValue(json)) io.Out.WriteLine(result.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            else PrintText(io.Out, result);
            return 0;
        }));
        return cmd;
    }

    /// <summary>null = auto, else the slab count (1 = whole image).</summary>
    static int? ParseChunks(string text)
    {
        text = text.Trim().ToLowerInvariant();
        if (text == "auto") return null;
        if (int.TryParse(text, out int n) && n >= 1) return n;
        throw new BadInputException($"--chunks must be 'auto' or a whole number of slabs (1 = the whole image), got '{text}'");
    }

    /// <summary>Images above this many voxels are analysed in slabs unless told otherwise (512³).</summary>
    public const long AutoSlabVoxels = 1L << 27;

    sealed record SlabPlan(IPlaneSource Source, int Chunks, int Halo, SegmentationInfo Segmentation, double ReadMs);

    /// <summary>Whether (and how) to analyse in slabs: null for the whole-image path.</summary>
    static SlabPlan? SlabSource(CliIO io, ParseResult p, VolumeInputOptions input, int? slabs, int halo)
    {
        if (slabs == 1 && !input.Reshapes(p))
        {
            // an image beyond one array cannot be analysed whole: say so rather than fail reading it
            using var big = PlaneFile.TryOpen(p.GetValue(input.Path)!, input.Options(p), out _);
            if (big is not null && big.VoxelCount() > Array.MaxLength)
                throw new BadInputException($"{p.GetValue(input.Path)}: {big.Nz}x{big.Ny}x{big.Nx} is more voxels than one array holds ({Array.MaxLength}); analyse it in slabs (--chunks auto, or a number)");
        }
        if (slabs == 1) return null;
        if (halo < 2) throw new BadInputException($"--chunk-halo must be at least 2 planes, got {halo}");
        var sw = Stopwatch.StartNew();
        PlaneFile? file = input.Reshapes(p) ? null : PlaneFile.TryOpen(p.GetValue(input.Path)!, input.Options(p), out _);
        if (slabs is null && (file is null || file.VoxelCount() <= AutoSlabVoxels)) { file?.Dispose(); return null; }
        IPlaneSource src;
        SegmentationInfo seg;
        if (file is not null)
        {
            src = file;
            seg = new SegmentationInfo("labelled", file.PoreValue, file.PoreValueSource, -1, null);
        }
        else
        {
            // a format read whole (or a reshaped image): slabs of it in memory
            var v = input.Read(p, out seg);
            if (seg.Warning is { } warning) io.Err.WriteLine("warning: " + warning);
            src = new VolumePlanes(v);
        }
        int n = slabs ?? ChunkedSnowExtractor.AutoChunks(src.Nz, src.Ny, src.Nx, halo, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
        return new SlabPlan(src, n, halo, seg, sw.Elapsed.TotalMilliseconds);
    }

    static int AnalyzeInSlabs(CliIO io, ParseResult p, SlabPlan plan, IReadOnlyList<FlowAxis> axes, bool json, string? networkPath, bool poreSpyOrder, string file)
    {
        var sw = Stopwatch.StartNew();
        var src = plan.Source;
        var result = new JsonObject
        {
            ["file"] = file,
            ["shape"] = new JsonArray(src.Nz, src.Ny, src.Nx),
            ["voxelSize_m"] = src.VoxelSize,
            ["segmentation"] = plan.Segmentation.Method,
        };
        if (plan.Segmentation.PoreValue is { } pv)
        {
            result["poreValue"] = pv;
            result["poreValueFrom"] = plan.Segmentation.PoreValueSource;
        }
        var props = new PoreNetworkSimulator(axes).Simulate(src, plan.Chunks, plan.Halo, msg => io.Err.WriteLine(msg), out var chunked);
        Fill(result, props);
        foreach (var a in axes)
            result[$"formationFactor_{a.ToString().ToLowerInvariant()}"] = StokesFlow.FormationFactor(chunked.Network, a) is var ff && double.IsFinite(ff) ? ff : null;
        if (networkPath is not null) NetworkWriter.Write(chunked.Network, networkPath, poreSpyOrder);
        var r = chunked.Report;
        result["slabs"] = new JsonObject
        {
            ["slabs"] = r.Chunks,
            ["watershedSlabs"] = r.WatershedChunks,
            ["watershedHalo_planes"] = r.WatershedHalo,
            ["haloWidenings"] = r.HaloWidenings,
            ["distanceMargin_planes"] = r.DistanceMargin,
            ["retries"] = r.Retries,
            ["seamMismatchVoxels"] = r.SeamMismatches,
            ["largestSlab_voxels"] = r.MaxSlabVoxels,
            ["keptDistanceSlabs"] = r.KeptDistanceSlabs,
            ["notComputed"] = new JsonArray("connectedPorosity", "chordLengths", "porosityProfile", "twoPointCorrelation"),
        };
        if (r.SeamMismatches > 0)
            io.Err.WriteLine($"warning: {r.SeamMismatches} voxel(s) read across slab seams were labelled differently by the two slabs even with a {r.WatershedHalo}-plane halo: the network may differ slightly from the whole image's; raise --chunk-halo or use fewer slabs");
        var timings = new JsonObject { ["read"] = plan.ReadMs };
        foreach (var (k, t) in props.TimingsMs) timings[k] = t;
        timings["total"] = sw.Elapsed.TotalMilliseconds + plan.ReadMs;
        result["timings_ms"] = timings;
        AddPeakMemory(result, src.VoxelCount());
        if (json) io.Out.WriteLine(result.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        else PrintText(io.Out, result);
        return 0;
    }

    /// <summary>The process's peak resident memory, in all and per voxel of the image.</summary>
    static void AddPeakMemory(JsonObject result, long voxels)
    {
        long peak = Process.GetCurrentProcess().PeakWorkingSet64;
        result["peakMemory_bytes"] = peak;
        result["peakMemoryPerVoxel_bytes"] = Math.Round(peak / (double)voxels, 2);
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
        // every catalog property this evaluation computed, by its one key (a new catalog entry
        // appears here by itself); k only along axes that were solved, a mean only of several
        foreach (var p in Pnm.RockPropertyCatalog.All)
        {
            if (p.Stage == Pnm.PropertyStage.Flow && !p.Axes.All(a => r.Along(a) is not null)) continue;
            if (p.Key == "permeability_mD_mean" && r.Permeability.Count < 2) continue;
            o[p.Key] = p.Read(r);
        }
        // network counts beside them (descriptive, not targets)
        o["poreCount"] = r.PoreCount;
        o["throatCount"] = r.ThroatCount;
        o["meanThroatEquivalentDiameter_m"] = r.MeanThroatEquivalentDiameterM;
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
