using System.Diagnostics;
using PorousActors.Gan;

namespace PorousActors.Cli.Tests;

/// <summary>
/// End to end: a campaign in a child `porous` process is killed with SIGKILL mid-run, then
/// resumed; every chain completes and the results equal an uninterrupted run with the same seeds.
/// </summary>
public sealed class CampaignCrashTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("porous-crash-").FullName;
    public void Dispose() { try { Directory.Delete(dir, true); } catch (IOException) { } }

    static string PorousDll => Path.Combine(AppContext.BaseDirectory, "porous.dll");

    Process Start(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(PorousDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        return Process.Start(psi)!;
    }

    (int Code, string Out, string Err) RunToEnd(params string[] args)
    {
        using var p = Start(args);
        var o = p.StandardOutput.ReadToEndAsync(); var e = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(5)), "porous did not finish in 5 minutes");
        return (p.ExitCode, o.Result, e.Result);
    }

    /// <summary>An untrained 32³ generator (enough: the point is the runtime, not the rock) and
    /// targets.csv with targets no chain reaches, so every chain spends its whole budget. Budgets
    /// are 120: with 40, the kill after 70 cubes could fall just after the first two chains finished
    /// and before the next two journalled a step, leaving no chain "Interrupted" (seen once in CI).</summary>
    string UntrainedModelAndUnreachableTargets(int seed, int chains, string idPrefix)
    {
        string model = Path.Combine(dir, "g.model");
        var arch = new GanArchitecture(32, 20, "lean");
        using (var t = new WganTrainer(arch, new TrainingOptions { Seed = seed }))
            new GeneratorModel(t.G, new ModelCard { Architecture = arch, VoxelSize = 5e-6 }).Save(model);
        File.WriteAllText(Path.Combine(dir, "targets.csv"),
            "id,target,seed\n" + string.Join("\n", Enumerable.Range(1, chains).Select(i => $"{idPrefix}{i},porosity=0.9:0.0001;permeability_mD=1e6:1,{i}")) + "\n");
        return model;
    }

    static string[] Rows(string csv) => File.ReadAllLines(csv).Skip(1)
        .Select(l => { var c = l.Split(','); return string.Join(",", c.Take(11)); }) // drop seconds and cube path
        .ToArray();

    [Fact]
    public void KilledCampaignResumesAndMatchesAnUninterruptedRun()
    {
        string model = UntrainedModelAndUnreachableTargets(seed: 3, chains: 6, idPrefix: "t");
        string[] common = ["--targets", "targets.csv", "--model", model, "--concurrency", "2", "--max-evaluations", "120"];

        var reference = RunToEnd(["campaign", "run", .. common, "--name", "ref"]);
        Assert.True(reference.Code == 0, reference.Err);

        using (var p = Start(["campaign", "run", .. common, "--name", "crash"]))
        {
            // read the progress lines until a good part of the work is done, then SIGKILL
            var sw = Stopwatch.StartNew();
            string? line;
            while ((line = p.StandardError.ReadLine()) is not null && sw.Elapsed < TimeSpan.FromMinutes(3))
            {
                var ev = System.Text.RegularExpressions.Regex.Match(line, @"cubes generated (\d+) \(");
                if (ev.Success && int.Parse(ev.Groups[1].Value) >= 70) break;
            }
            Assert.False(p.HasExited, "the campaign finished before it could be killed; make it longer");
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
        }
        var status = RunToEnd("campaign", "status", "crash");
        Assert.Equal(0, status.Code);
        Assert.Contains("Interrupted", status.Out);

        var resumed = RunToEnd("campaign", "resume", "crash");
        Assert.True(resumed.Code == 0, resumed.Err);
        Assert.Equal(Rows(Path.Combine(dir, "campaigns", "ref", "results.csv")), Rows(Path.Combine(dir, "campaigns", "crash", "results.csv")));
        foreach (var id in Enumerable.Range(1, 6))
            Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "campaigns", "ref", "cubes", $"t{id}.raw")), File.ReadAllBytes(Path.Combine(dir, "campaigns", "crash", "cubes", $"t{id}.raw")));
        // properties.csv: every property of every accepted cube on every axis, the same after a crash
        string refProps = Path.Combine(dir, "campaigns", "ref", "properties.csv"), crashProps = Path.Combine(dir, "campaigns", "crash", "properties.csv");
        Assert.Equal(File.ReadAllLines(refProps), File.ReadAllLines(crashProps));
        var header = File.ReadLines(refProps).First().Split(',');
        foreach (var column in new[] { "porosity", "specificSurface_per_m", "meanThroatDiameter_m", "permeability_mD_z", "permeability_mD_y", "permeability_mD_x" })
            Assert.Contains(column, header);
        var achieved = File.ReadLines(Path.Combine(dir, "campaigns", "ref", "results.csv")).Skip(1).Select(l => l.Split(','))
            .Where(c => c[2] == "porosity").ToDictionary(c => c[0], c => double.Parse(c[5], System.Globalization.CultureInfo.InvariantCulture));
        foreach (var row in File.ReadLines(refProps).Skip(1).Select(l => l.Split(',')))
            Assert.Equal(achieved[row[0]], double.Parse(row[Array.IndexOf(header, "porosity")], System.Globalization.CultureInfo.InvariantCulture), 9);
        // the resumed session did less work than a whole run: interrupted chains continued
        Assert.Matches(@"resumed work: \d+ of \d+ evaluations", resumed.Out);
        var m = System.Text.RegularExpressions.Regex.Match(resumed.Out, @"resumed work: (\d+) of (\d+) evaluations");
        Assert.True(int.Parse(m.Groups[1].Value) < int.Parse(m.Groups[2].Value), status.Out + "\n" + resumed.Out);
    }

    [Fact]
    public void SigtermStopsCleanlyAndTheCampaignResumes()
    {
        string model = UntrainedModelAndUnreachableTargets(seed: 4, chains: 4, idPrefix: "s");
        using var p = Start("campaign", "run", "--targets", "targets.csv", "--model", model, "--concurrency", "2", "--max-evaluations", "120", "--name", "term", "--format", "tif");
        var err = new System.Text.StringBuilder();
        string? line;
        while ((line = p.StandardError.ReadLine()) is not null)
        {
            err.AppendLine(line);
            if (line.Contains("cubes generated")) break; // running: progress lines appear every 2 s
        }
        Assert.False(p.HasExited, "the campaign finished before SIGTERM: make it longer\n" + err);
        Process.Start("kill", ["-TERM", p.Id.ToString()])!.WaitForExit();
        err.Append(p.StandardError.ReadToEnd());
        Assert.True(p.WaitForExit(TimeSpan.FromSeconds(60)), "porous did not stop within 60 s of SIGTERM");
        Assert.Equal(1, p.ExitCode);
        Assert.Contains("interrupted: progress is saved; continue with `porous campaign resume term`", err.ToString());
        var resumed = RunToEnd("campaign", "resume", "term");
        Assert.True(resumed.Code == 0, resumed.Err);
        Assert.Contains("campaign term: 4 chains", resumed.Out);
        // the cube format is the campaign's: kept across the resume, named in results.csv, and a run
        // asking for another format is refused by name
        string cubes = Path.Combine(dir, "campaigns", "term", "cubes");
        Assert.Equal(4, Directory.GetFiles(cubes, "s*.tif").Length);
        Assert.Empty(Directory.GetFiles(cubes, "*.raw"));
        Assert.Equal((32, 32, 32), Core.IO.VolumeIO.ReadBinary(Path.Combine(cubes, "s1.tif")) is var v ? (v.Nz, v.Ny, v.Nx) : default);
        Assert.All(File.ReadLines(Path.Combine(dir, "campaigns", "term", "results.csv")).Skip(1), l => Assert.EndsWith(".tif", l));
        var other = RunToEnd("campaign", "run", "--targets", "targets.csv", "--model", model, "--concurrency", "2", "--max-evaluations", "120", "--name", "term", "--format", "npy");
        Assert.Equal(2, other.Code);
        Assert.Contains("cube format (tif vs npy)", other.Err);
    }
}
