using System.Collections.Concurrent;
using System.Diagnostics;
using PorousActors.Gan;

namespace PorousActors.Cli.Tests;

/// <summary>
/// Multi-node campaigns: `porous node` processes on 127.0.0.1 sharing a PostgreSQL journal
/// (CI starts PostgreSQL and sets POROUS_TEST_POSTGRES). Results must equal a single-node run with
/// the same seeds, also when a worker node or the supervisor's node is killed with SIGKILL.
/// Runs alone (its own collection, no parallel tests): it restarts the shared PostgreSQL and starts
/// several node processes on a 2-core machine.
/// </summary>
[Collection("cluster")]
public sealed class ClusterTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("porous-cluster-").FullName;
    readonly List<Process> nodes = [];
    readonly string? pg = Environment.GetEnvironmentVariable("POROUS_TEST_POSTGRES");
    static int nextPort = 4100 + Environment.ProcessId % 500 * 10;

    public void Dispose()
    {
        foreach (var p in nodes) { try { if (!p.HasExited) p.Kill(true); } catch (InvalidOperationException) { } }
        try { Directory.Delete(dir, true); } catch (IOException) { }
    }

    static string PorousDll => Path.Combine(AppContext.BaseDirectory, "porous.dll");
    const int Chains = 6;

    sealed record Node(Process Process, ConcurrentQueue<string> Lines);

    Node StartNode(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = dir, RedirectStandardError = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add(PorousDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        var p = Process.Start(psi)!;
        var lines = new ConcurrentQueue<string>();
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        p.BeginErrorReadLine(); p.BeginOutputReadLine();
        nodes.Add(p);
        return new Node(p, lines);
    }

    void Prepare()
    {
        string model = Path.Combine(dir, "g.model");
        if (File.Exists(model)) return;
        var arch = new GanArchitecture(32, 20, "lean");
        using (var t = new WganTrainer(arch, new TrainingOptions { Seed = 5 }))
            new GeneratorModel(t.G, new ModelCard { Architecture = arch, VoxelSize = 5e-6 }).Save(model);
        File.WriteAllText(Path.Combine(dir, "targets.csv"),
            "id,target,seed\n" + string.Join("\n", Enumerable.Range(1, Chains).Select(i => $"t{i},porosity=0.9:0.0001;permeability_mD=1e6:1,{i}")) + "\n");
    }

    string[] Reference()
    {
        Prepare();
        using var p = Process.Start(new ProcessStartInfo("dotnet", [PorousDll, "campaign", "run", "--targets", "targets.csv", "--model", "g.model", "--name", "ref",
            "--concurrency", "2", "--max-evaluations", "40"]) { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true })!;
        p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(5)));
        return Rows(Path.Combine(dir, "campaigns", "ref", "results.csv"));
    }

    static string[] Rows(string csv) => File.ReadAllLines(csv).Skip(1).Select(l => string.Join(",", l.Split(',').Take(11))).ToArray();

    string[] SupervisorArgs(string name, int port, string seed) =>
        ["node", "--roles", "supervisor,generator", "--port", port.ToString(), "--seed-nodes", seed, "--model", "g.model", "--targets", "targets.csv",
         "--name", name, "--concurrency", "2", "--max-evaluations", "40", "--journal", "postgres:" + pg, "--out", Path.Combine("out", name)];

    string[] WorkerArgs(string name, int port, string seed) =>
        ["node", "--roles", "pnm", "--port", port.ToString(), "--seed-nodes", seed, "--name", name, "--journal", "postgres:" + pg];

    string[] WaitForResults(string name, TimeSpan timeout)
    {
        string csv = Path.Combine(dir, "out", name, "results.csv");
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < timeout)
        {
            if (File.Exists(csv))
            {
                try
                {
                    var rows = Rows(csv);
                    if (rows.Select(r => r.Split(',')[0]).Distinct().Count() == Chains) return rows;
                }
                catch (IOException) { }
            }
            Thread.Sleep(500);
        }
        throw new TimeoutException($"campaign {name} did not finish in {timeout}");
    }

    static void WaitFor(Node n, Func<string, bool> line, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < timeout)
        {
            if (n.Lines.Any(line)) return;
            Thread.Sleep(200);
        }
        throw new TimeoutException("expected output did not appear: " + string.Join(" | ", n.Lines.TakeLast(5)));
    }

    static bool DoneAtLeast(string l, int k)
    {
        var m = System.Text.RegularExpressions.Regex.Match(l, @"done (\d+)/");
        return m.Success && int.Parse(m.Groups[1].Value) >= k;
    }

    [SkippableFact]
    public void ThreeNodeCampaignEqualsSingleNodeAndSurvivesLosingAWorker()
    {
        Skip.If(pg is null, "POROUS_TEST_POSTGRES not set (CI starts PostgreSQL and sets it)");
        var reference = Reference();
        string name = "c" + Guid.NewGuid().ToString("N")[..8];
        int port = Interlocked.Add(ref nextPort, 10);
        string seed = $"akka.tcp://porous@127.0.0.1:{port}";
        var a = StartNode(SupervisorArgs(name, port, seed));
        var b = StartNode(WorkerArgs(name, port + 1, seed));
        var c = StartNode(WorkerArgs(name, port + 2, seed));
        // once the campaign is under way, SIGKILL one worker node: its in-flight evaluations are redone on the other
        WaitFor(a, l => DoneAtLeast(l, 1), TimeSpan.FromMinutes(3));
        b.Process.Kill(true);
        var rows = WaitForResults(name, TimeSpan.FromMinutes(5));
        Assert.Equal(reference.Order(), rows.Order()); // rows are appended in finishing order until the final rewrite
    }

    [SkippableFact]
    public void SupervisorSingletonMovesToTheStandbyAndTheCampaignCompletes()
    {
        Skip.If(pg is null, "POROUS_TEST_POSTGRES not set (CI starts PostgreSQL and sets it)");
        var reference = Reference();
        string name = "s" + Guid.NewGuid().ToString("N")[..8];
        int port = Interlocked.Add(ref nextPort, 10);
        string seed = $"akka.tcp://porous@127.0.0.1:{port}";
        var a = StartNode(SupervisorArgs(name, port, seed));
        WaitFor(a, l => l.Contains(" up, roles"), TimeSpan.FromMinutes(2));
        StartNode(WorkerArgs(name, port + 1, seed));
        StartNode(WorkerArgs(name, port + 2, seed));
        var standby = StartNode(SupervisorArgs(name, port + 3, seed));
        WaitFor(standby, l => l.Contains(" up, roles"), TimeSpan.FromMinutes(2));
        WaitFor(a, l => DoneAtLeast(l, 1), TimeSpan.FromMinutes(3));
        a.Process.Kill(true);
        var rows = WaitForResults(name, TimeSpan.FromMinutes(5));
        Assert.Equal(reference.Order(), rows.Order()); // rows are appended in finishing order until the final rewrite
    }

    /// <summary>Restarts the local PostgreSQL cluster (needs Debian's pg_ctlcluster and root), or null when it cannot.</summary>
    static string? RestartPostgres()
    {
        if (!Directory.Exists("/usr/lib/postgresql") || Environment.UserName != "root") return "needs root and Debian's pg_ctlcluster";
        string ver = Directory.GetDirectories("/usr/lib/postgresql").Select(Path.GetFileName).OrderBy(v => int.TryParse(v, out var n) ? n : 0).Last()!;
        using var p = Process.Start(new ProcessStartInfo("pg_ctlcluster", [ver, "main", "restart"]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        p.WaitForExit(TimeSpan.FromMinutes(1));
        return p.ExitCode == 0 ? null : "pg_ctlcluster failed: " + p.StandardError.ReadToEnd();
    }

    [SkippableFact]
    public void PostgreSqlRestartMidCampaignIsSurvived()
    {
        Skip.If(pg is null, "POROUS_TEST_POSTGRES not set (CI starts PostgreSQL and sets it)");
        Skip.If(Environment.UserName != "root" || !Directory.Exists("/usr/lib/postgresql"), "restarting PostgreSQL needs root and Debian's pg_ctlcluster");
        var reference = Reference();
        string name = "p" + Guid.NewGuid().ToString("N")[..8];
        int port = Interlocked.Add(ref nextPort, 10);
        string seed = $"akka.tcp://porous@127.0.0.1:{port}";
        var a = StartNode(SupervisorArgs(name, port, seed));
        StartNode(WorkerArgs(name, port + 1, seed));
        WaitFor(a, l => DoneAtLeast(l, 1), TimeSpan.FromMinutes(3));
        Assert.Null(RestartPostgres());
        var rows = WaitForResults(name, TimeSpan.FromMinutes(5));
        Assert.Equal(reference.Order(), rows.Order()); // rows are appended in finishing order until the final rewrite
    }
}

[CollectionDefinition("cluster", DisableParallelization = true)]
public sealed class ClusterCollection;
