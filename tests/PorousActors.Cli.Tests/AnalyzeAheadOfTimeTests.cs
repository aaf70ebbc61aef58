using System.Diagnostics;
using System.Text.Json.Nodes;

namespace PorousActors.Cli.Tests;

/// <summary>porous-analyze (the analyze command alone, built for Native AOT from porous's own source)
/// gives what `porous analyze` gives, and refuses what porous refuses. Run here as the ordinary build
/// the solution makes; scripts/publish-analyze.sh compiles the same code to native.</summary>
public sealed class AnalyzeAheadOfTimeTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("porous-aot-").FullName;
    public void Dispose() { try { Directory.Delete(dir, true); } catch (IOException) { } }

    /// <summary>Its build beside this test's: tests/PorousActors.Cli.Tests/bin/C/net10.0 → src/PorousActors.Analyze/bin/C/net10.0.</summary>
    static string AnalyzeDll
    {
        get
        {
            var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            string tfm = here.Name, configuration = here.Parent!.Name;
            var root = here.Parent!.Parent!.Parent!.Parent!.Parent!; // net10.0 → C → bin → PorousActors.Cli.Tests → tests → root
            return Path.Combine(root.FullName, "src", "PorousActors.Analyze", "bin", configuration, tfm, "porous-analyze.dll");
        }
    }

    static (int Code, string Out, string Err) RunAnalyze(params string[] args)
    {
        Assert.True(File.Exists(AnalyzeDll), $"{AnalyzeDll} not built");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(AnalyzeDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var o = p.StandardOutput.ReadToEndAsync(); var e = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(3)), "porous-analyze did not finish in 3 minutes");
        return (p.ExitCode, o.Result, e.Result);
    }

    static (int Code, string Out, string Err) RunPorous(params string[] args)
    {
        var o = new StringWriter(); var e = new StringWriter();
        int code = PorousCli.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void GivesPorousAnalyzesValuesAndRefusesTheSameInput()
    {
        var rock = Core.Generators.GaussianBlobs.Generate(40, 0.25, 3, 11, 4e-6);
        string path = Path.Combine(dir, "rock.raw");
        Core.IO.VolumeIO.Write(rock, path);
        var native = RunAnalyze(path, "--axis", "all", "--json", "--tortuosity");
        Assert.True(native.Code == 0, native.Err);
        var porous = RunPorous("analyze", path, "--axis", "all", "--json", "--tortuosity");
        Assert.True(porous.Code == 0, porous.Err);
        var a = JsonNode.Parse(native.Out)!.AsObject();
        var b = JsonNode.Parse(porous.Out)!.AsObject();
        foreach (var k in new[] { "timings_ms", "peakMemory_bytes", "peakMemoryPerVoxel_bytes" }) { a.Remove(k); b.Remove(k); }
        Assert.Equal(b.Select(kv => kv.Key), a.Select(kv => kv.Key));
        Assert.True(a["permeability_mD_z"]!.GetValue<double>() > 0, "the rock should percolate along z");
        Assert.Equal(b.ToJsonString(), a.ToJsonString());

        var missing = RunAnalyze(Path.Combine(dir, "none.raw"));
        Assert.Equal(2, missing.Code);
        Assert.Contains("not found", missing.Err);
        var psd = RunAnalyze(path, "--psd", Path.Combine(dir, "psd"));
        Assert.Equal(2, psd.Code);
        Assert.Contains("porous-analyze --help", psd.Err);
        var axis = RunAnalyze(path, "--axis", "w");
        Assert.Equal(2, axis.Code);
        Assert.Equal(RunPorous("analyze", path, "--axis", "w").Err, axis.Err);
    }
}
