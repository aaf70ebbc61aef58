using System.Text.Json;
using PorousActors.Cli;

namespace PorousActors.Cli.Tests;

public sealed class CliTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("porous-cli-").FullName;
    public void Dispose() => Directory.Delete(dir, true);

    static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter(); var e = new StringWriter();
        int code = PorousCli.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void SynthThenAnalyzePrintsTheDocumentedJsonKeys()
    {
        string path = Path.Combine(dir, "rock.raw");
        var synth = Run("synth", "spheres", "--size", "40", "--porosity", "0.25", "--radius", "4", "--seed", "3", "--out", path);
        Assert.Equal(0, synth.Code);
        Assert.True(File.Exists(Path.ChangeExtension(path, ".json")));

        var r = Run("analyze", path, "--json");
        Assert.Equal(0, r.Code);
        using var doc = JsonDocument.Parse(r.Out);
        var root = doc.RootElement;
        Assert.InRange(root.GetProperty("porosity").GetDouble(), 0.24, 0.2501);
        Assert.True(root.GetProperty("specificSurface_per_m").GetDouble() > 0);
        Assert.Equal(JsonValueKind.Number, root.GetProperty("eulerCharacteristic26").ValueKind);
        Assert.Equal(JsonValueKind.Number, root.GetProperty("eulerCharacteristic6").ValueKind);
        Assert.True(root.GetProperty("timings_ms").GetProperty("total").GetDouble() > 0);
        Assert.Equal(5.345e-6, root.GetProperty("voxelSize_m").GetDouble(), 12);
    }

    [Fact]
    public void AnalysisInSlabsGivesTheWholeImagesPropertiesAndSaysHowItWent()
    {
        string path = Path.Combine(dir, "tall.raw");
        Assert.Equal(0, Run("synth", "spheres", "--size", "96", "--porosity", "0.22", "--radius", "4", "--seed", "5", "--streamed", "--out", path).Code);
        var whole = Run("analyze", path, "--axis", "all", "--json");
        var slabs = Run("analyze", path, "--axis", "all", "--json", "--chunks", "3", "--chunk-halo", "16");
        Assert.Equal(0, whole.Code);
        Assert.True(slabs.Code == 0, slabs.Err);
        using var w = JsonDocument.Parse(whole.Out);
        using var c = JsonDocument.Parse(slabs.Out);
        foreach (var key in new[] { "porosity", "specificSurface_per_m", "eulerCharacteristic26", "eulerCharacteristic6", "poreCount", "throatCount",
            "meanPoreDiameter_m", "meanThroatDiameter_m", "coordinationNumber", "permeability_mD_z", "permeability_mD_y", "permeability_mD_x" })
            Assert.Equal(w.RootElement.GetProperty(key).GetDouble(), c.RootElement.GetProperty(key).GetDouble());
        var report = c.RootElement.GetProperty("slabs");
        Assert.Equal(3, report.GetProperty("slabs").GetInt32());
        Assert.Equal(0, report.GetProperty("seamMismatchVoxels").GetInt64());
        Assert.True(c.RootElement.GetProperty("peakMemoryPerVoxel_bytes").GetDouble() > 0);
        Assert.Contains("watershed: slab 3 of 3", slabs.Err);
        // options that need the whole image are refused by name
        var regions = Run("analyze", path, "--chunks", "2", "--regions", Path.Combine(dir, "r.tif"));
        Assert.Equal(2, regions.Code);
        Assert.Contains("--regions needs the whole image", regions.Err);
        Assert.Equal(2, Run("analyze", path, "--chunks", "0").Code);
        Assert.Equal(2, Run("analyze", path, "--chunks", "many").Code);
    }

    [Fact]
    public void FlowVoxelAddsTheLatticeBoltzmannPermeabilityBesideTheNetworks()
    {
        string path = Path.Combine(dir, "open.raw");
        Assert.Equal(0, Run("synth", "blobs", "--size", "24", "--porosity", "0.35", "--seed", "4", "--out", path).Code);
        var r = Run("analyze", path, "--flow", "voxel", "--axis", "all", "--json");
        Assert.Equal(0, r.Code);
        using var doc = JsonDocument.Parse(r.Out);
        var root = doc.RootElement;
        foreach (var a in new[] { "z", "y", "x" })
        {
            double kv = root.GetProperty($"voxelPermeability_mD_{a}").GetDouble();
            Assert.True(kv > 0, $"voxel k along {a}");
            Assert.Equal(kv * 9.869233e-16, root.GetProperty($"voxelPermeability_m2_{a}").GetDouble(), kv * 1e-24);
            var d = root.GetProperty("voxelFlow").GetProperty(a);
            Assert.True(d.GetProperty("converged").GetBoolean());
            Assert.Equal("cpu", d.GetProperty("solver").GetString());
            Assert.True(root.GetProperty("timings_ms").GetProperty($"voxelFlow_{a}").GetDouble() > 0);
        }
        // the network's k keeps its own keys
        Assert.True(root.GetProperty("permeability_mD_z").GetDouble() >= 0);
    }

    [Fact]
    public void AMalformedCropOrFactorIsRefusedBeforeTheVolumeIsRead()
    {
        // the file does not exist: an answer about the crop shows it was checked first
        string missing = Path.Combine(dir, "not-there.raw");
        var crop = Run("analyze", missing, "--crop", "0:10,,0:10");
        Assert.Equal(2, crop.Code);
        Assert.Contains("crop range ''", crop.Err);
        var notIndex = Run("analyze", missing, "--crop", "0:10,0:a,0:10");
        Assert.Equal(2, notIndex.Code);
        Assert.Contains("'a' is not a voxel index", notIndex.Err);
        var factor = Run("analyze", missing, "--downsample", "0");
        Assert.Equal(2, factor.Code);
        Assert.Contains("downsampling factor", factor.Err);
        // well formed, the missing file is what is reported
        Assert.Contains("not-there.raw", Run("analyze", missing, "--crop", "0:10,:,:").Err);
    }

    [Fact]
    public void AnalyzeWritesTheFieldsMeasuresAndTheirFiles()
    {
        string path = Path.Combine(dir, "rock.raw");
        Assert.Equal(0, Run("synth", "spheres", "--size", "48", "--porosity", "0.3", "--radius", "4", "--seed", "5", "--out", path).Code);
        string psd = Path.Combine(dir, "psd"), regions = Path.Combine(dir, "regions.tif");
        var r = Run("analyze", path, "--crop", "4:44,:,8:", "--downsample", "2", "--psd", psd, "--tortuosity", "--conductivity", "--axis", "all", "--regions", regions, "--json");
        Assert.Equal(0, r.Code);
        using var doc = JsonDocument.Parse(r.Out);
        var root = doc.RootElement;
        Assert.Equal(new[] { 20, 24, 20 }, root.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray());
        Assert.Equal(2 * 5.345e-6, root.GetProperty("voxelSize_m").GetDouble(), 15);
        Assert.True(root.GetProperty("chordLength_mean_m_x").GetDouble() > 0);
        Assert.True(root.GetProperty("chordLengthDistribution").GetProperty("z").GetProperty("count").GetArrayLength() > 0);
        Assert.InRange(root.GetProperty("geometricTortuosity_z").GetDouble(), 1, 3);
        foreach (var a in new[] { "z", "y", "x" })
        {
            // the voxel solve's formation factor: above 1/φ (F = 1/φ only for straight tubes) and the same order as the network's
            double f = root.GetProperty($"voxelFormationFactor_{a}").GetDouble(), phi = root.GetProperty("porosity").GetDouble();
            Assert.InRange(f, 1 / phi, 30 / phi);
            Assert.InRange(f / root.GetProperty($"formationFactor_{a}").GetDouble(), 0.2, 5);
        }
        var lt = root.GetProperty("localThickness").GetProperty("poreVolumeFraction").EnumerateArray().Sum(e => e.GetDouble());
        Assert.Equal(1.0, lt, 9);
        Assert.True(File.Exists(psd + ".csv") && File.Exists(psd + ".png") && File.Exists(regions));
    }

    [Fact]
    public void TheVoxelFormationFactorOfStraightTubesIsOneOverPorosityAndAbsentWhereNoPathSpans()
    {
        // nine straight pore tubes along z through a 16³ cube
        var v = new Core.Volume(16, 16, 16, 5e-6);
        for (int z = 0; z < 16; z++)
            for (int y = 2; y < 14; y += 4)
                for (int x = 2; x < 14; x += 4) v.Data[v.Index(z, y, x)] = 1;
        string path = Path.Combine(dir, "tubes.raw");
        Core.IO.VolumeIO.Write(v, path);
        var r = Run("analyze", path, "--image-only", "--conductivity", "--axis", "all", "--json");
        Assert.True(r.Code == 0, r.Err);
        var root = JsonDocument.Parse(r.Out).RootElement;
        double phi = 9 / 256.0;
        Assert.Equal(1 / phi, root.GetProperty("voxelFormationFactor_z").GetDouble(), 6);
        // across the tubes no pore path spans: no conduction, stated as null rather than a huge number
        Assert.Equal(JsonValueKind.Null, root.GetProperty("voxelFormationFactor_x").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("voxelFormationFactor_y").ValueKind);
        var slabs = Run("analyze", path, "--chunks", "2", "--conductivity");
        Assert.Equal(2, slabs.Code);
        Assert.Contains("--conductivity needs the whole image", slabs.Err);
    }

    [Fact]
    public void VoxelSizeOptionOverridesTheSidecar()
    {
        string path = Path.Combine(dir, "b.npy");
        Assert.Equal(0, Run("synth", "blobs", "--size", "24", "--out", path).Code);
        // our .npy carries a sidecar with the voxel size and pore value; the option overrides its size
        var own = Run("analyze", path, "--voxel-size", "2um", "--json");
        Assert.Equal(0, own.Code);
        var root = JsonDocument.Parse(own.Out).RootElement;
        Assert.Equal(2e-6, root.GetProperty("voxelSize_m").GetDouble(), 12);
        Assert.Equal(1, root.GetProperty("poreValue").GetDouble());
        // a bare .npy states neither: both are asked for, never guessed
        File.Delete(Path.ChangeExtension(path, ".json"));
        var missing = Run("analyze", path);
        Assert.Equal(2, missing.Code);
        Assert.Contains("--voxel-size", missing.Err);
        var noPore = Run("analyze", path, "--voxel-size", "2e-6");
        Assert.Equal(2, noPore.Code);
        Assert.Contains("state the pore value, 0 or 1", noPore.Err);
        Assert.EndsWith("[--pore-value]", noPore.Err.Trim());
        var ok = Run("analyze", path, "--voxel-size", "2e-6", "--pore-value", "1", "--json");
        Assert.Equal(0, ok.Code);
        Assert.Equal(2e-6, JsonDocument.Parse(ok.Out).RootElement.GetProperty("voxelSize_m").GetDouble(), 12);
    }

    [Theory]
    [InlineData("analyze", "/nonexistent/rock.raw")]
    [InlineData("synth", "spheres", "--size", "16", "--porosity", "1.5", "--out", "x.raw")]
    [InlineData("synth", "spheres", "--size", "16", "--porosity", "NaN", "--out", "x.raw")]
    [InlineData("analyze", "rock.raw", "--shape", "2,2")]
    [InlineData("frobnicate")]
    [InlineData("synth", "blobs", "--size", "8", "--voxel-size", "5.345", "--out", "x.raw")]
    [InlineData("analyze", "rock.raw", "--image-only", "--network", "n.csv")]
    [InlineData("analyze", "rock.raw", "--flow", "lbm")]
    [InlineData("analyze", "rock.raw", "--regions", "r.png")]
    [InlineData("analyze", "rock.raw", "--flow", "voxel", "--flow-tolerance", "2")]
    [InlineData("analyze", "rock.raw", "--flow", "voxel", "--voxel-solver", "fortran")]
    [InlineData("synth", "spheres")]
    public void BadInputGivesOneLineErrorAndExitCodeTwo(params string[] args)
    {
        var r = Run(args);
        Assert.Equal(2, r.Code);
        Assert.StartsWith("error: ", r.Err);
        Assert.Single(r.Err.TrimEnd().Split('\n'));
        Assert.Equal("", r.Out);
    }

    [Theory]
    [InlineData("--smooth", "-1", "--smooth must be a finite σ ≥ 0")]
    [InlineData("--smooth", "NaN", "--smooth must be a finite σ ≥ 0")]
    [InlineData("--despeckle", "-3", "--despeckle must be ≥ 0")]
    [InlineData("--trim", "-2", "--trim must be a number of voxels >= 0")]
    public void ReportGanRefusesABadPostProcessingBeforeLoadingAnything(string option, string value, string message)
    {
        var r = Run("report", "gan", "--model", Path.Combine(dir, "none.model"), "--data", Path.Combine(dir, "none.raw"), option, value);
        Assert.Equal(2, r.Code);
        Assert.Contains(message, r.Err);
        Assert.Single(r.Err.TrimEnd().Split('\n'));
    }

    [Fact]
    public void AReportReusesTheRealCubesResultsOnlyWhenEverythingTheyDependOnIsTheSame()
    {
        string model = Path.Combine(dir, "g.model"), data = Path.Combine(dir, "rock.raw"), cache = Path.Combine(dir, "cache");
        var arch = new Gan.GanArchitecture(32, 20, "lean");
        using (var t = new Gan.WganTrainer(arch, new Gan.TrainingOptions { Seed = 3 }))
            new Gan.GeneratorModel(t.G, new Gan.ModelCard { Architecture = arch, VoxelSize = 5e-6 }).Save(model);
        Assert.Equal(0, Run("synth", "blobs", "--size", "48", "--porosity", "0.3", "--seed", "4", "--out", data).Code);
        string[] Report(string name, int seed, bool cached)
        {
            string outDir = Path.Combine(dir, name);
            var r = Run(["report", "gan", "--model", model, "--data", data, "--voxel-size", "5e-6", "--count", "3", "--seed", seed.ToString(), "--out", outDir,
                         .. cached ? new[] { "--reference-cache", cache } : []]);
            Assert.True(r.Code == 0, r.Err);
            return File.ReadAllLines(Path.Combine(outDir, "properties.csv"));
        }
        var plain = Report("plain", 5, cached: false);
        var filled = Report("filled", 5, cached: true);
        Assert.Equal(plain, filled);
        var entry = Assert.Single(Directory.GetFiles(cache));
        // a second report reads the entry: a marked value in it shows up in the report
        File.WriteAllText(entry, System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(entry), @"""Training"":\[\[[^,]+", @"""Training"":[[0.123456"));
        Assert.Equal("training,0,0.123456", string.Join(',', Report("reused", 5, cached: true)[1].Split(',').Take(3)));
        // another seed is other cubes: its own entry, the same results as without the cache
        Assert.Equal(Report("plain7", 7, cached: false), Report("filled7", 7, cached: true));
        Assert.Equal(2, Directory.GetFiles(cache).Length);
        // an unreadable entry is recomputed, not trusted
        File.WriteAllText(entry, "{ not json");
        Assert.Equal(plain, Report("recomputed", 5, cached: true));
    }

    [Fact]
    public void AChainThatSpendsItsBudgetSaysWhatItReachedAndKeepsItsCube()
    {
        string model = Path.Combine(dir, "unreached.model"), outDir = Path.Combine(dir, "unreached");
        var arch = new Gan.GanArchitecture(32, 20, "lean");
        using (var t = new Gan.WganTrainer(arch, new Gan.TrainingOptions { Seed = 5 }))
            new Gan.GeneratorModel(t.G, new Gan.ModelCard { Architecture = arch, VoxelSize = 5e-6 }).Save(model);
        // an untrained generator's cubes are nowhere near solid-free
        var r = Run("condition", "--model", model, "--target", "porosity=0.999:0.0001", "--max-evaluations", "2", "--out", outDir);
        Assert.Equal(3, r.Code);
        var line = Assert.Single(r.Err.Split('\n'), l => l.StartsWith("error:"));
        Assert.Contains("not reached in 2 evaluations", line);
        Assert.Contains("porosity", line);
        Assert.Contains("against 0.999", line);
        using var props = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "properties.json")));
        Assert.Equal("NotReached", props.RootElement.GetProperty("status").GetString());
        double phi = props.RootElement.GetProperty("properties").GetProperty("porosity").GetDouble();
        Assert.Contains(phi.ToString("G4", System.Globalization.CultureInfo.InvariantCulture), line);
        Assert.True(File.Exists(Path.Combine(outDir, "cube.raw")));
        // a campaign finishes (exit 0) and names the chains that did not reach their targets
        string targets = Path.Combine(dir, "unreached-targets.csv");
        File.WriteAllText(targets, "id,target,seed\nfar,porosity=0.999:0.0001,1\n");
        var camp = Run("campaign", "run", "--targets", targets, "--model", model, "--name", "unreached", "--max-evaluations", "2",
            "--journal", "sqlite:" + Path.Combine(dir, "unreached.db"), "--out", Path.Combine(dir, "unreached-camp"));
        Assert.True(camp.Code == 0, camp.Err + camp.Out);
        var warning = Assert.Single(camp.Err.Split('\n'), l => l.StartsWith("warning:"));
        Assert.Contains("1 of 1 chains did not reach", warning);
        Assert.Contains("far (porosity", warning);
        Assert.Contains("results.csv", warning);
    }

    [Fact]
    public void AccuracyTargetsLieInsideTheModelsPercentileBand()
    {
        string model = Path.Combine(dir, "g.model");
        var arch = new Gan.GanArchitecture(32, 20, "lean");
        using (var t = new Gan.WganTrainer(arch, new Gan.TrainingOptions { Seed = 3 }))
            new Gan.GeneratorModel(t.G, new Gan.ModelCard { Architecture = arch, VoxelSize = 5e-6 }).Save(model);
        string csv = Path.Combine(dir, "targets.csv");
        var r = Run("campaign", "targets", "--model", model, "--property", "porosity", "specificSurface_per_m", "--count", "20", "--sample", "12",
                    "--tolerance-fraction", "0.04", "--out", csv);
        Assert.True(r.Code == 0, r.Err);
        using var range = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(csv, ".range.json")));
        var rows = File.ReadAllLines(csv).Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(40, rows.Count);
        Assert.Equal(40, rows.Select(c => c[0]).Distinct().Count());
        Assert.Equal(40, rows.Select(c => c[2]).Distinct().Count()); // every chain its own seed
        foreach (var c in rows)
        {
            var t = Conditioning.Target.Parse(c[1]);
            var band = range.RootElement.GetProperty("bands").GetProperty(t.Property);
            double lo = band.GetProperty("p10").GetDouble(), hi = band.GetProperty("p90").GetDouble();
            Assert.True(hi > lo);
            Assert.InRange(t.Value, lo * (1 - 1e-5), hi * (1 + 1e-5));
            Assert.Equal(0.04 * (hi - lo), t.Tolerance, 0.04 * (hi - lo) * 1e-3);
        }
        Assert.Equal(2, Run("campaign", "targets", "--model", model, "--tolerance-fraction", "0.7", "--out", csv).Code);
        Assert.Equal(2, Run("campaign", "targets", "--model", model, "--property", "colour", "--out", csv).Code);
    }

    [Fact]
    public void WrongSizeRawNamesTheFile()
    {
        string path = Path.Combine(dir, "odd.raw");
        File.WriteAllBytes(path, new byte[1000]);
        var r = Run("analyze", path, "--shape", "10,10,11", "--voxel-size", "1e-6");
        Assert.Equal(2, r.Code);
        Assert.Contains("odd.raw", r.Err);
        Assert.Contains("1100", r.Err);
    }

    [Fact]
    public void HelpDescribesTheCommands()
    {
        var r = Run("--help");
        Assert.Equal(0, r.Code);
        Assert.Contains("analyze", r.Out);
        Assert.Contains("synth", r.Out);
        var a = Run("analyze", "--help");
        Assert.Contains("--voxel-size", a.Out);
        Assert.Contains("metres", a.Out);
    }

    [Fact]
    public void SlicesWritesAPngOfAnyVolume()
    {
        string rock = Path.Combine(dir, "s.tif"), png = Path.Combine(dir, "pics", "s.png");
        Assert.Equal(0, Run("synth", "spheres", "--size", "24", "--out", rock).Code);
        var r = Run("slices", rock, "--out", png);
        Assert.Equal(0, r.Code);
        var bytes = File.ReadAllBytes(png);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        Assert.True(bytes.Length > 1000);
    }

    [Fact]
    public void DeviceOptionIsInTheHelpOfEveryNetworkCommand()
    {
        foreach (var c in new[] { new[] { "train" }, ["generate"], ["condition"], ["campaign", "run"], ["campaign", "resume"], ["node"], ["model", "calibrate"], ["report", "gan"], ["bench", "throughput"] })
        {
            var h = Run([.. c, "--help"]);
            Assert.Contains("--device", h.Out);
        }
    }

    [Fact]
    public void DashboardOnANonLoopbackAddressWithoutATokenIsRefusedBeforeAnyWork()
    {
        Environment.SetEnvironmentVariable("POROUS_DASHBOARD_TOKEN", null);
        var serve = Run("campaign", "serve", "nothing-here", "--bind", "0.0.0.0", "--journal", "sqlite:" + Path.Combine(dir, "none.db"));
        Assert.Equal(2, serve.Code);
        Assert.Contains("needs a token", serve.Err);
        var run = Run("campaign", "run", "--targets", Path.Combine(dir, "missing.csv"), "--model", "none.model", "--http-port", "0", "--http-bind", "10.1.2.3");
        Assert.Equal(2, run.Code);
        Assert.Contains("--http-*: serving the dashboard on 10.1.2.3 (not loopback) needs a token", run.Err);
        Assert.False(File.Exists(Path.Combine(dir, "none.db")), "a refused dashboard must not touch the journal");
    }

    [Fact]
    public void EveryCatalogPropertyIsInAnalyzeJsonWithTheForwardModelsValue()
    {
        // one meaning per key: analyze --json, targets and campaign results read the same catalog entry
        var v = Core.Generators.OverlappingSpheres.Generate(48, 48, 48, 0.3, 4, 11, 5e-6);
        string path = Path.Combine(dir, "catalog.raw");
        Core.IO.VolumeIO.Write(v, path);
        var r = Run("analyze", path, "--axis", "all", "--json");
        Assert.Equal(0, r.Code);
        using var doc = JsonDocument.Parse(r.Out);
        var props = new Conditioning.PnmForwardModel().Evaluate(v, new Conditioning.PropertyNeeds(true, [Pnm.Flow.FlowAxis.Z, Pnm.Flow.FlowAxis.Y, Pnm.Flow.FlowAxis.X]));
        foreach (var p in Pnm.RockPropertyCatalog.All)
        {
            Assert.True(doc.RootElement.TryGetProperty(p.Key, out var json), $"analyze --json has no {p.Key}");
            double expected = p.Read(props);
            Assert.True(double.IsFinite(expected), $"{p.Key} is not finite on a percolating rock");
            Assert.Equal(expected, json.GetDouble(), Math.Abs(expected) * 1e-9 + 1e-12);
        }
    }

    [Fact]
    public void TrainWritesCurveCheckpointModelAndSnapshotsAndResumes()
    {
        // the smallest real run: 32³ cubes from a 48³ rock, 2 iterations, then resumed to 3
        var rock = Core.Generators.OverlappingSpheres.Generate(48, 48, 48, 0.3, 4, 5, 5e-6);
        string data = Path.Combine(dir, "rock.raw"), run = Path.Combine(dir, "run");
        Core.IO.VolumeIO.Write(rock, data);
        var first = Run("train", "--data", data, "--size", "32", "--stride", "16", "--batch", "2", "--iterations", "2", "--checkpoint-every", "1", "--snapshot-every", "2", "--out", run);
        Assert.True(first.Code == 0, first.Err);
        Assert.Contains("calibrating batch-norm statistics", first.Err);
        Assert.True(File.Exists(Path.Combine(run, "checkpoint.ckpt")));
        Assert.True(File.Exists(Path.Combine(run, "snapshots", "generator-00002.model")));
        using (var m = Gan.GeneratorModel.Load(Path.Combine(run, "generator.model")))
        {
            Assert.Equal(2, m.Card.Iterations);
            Assert.Equal(5e-6, m.Card.VoxelSize, 12);
            Assert.Equal(32, m.Generate([Core.StandardNormal.Vector(new Random(1), m.Latent)])[0].Nx);
        }
        var resumed = Run("train", "--data", data, "--resume", Path.Combine(run, "checkpoint.ckpt"), "--iterations", "3", "--out", run);
        Assert.True(resumed.Code == 0, resumed.Err);
        var curve = Core.IO.CsvTable.Read(Path.Combine(run, "curve.csv"));
        Assert.Equal(["1", "2", "3"], curve.Rows.Select(r => r.Cells[curve.Column("iteration")]));
        using var after = Gan.GeneratorModel.Load(Path.Combine(run, "generator.model"));
        Assert.Equal(3, after.Card.Iterations);
        // the pore-size term is chosen when a run starts: refused on a resume, and its radii alone or misspelt
        var keeps = Run("train", "--data", data, "--resume", Path.Combine(run, "checkpoint.ckpt"), "--iterations", "4", "--pore-size-weight", "5", "--out", run);
        Assert.Equal(2, keeps.Code);
        Assert.Contains("keeps its pore-size term", keeps.Err);
        Assert.Equal(3, Core.IO.CsvTable.Read(Path.Combine(run, "curve.csv")).Rows.Count); // nothing trained
        var keepsConductance = Run("train", "--data", data, "--resume", Path.Combine(run, "checkpoint.ckpt"), "--iterations", "4", "--conductance-weight", "5", "--out", run);
        Assert.Equal(2, keepsConductance.Code);
        Assert.Contains("keeps its conductance weight", keepsConductance.Err);
        var keepsSpanning = Run("train", "--data", data, "--resume", Path.Combine(run, "checkpoint.ckpt"), "--iterations", "4", "--spanning-weight", "5", "--out", run);
        Assert.Equal(2, keepsSpanning.Code);
        Assert.Contains("keeps its spanning weight", keepsSpanning.Err);
        var negativeSpanning = Run("train", "--data", data, "--size", "32", "--iterations", "1", "--spanning-weight", "-1", "--out", Path.Combine(dir, "negative-spanning"));
        Assert.Equal(2, negativeSpanning.Code);
        Assert.Contains("spanning weight must be in [0, 1e6)", negativeSpanning.Err);
        var keepsPorosity = Run("train", "--data", data, "--resume", Path.Combine(run, "checkpoint.ckpt"), "--iterations", "4", "--porosity-weight", "5", "--out", run);
        Assert.Equal(2, keepsPorosity.Code);
        Assert.Contains("keeps its porosity weight", keepsPorosity.Err);
        var negativePorosity = Run("train", "--data", data, "--size", "32", "--iterations", "1", "--porosity-weight", "-1", "--out", Path.Combine(dir, "negative-porosity"));
        Assert.Equal(2, negativePorosity.Code);
        Assert.Contains("porosity weight must be in [0, 1e6)", negativePorosity.Err);
        var quantilesAlone = Run("train", "--data", data, "--size", "32", "--iterations", "1", "--porosity-quantiles", "--out", Path.Combine(dir, "quantiles-alone"));
        Assert.Equal(2, quantilesAlone.Code);
        Assert.Contains("--porosity-quantiles applies to a new run with --porosity-weight", quantilesAlone.Err);
        var negative = Run("train", "--data", data, "--size", "32", "--iterations", "1", "--conductance-weight", "-1", "--out", Path.Combine(dir, "negative"));
        Assert.Equal(2, negative.Code);
        Assert.Contains("conductance weight must be in [0, 1e6)", negative.Err);
        string other = Path.Combine(dir, "other");
        var alone = Run("train", "--data", data, "--size", "32", "--iterations", "1", "--pore-size-radii", "1,2", "--out", other);
        Assert.Equal(2, alone.Code);
        Assert.Contains("--pore-size-radii needs --pore-size-weight", alone.Err);
        var misspelt = Run("train", "--data", data, "--size", "32", "--iterations", "1", "--pore-size-weight", "5", "--pore-size-radii", "1,two", "--out", other);
        Assert.Equal(2, misspelt.Code);
        Assert.Contains("--pore-size-radii takes whole numbers", misspelt.Err);
        Assert.False(File.Exists(Path.Combine(other, "checkpoint.ckpt")));
        // the post-processing is the card's: turned off, `generate` follows it without being told
        string off = Path.Combine(dir, "off.model");
        var bad = Run("model", "postprocess", "--model", Path.Combine(run, "generator.model"), "--median", "maybe", "--out", off);
        Assert.Equal(2, bad.Code);
        Assert.Contains("--median must be 'on' or 'off'", bad.Err);
        Assert.False(File.Exists(off));
        Assert.Equal(0, Run("model", "postprocess", "--model", Path.Combine(run, "generator.model"), "--median", "off", "--out", off).Code);
        Assert.Contains("\"medianFilter\": false", Run("model", "info", "--model", off, "--json").Out);
        string a = Path.Combine(dir, "gen-off"), b = Path.Combine(dir, "gen-nomedian");
        Assert.Equal(0, Run("generate", "--model", off, "--count", "1", "--seed", "4", "--out", a).Code);
        Assert.Equal(0, Run("generate", "--model", Path.Combine(run, "generator.model"), "--count", "1", "--seed", "4", "--no-median", "--out", b).Code);
        var files = Directory.GetFiles(a).Where(f => !f.EndsWith(".csv") && !f.EndsWith(".json")).OrderBy(f => f).ToList();
        Assert.NotEmpty(files);
        foreach (var f in files) Assert.Equal(File.ReadAllBytes(f), File.ReadAllBytes(Path.Combine(b, Path.GetFileName(f))));
    }

    [Fact]
    public void ALatentPriorIsFittedForAModelAndConditionStartsWithinIt()
    {
        var rock = Core.Generators.OverlappingSpheres.Generate(56, 56, 56, 0.3, 4, 7, 5e-6);
        string data = Path.Combine(dir, "prior-rock.raw"), run = Path.Combine(dir, "prior-run"), prior = Path.Combine(dir, "prior.json");
        Core.IO.VolumeIO.Write(rock, data);
        var t = Run("train", "--data", data, "--size", "32", "--stride", "12", "--batch", "2", "--iterations", "1", "--out", run);
        Assert.True(t.Code == 0, t.Err);
        string model = Path.Combine(run, "generator.model");
        string draws = Path.Combine(dir, "prior-draws.csv");
        var f = Run("model", "prior", "--model", model, "--count", "230", "--seed", "3", "--out", prior, "--draws", draws);
        Assert.True(f.Code == 0, f.Err);
        Assert.Contains("held-out R²", f.Out);
        var lp = Conditioning.LatentPrior.Load(prior);
        Assert.Equal(["porosity", "permeability_mD", "meanPoreDiameter_m", "meanThroatDiameter_m"], lp.Properties);
        Assert.True(lp.Samples >= 210 && lp.Samples <= 230, $"{lp.Samples} usable draws");
        // the draws file holds what the fit saw: refitting φ on its usable rows gives the prior's coefficients
        var lines = File.ReadAllLines(draws);
        Assert.Equal(231, lines.Length);
        Assert.Equal(string.Join(",", Enumerable.Range(1, 20).Select(i => $"z{i}").Concat(lp.Properties)), lines[0]);
        var rows = lines.Skip(1).Select(l => l.Split(',').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray())
            .Where(r => r.Skip(20).All(double.IsFinite) && r[21] > 0).ToList();
        Assert.Equal(lp.Samples, rows.Count);
        var X = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(rows.Count, 21, (i, j) => j == 0 ? 1 : rows[i][j - 1]);
        var y = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(rows.Count, i => rows[i][20]);
        var b = X.QR().Solve(y);
        Assert.Equal(lp.Intercept[0], b[0], 1e-8); // z is written as the float it was, read back as a double
        for (int j = 0; j < 20; j++) Assert.Equal(lp.Weights[0][j], b[j + 1], 1e-8);
        // a latent surrogate from the same draws, and a chain it steers
        string surrogate = Path.Combine(dir, "surrogate.json");
        var su = Run("model", "surrogate", "--model", model, "--draws", draws, "--out", surrogate);
        Assert.True(su.Code == 0, su.Err);
        Assert.Contains("held-out R²", su.Out);
        Assert.Equal(lp.Samples, Conditioning.LatentSurrogate.Load(surrogate).Samples);
        string phiNow = lp.Intercept[0].ToString("F3", System.Globalization.CultureInfo.InvariantCulture);
        var steered = Run("condition", "--model", model, "--policy", "surrogate", "--surrogate", surrogate, "--target", $"porosity={phiNow}:0.02",
            "--max-evaluations", "10", "--json", "--out", Path.Combine(dir, "cond-surrogate"));
        Assert.True(steered.Code is 0 or 3, steered.Err);
        Assert.Contains("surrogate.json", File.ReadAllText(Path.Combine(dir, "cond-surrogate", "properties.json")));
        var noSurrogate = Run("condition", "--model", model, "--policy", "surrogate", "--target", $"porosity={phiNow}:0.02", "--out", Path.Combine(dir, "no5"));
        Assert.Equal(2, noSurrogate.Code);
        Assert.Contains("need --surrogate", noSurrogate.Err);
        File.WriteAllText(Path.Combine(dir, "bad-draws.csv"), "z1,z2\n1,2\n");
        var badDraws = Run("model", "surrogate", "--model", model, "--draws", Path.Combine(dir, "bad-draws.csv"), "--out", Path.Combine(dir, "no6.json"));
        Assert.Equal(2, badDraws.Code);
        Assert.Contains("expected the header", badDraws.Err);
        Assert.All(lp.HeldOutR2, r => Assert.True(r <= 1));
        // a latent map fitted on the training rock: the card carries it, sampling follows it, and bad requests are refused
        string mapped = Path.Combine(dir, "mapped.model");
        var lm = Run("model", "latent-map", "--model", model, "--data", data, "--match", "porosity,specificSurface_per_m", "--count", "150", "--refine", "1", "--seed", "5", "--out", mapped);
        // a generator trained for one iteration is far from the rock: refused with the reason, nothing written
        Assert.True(lm.Code == 0 || (lm.Code == 2 && lm.Err.Contains("too far from the rock")), lm.Err);
        Assert.Contains("training cubes: 27 of 32³ at stride 12", lm.Out);
        if (lm.Code == 0)
        {
            Assert.Contains("\"latentMap\"", Run("model", "info", "--model", mapped, "--json").Out);
            Assert.Equal(0, Run("generate", "--model", mapped, "--count", "1", "--seed", "4", "--out", Path.Combine(dir, "gen-mapped")).Code);
        }
        else Assert.False(File.Exists(mapped));
        var unknown = Run("model", "latent-map", "--model", model, "--data", data, "--match", "porosity,euler", "--out", Path.Combine(dir, "no8.model"));
        Assert.Equal(2, unknown.Code);
        Assert.Contains("'euler' is not one of", unknown.Err);
        var few = Run("model", "latent-map", "--model", model, "--data", data, "--count", "20", "--out", Path.Combine(dir, "no9.model"));
        Assert.Equal(2, few.Code);
        Assert.Contains("--count must be at least 100", few.Err);
        Assert.False(File.Exists(Path.Combine(dir, "no8.model")) || File.Exists(Path.Combine(dir, "no9.model")));
        // a chain within the prior, on a porosity the model makes (its prediction at z = 0)
        string phi = lp.Intercept[0].ToString("F3", System.Globalization.CultureInfo.InvariantCulture);
        var c = Run("condition", "--model", model, "--prior", prior, "--target", $"porosity={phi}:0.02", "--max-evaluations", "20", "--out", Path.Combine(dir, "cond-prior"));
        Assert.True(c.Code is 0 or 3, c.Err);
        Assert.Contains("prior.json", File.ReadAllText(Path.Combine(dir, "cond-prior", "properties.json")));
        // refusals: with --latent, for another model, for none of the targets
        var both = Run("condition", "--model", model, "--prior", prior, "--latent", Path.Combine(dir, "cond-prior", "latent.csv"), "--target", $"porosity={phi}:0.02", "--out", Path.Combine(dir, "no1"));
        Assert.Equal(2, both.Code);
        Assert.Contains("cannot be combined", both.Err);
        string other = Path.Combine(dir, "other-prior.json");
        File.WriteAllText(other, File.ReadAllText(prior).Replace(lp.ModelSha256, new string('0', 64)));
        var wrong = Run("condition", "--model", model, "--prior", other, "--target", $"porosity={phi}:0.02", "--out", Path.Combine(dir, "no2"));
        Assert.Equal(2, wrong.Code);
        Assert.Contains("fitted for another model", wrong.Err);
        var none = Run("condition", "--model", model, "--prior", prior, "--target", "specificSurface_per_m=100000:1000", "--out", Path.Combine(dir, "no3"));
        Assert.Equal(2, none.Code);
        Assert.Contains("models none of the targets", none.Err);
        // a campaign within the prior; the prior is part of the campaign's work
        string targets = Path.Combine(dir, "prior-targets.csv"), db = Path.Combine(dir, "prior-camp.db");
        File.WriteAllText(targets, $"id,target,seed\na,porosity={phi}:0.05,1\nb,porosity={phi}:0.05,2\n");
        var camp = Run("campaign", "run", "--targets", targets, "--model", model, "--prior", prior, "--name", "withprior", "--max-evaluations", "4",
            "--concurrency", "2", "--journal", "sqlite:" + db, "--out", Path.Combine(dir, "prior-camp"));
        Assert.True(camp.Code == 0, camp.Err + camp.Out);
        var again = Run("campaign", "run", "--targets", targets, "--model", model, "--name", "withprior", "--max-evaluations", "4",
            "--concurrency", "2", "--journal", "sqlite:" + db, "--out", Path.Combine(dir, "prior-camp"));
        Assert.Equal(2, again.Code);
        Assert.Contains("latent prior", again.Err);
        // a campaign steered by the surrogate, which is kept with it: a resume without it is refused
        string steeredDb = "sqlite:" + Path.Combine(dir, "steered.db");
        var noSurrogateCampaign = Run("campaign", "run", "--targets", targets, "--model", model, "--policy", "surrogate", "--name", "steered", "--max-evaluations", "4",
            "--journal", steeredDb, "--out", Path.Combine(dir, "steered-camp"));
        Assert.Equal(2, noSurrogateCampaign.Code);
        Assert.Contains("needs a latent surrogate", noSurrogateCampaign.Err);
        var steeredCampaign = Run("campaign", "run", "--targets", targets, "--model", model, "--policy", "surrogate", "--surrogate", surrogate, "--name", "steered",
            "--max-evaluations", "4", "--concurrency", "2", "--journal", steeredDb, "--out", Path.Combine(dir, "steered-camp"));
        Assert.True(steeredCampaign.Code == 0, steeredCampaign.Err + steeredCampaign.Out);
        Assert.True(File.Exists(Path.Combine(dir, "steered-camp", "results.csv")));
        var steeredAgain = Run("campaign", "run", "--targets", targets, "--model", model, "--policy", "golden", "--name", "steered", "--max-evaluations", "4",
            "--journal", steeredDb, "--out", Path.Combine(dir, "steered-camp"));
        Assert.Equal(2, steeredAgain.Code);
        Assert.Contains("policy", steeredAgain.Err);
        var steeredResume = Run("campaign", "run", "--targets", targets, "--model", model, "--policy", "surrogate", "--surrogate", surrogate, "--name", "steered",
            "--max-evaluations", "4", "--journal", steeredDb, "--out", Path.Combine(dir, "steered-camp"));
        Assert.True(steeredResume.Code == 0, steeredResume.Err + steeredResume.Out);
        var bench = Run("bench", "conditioning", "--model", model, "--data", data, "--method", "golden+prior", "--out", Path.Combine(dir, "no4"));
        Assert.Equal(2, bench.Code);
        Assert.Contains("need --prior", bench.Err);
    }

    [Fact]
    public void AConvolutionalGeneratorMakesConditionsAndReportsVolumesBeyondItsTrainingSize()
    {
        // the whole path on a tiny model: train 1 iteration at 32³ (doublings from a paper model),
        // generate 64³, condition a 48³ volume, and the large-volume report at 64³
        var rock = Core.Generators.OverlappingSpheres.Generate(72, 72, 72, 0.3, 4, 5, 5e-6);
        string data = Path.Combine(dir, "rock.raw"), paper = Path.Combine(dir, "paper"), conv = Path.Combine(dir, "conv");
        Core.IO.VolumeIO.Write(rock, data);
        var p = Run("train", "--data", data, "--size", "32", "--stride", "20", "--batch", "2", "--iterations", "1", "--out", paper);
        Assert.True(p.Code == 0, p.Err);
        var c = Run("train", "--data", data, "--size", "32", "--stride", "20", "--batch", "2", "--iterations", "1", "--generator", "convolutional",
            "--init-generator", Path.Combine(paper, "generator.model"), "--out", conv);
        Assert.True(c.Code == 0, c.Err);
        string model = Path.Combine(conv, "generator.model");
        using (var m = Gan.GeneratorModel.Load(model))
        {
            Assert.True(m.Card.Architecture.IsConvolutional);
            Assert.Equal(0f, m.Card.Threshold);
            Assert.Contains("generator.model", m.Card.InitialisedFrom);
        }
        var g = Run("generate", "--model", model, "--size", "64", "--count", "1", "--out", Path.Combine(dir, "g64"));
        Assert.True(g.Code == 0, g.Err);
        var cube = Core.IO.VolumeIO.ReadBinary(Path.Combine(dir, "g64", "cube_000.raw"));
        Assert.Equal((64, 64, 64), (cube.Nz, cube.Ny, cube.Nx));
        // the paper's generator refuses another size, by option
        var refused = Run("generate", "--model", Path.Combine(paper, "generator.model"), "--size", "64", "--out", Path.Combine(dir, "no"));
        Assert.Equal(2, refused.Code);
        Assert.Contains("--size", refused.Err);
        // conditioning a 48³ volume on a porosity the generator reaches (its own first sample's)
        using (var m48 = Gan.GeneratorModel.Load(model, size: 48))
        {
            double phi = Core.Metrics.Porosity.Compute(m48.Generate([Core.StandardNormal.Vector(new Random(5), m48.Latent)])[0]);
            var k = Run("condition", "--model", model, "--size", "48", "--target", $"porosity={phi.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)}:0.02",
                "--max-evaluations", "30", "--out", Path.Combine(dir, "cond"), "--json");
            Assert.True(k.Code is 0 or 3, k.Err);
            var props = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "cond", "properties.json"))).RootElement;
            Assert.Equal(48, props.GetProperty("size").GetInt32());
            // a porosity-only chain needs no network, so nothing is screened: every candidate ran
            Assert.Equal(props.GetProperty("evaluations").GetInt32(), props.GetProperty("forwardRuns").GetInt32());
            Assert.Equal(48, Core.IO.VolumeIO.ReadBinary(Path.Combine(dir, "cond", "cube.raw")).Nx);
            Assert.Equal(m48.Latent, File.ReadAllText(Path.Combine(dir, "cond", "latent.csv")).Trim().Split(',').Length);
        }
        // a campaign of 48³ volumes: the size is kept with the campaign, and another size is refused
        string targets = Path.Combine(dir, "t48.csv"), db = Path.Combine(dir, "c48.db"), outDir = Path.Combine(dir, "c48");
        File.WriteAllText(targets, "id,target,seed\na,porosity=0.5:0.5,1\nb,porosity=0.5:0.5,2\n");
        var camp = Run("campaign", "run", "--targets", targets, "--model", model, "--size", "48", "--name", "large48", "--max-evaluations", "4",
            "--concurrency", "2", "--journal", "sqlite:" + db, "--out", outDir);
        Assert.True(camp.Code == 0, camp.Err + camp.Out);
        var cubeFiles = Directory.GetFiles(Path.Combine(outDir, "cubes"), "*.raw");
        Assert.Equal(2, cubeFiles.Length);
        Assert.All(cubeFiles, f => Assert.Equal(48, Core.IO.VolumeIO.ReadBinary(f).Nx));
        var other = Run("campaign", "run", "--targets", targets, "--model", model, "--size", "64", "--name", "large48", "--max-evaluations", "4",
            "--concurrency", "2", "--journal", "sqlite:" + db, "--out", outDir);
        Assert.Equal(2, other.Code);
        Assert.Contains("volume size", other.Err);
        var r = Run("report", "large", "--model", model, "--data", data, "--size", "64", "--count", "2", "--cubes", "3",
            "--condition", "1", "--condition-budget", "8", "--out", Path.Combine(dir, "large"));
        Assert.True(r.Code == 0, r.Err);
        var summary = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "large", "summary.json"))).RootElement;
        Assert.Equal(33, summary.GetProperty("s2").GetProperty("large").GetArrayLength()); // lags 0..32
        Assert.True(summary.GetProperty("stationarity").GetProperty("porosity").GetProperty("ksD").GetDouble() is >= 0 and <= 1);
        var chain = Assert.Single(summary.GetProperty("conditioning").EnumerateArray().ToList());
        Assert.InRange(chain.GetProperty("evaluations").GetInt32(), 1, 8 + 8); // the budget, plus the last batch
        foreach (var png in new[] { "s2-large.png", "slices-real.png", "slices-generated.png", "rev.png" }) Assert.True(File.Exists(Path.Combine(dir, "large", png)), png);
    }
}
