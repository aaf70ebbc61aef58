using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Akka.Actor;
using Akka.Configuration;
using PorousActors.Actors;
using PorousActors.Actors.Campaigns;
using PorousActors.Actors.Chains;
using PorousActors.Conditioning;
using PorousActors.Core;
using PorousActors.Gan;

namespace PorousActors.Cli.Commands;

/// <summary><c>porous campaign run|resume|status</c>: many chains on the actor runtime, persisted.</summary>
public static class CampaignCommand
{
    public static Command Build(CliIO io)
    {
        var cmd = new Command("campaign", "Conditioning campaigns: many gradual-deformation chains at once on the Akka.NET actor runtime, every chain persisted (SQLite by default) so an interrupted campaign resumes");
        cmd.Subcommands.Add(Run(io));
        cmd.Subcommands.Add(Resume(io));
        cmd.Subcommands.Add(Status(io));
        cmd.Subcommands.Add(CampaignServeCommand.Build(io, JournalOption(), OutOption(), OutputDir));
        cmd.Subcommands.Add(CampaignTargetsCommand.Build(io));
        return cmd;
    }

    static Option<string?> JournalOption() => new("--journal") { Description = "sqlite:PATH (default campaigns/NAME.db) or postgres:CONNECTION-STRING" };
    /// <summary>Edge of the generated volumes for a convolutional generator (kept with the campaign).</summary>
    internal static Option<int?> SizeOption() => new("--size") { Description = "Edge of the generated volumes in voxels, for a convolutional generator (default: the model's training size); kept with the campaign" };
    static Option<string> OutOption() => new("--out") { Description = "Results folder (default campaigns/NAME)" };

    static Command Run(CliIO io)
    {
        var file = new Argument<string?>("CAMPAIGN") { Description = "Campaign file (HOCON): campaign { name, model, targets-csv | targets = [{id, target, seed}], policy, max-evaluations, concurrency }", Arity = ArgumentArity.ZeroOrOne };
        var targets = new Option<string?>("--targets") { Description = "Targets CSV with header id,target,seed (target as `porous condition`, joint targets joined by ';')" };
        var model = new Option<string?>("--model") { Description = "Generator model file" };
        var name = new Option<string?>("--name") { Description = "Campaign name (default: the targets file's name)" };
        var concurrency = new Option<int?>("--concurrency") { Description = "Chains running at once (default 4)" };
        var policy = new Option<string?>("--policy") { Description = "golden, sphere (two directions per step), adaptive, paper, random, or surrogate / surrogate-random with --surrogate (default golden)" };
        var maxEval = new Option<int?>("--max-evaluations") { Description = "Evaluations per chain before giving up (default 200)" };
        var format = new Option<string?>("--format") { Description = "Format of the accepted cubes in cubes/: raw (+ .json sidecar, default), tif or npy; kept with the campaign" };
        var size = SizeOption();
        var prior = new Option<string?>("--prior") { Description = "Latent prior of the model (`porous model prior`): every chain starts and deforms within the latents it expects to meet that chain's targets; kept with the campaign" };
        var journal = JournalOption(); var outDir = OutOption(); var device = DeviceOptions.Create();
        var surrogate = new Option<string?>("--surrogate") { Description = "Latent surrogate of the model (`porous model surrogate`) for --policy surrogate or surrogate-random; kept with the campaign" };
        var c = new Command("run", "Start (or continue) a campaign") { file, targets, model, name, concurrency, policy, maxEval, format, size, prior, surrogate, journal, outDir, device };
        var http = new HttpOptions(); http.AddTo(c);
        var log = LogOption.Create("OUT/campaign.log"); c.Options.Add(log);
        c.SetAction(p => io.Guard(() =>
        {
            var dashboard = http.From(p);
            var (def, fileConfig, m) = LoadDefinition(p.GetValue(file), p.GetValue(targets), p.GetValue(model), p.GetValue(name), p.GetValue(concurrency), p.GetValue(policy), p.GetValue(maxEval), p.GetValue(format), p.GetValue(size), p.GetValue(prior), p.GetValue(surrogate));
            using var _ = m;
            var journalLoc = JournalLocation.Parse(p.GetValue(journal), def.Name);
            journalLoc.CheckOwnership(def.Name, mustExist: false);
            return Drive(io, def.Name, p.GetValue(outDir), journalLoc, GeneratorsFor(m, def.Model, p.GetValue(device), fileConfig), LogOption.ConfigFor(p.GetValue(log), Path.Combine(OutputDir(def.Name, p.GetValue(outDir)), "campaign.log")).WithFallback(fileConfig), new StartCampaign(def), dashboard);
        }));
        return c;
    }

    /// <summary>A campaign definition from a campaign file and/or options (options win), with the
    /// model it names loaded (for its hash, and to generate with).</summary>
    internal static (CampaignDefinition Definition, Config FileConfig, GeneratorModel Model) LoadDefinition(
        string? f, string? targetsOption, string? modelOption, string? nameOption, int? concurrencyOption, string? policyOption, int? maxEvalOption, string? formatOption = null, int? sizeOption = null, string? priorOption = null, string? surrogateOption = null)
    {
        var request = new CampaignRequest(f, targetsOption, modelOption, nameOption, concurrencyOption, policyOption, maxEvalOption, formatOption, sizeOption, priorOption, surrogateOption);
        var fileConfig = CampaignFile.Read(f);
        GeneratorModel? m = null;
        try
        {
            var def = CampaignFile.Definition(request, fileConfig, (path, size) => (m = GeneratorModel.Load(path, size: size)).Sha256!);
            return (def, fileConfig, m!);
        }
        catch { m?.Dispose(); throw; }
    }

    static Command Resume(CliIO io)
    {
        var name = new Argument<string>("NAME") { Description = "Campaign name" };
        var model = new Option<string?>("--model") { Description = "Model file, if it moved (its SHA-256 must match the campaign's)" };
        var journal = JournalOption(); var outDir = OutOption(); var device = DeviceOptions.Create();
        var c = new Command("resume", "Resume an interrupted campaign from its journal: finished chains stay finished, others continue from their last accepted step") { name, model, journal, outDir, device };
        var http = new HttpOptions(); http.AddTo(c);
        var log = LogOption.Create("OUT/campaign.log"); c.Options.Add(log);
        c.SetAction(p => io.Guard(() =>
        {
            var dashboard = http.From(p);
            string n = p.GetValue(name)!;
            var journalLoc = JournalLocation.Parse(p.GetValue(journal), n);
            journalLoc.CheckOwnership(n, mustExist: true);
            var status = Inspect(n, journalLoc, p.GetValue(outDir));
            var def = status.Definition ?? throw new BadInputException($"no campaign '{n}' in the journal");
            string modelPath = p.GetValue(model) ?? def.Model;
            using var m = GeneratorModel.Load(modelPath, size: def.Size);
            return Drive(io, n, p.GetValue(outDir), journalLoc, GeneratorsFor(m, modelPath, p.GetValue(device), Config.Empty), LogOption.ConfigFor(p.GetValue(log), Path.Combine(OutputDir(n, p.GetValue(outDir)), "campaign.log")), new ResumeCampaign(m.Sha256!), dashboard);
        }));
        return c;
    }

    static Command Status(CliIO io)
    {
        var name = new Argument<string>("NAME") { Description = "Campaign name" };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var journal = JournalOption(); var outDir = OutOption();
        var c = new Command("status", "Show a campaign's chains: state, steps, error, result path") { name, json, journal, outDir };
        c.SetAction(p => io.Guard(() =>
        {
            string n = p.GetValue(name)!;
            var journalLoc = JournalLocation.Parse(p.GetValue(journal), n);
            journalLoc.CheckOwnership(n, mustExist: true);
            var s = Inspect(n, journalLoc, p.GetValue(outDir));
            if (s.Definition is null) throw new BadInputException($"no campaign '{n}' in the journal");
            var rows = s.Definition.Chains.Select(spec =>
            {
                var r = s.Results.FirstOrDefault(x => x.Id == spec.Id);
                var u = s.Unfinished.FirstOrDefault(x => x.Id == spec.Id);
                return new
                {
                    id = spec.Id, target = spec.Targets, seed = spec.Seed,
                    state = r?.Status ?? (u is { Recovered: true } ? "Interrupted" : "Pending"),
                    steps = r?.Steps ?? u?.Step ?? 0, evaluations = r?.Evaluations ?? u?.Evaluations ?? 0,
                    error = r?.Error ?? u?.Error,
                    lastFailure = u?.LastFailure,
                    cube = r is null ? null : Path.Combine(OutputDir(n, p.GetValue(outDir)), s.Definition.CubeFile(spec.Id)),
                };
            }).ToList();
            if (p.GetValue(json)) io.Out.WriteLine(JsonSerializer.Serialize(new { campaign = n, model = s.Definition.Model, chains = rows }, new JsonSerializerOptions { WriteIndented = true }));
            else
            {
                io.Out.WriteLine($"campaign {n}: {rows.Count(r => r.state is "Succeeded" or "NotReached" or "Cancelled")}/{rows.Count} finished, {rows.Count(r => r.state == "Succeeded")} succeeded");
                if (ProgressView.IsTerminal(io, stdout: true))
                {
                    // a terminal: a table (Spectre.Console); otherwise the plain lines scripts read
                    var table = Spectre.Console.TableExtensions.AddColumns(new Spectre.Console.Table(), "id", "state", "steps", "evaluations", "error", "cube", "last failure");
                    foreach (var r in rows)
                        Spectre.Console.TableExtensions.AddRow(table, Spectre.Console.Markup.Escape(r.id), r.state, r.steps.ToString(), r.evaluations.ToString(), r.error is { } e ? e.ToString("G4") : "-",
                            Spectre.Console.Markup.Escape(r.cube ?? ""), Spectre.Console.Markup.Escape(r.lastFailure ?? ""));
                    Spectre.Console.AnsiConsole.Write(table);
                }
                else foreach (var r in rows) io.Out.WriteLine($"  {r.id,-12} {r.state,-12} steps {r.steps,4}  evaluations {r.evaluations,5}  error {(r.error is { } e ? e.ToString("G4") : "-"),-10} {r.cube}{(r.lastFailure is { } f ? "  last failure: " + f : "")}");
            }
            return 0;
        }));
        return c;
    }

    static string OutputDir(string name, string? given) => given ?? Path.Combine("campaigns", name);

    /// <summary>Two campaigns writing one folder would overwrite each other's results.csv: the folder
    /// records its campaign (and journal) on first use and refuses another.</summary>
    static void CheckOutputFolderOwner(string dir, string name, JournalLocation journal)
    {
        Directory.CreateDirectory(dir);
        string tag = Path.Combine(dir, ".porous-campaign");
        string me = $"{name}\n{journal.SqlitePath ?? "postgres"}";
        if (File.Exists(tag))
        {
            string other = File.ReadAllText(tag);
            if (other.Split('\n')[0] != name)
                throw new BadInputException($"{dir} holds the results of campaign '{other.Split('\n')[0]}'; give another --out");
            return;
        }
        File.WriteAllText(tag, me);
    }

    /// <summary>Recovers the campaign and its unfinished chains read-only.</summary>
    static CampaignStatus Inspect(string name, JournalLocation journal, string? outDir)
    {
        var host = new CampaignHost(name, OutputDir(name, outDir), journal, new NullGenerator(), new PnmForwardModel());
        try { return host.Ask<CampaignStatus>(InspectCampaign.Instance, TimeSpan.FromMinutes(2)); }
        finally { host.DisposeAsync().AsTask().GetAwaiter().GetResult(); }
    }

    sealed class NullGenerator : IGenerator
    {
        public int LatentSize => 1;
        public IReadOnlyList<Volume> Generate(IReadOnlyList<float[]> latents) => throw new InvalidOperationException("inspect mode generates nothing");
    }

    /// <summary>One generator per device: --device, else porous.generator.devices, else auto. The CPU
    /// alone reuses the already loaded model.</summary>
    internal static IReadOnlyList<IGenerator> GeneratorsFor(GeneratorModel loaded, string modelPath, string? deviceOption, Config fileConfig)
    {
        var cfg = fileConfig.WithFallback(CampaignHost.DefaultConfig());
        string spec = deviceOption ?? (cfg.HasPath("porous.generator.devices") ? string.Join(",", cfg.GetStringList("porous.generator.devices")) : "auto");
        var devices = Devices.Resolve(spec);
        if (devices.Count == 1 && devices[0].type == TorchSharp.DeviceType.CPU) return [new GanGenerator(loaded)];
        return GanGenerator.ForDevices(modelPath, devices, loaded.Size);
    }

    internal static int Drive(CliIO io, string name, string? outDir, JournalLocation journal, IReadOnlyList<IGenerator> generators, Config overrides, object command,
        Dashboard.DashboardOptions? dashboard = null)
    {
        string dir = OutputDir(name, outDir);
        if (File.Exists(dir)) throw new BadInputException($"--out {dir} is a file; give a folder for the campaign's results");
        using var runLock = CampaignLock.Acquire(journal, name);
        CheckOutputFolderOwner(dir, name, journal);
        var host = new CampaignHost(name, dir, journal, generators, new PnmForwardModel(), overrides);
        Dashboard.DashboardServer? server = null;
        try
        {
            if (dashboard is not null) server = HttpOptions.StartLive(io, dashboard, host.System, name, dir, () => host.Supervisor);
            var sw = Stopwatch.StartNew();
            var reply = host.Supervisor.Ask(command, Timeout.InfiniteTimeSpan);
            using var cancel = new CancellationTokenSource();
            // Ctrl-C and SIGTERM both stop cleanly: the journal already holds every accepted step
            using var signals = StopSignals.On(cancel.Cancel);
            {
                using var view = ProgressView.Start(io, $"campaign {name}", 1);
                while (!reply.IsCompleted)
                {
                    if (cancel.IsCancellationRequested) { view.Dispose(); io.Err.WriteLine("interrupted: progress is saved; continue with `porous campaign resume " + name + "`"); return 1; }
                    if (host.Fatal.IsCompleted) throw new CampaignStoppedException(host.Fatal.Result);
                    Task.WaitAny([reply, host.Fatal], TimeSpan.FromSeconds(2));
                    if (reply.IsCompleted) break;
                    if (host.Fatal.IsCompleted) continue;
                    var pr = host.Supervisor.Ask<CampaignProgress>(GetCampaignProgress.Instance, TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
                    var gs = host.Generator.Ask<Actors.Generation.GeneratorStats>(Actors.Generation.GetGeneratorStats.Instance, TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
                    double rate = gs.Cubes / Math.Max(1e-9, sw.Elapsed.TotalSeconds);
                    double perChain = pr.Done > 0 ? sw.Elapsed.TotalSeconds / pr.Done : double.NaN;
                    string eta = pr.Done > 0 ? TimeSpan.FromSeconds(perChain * (pr.Total - pr.Done)).ToString(@"hh\:mm\:ss") : "--:--:--";
                    view.Report(pr.Done, $"[{sw.Elapsed:hh\\:mm\\:ss}] chains pending {pr.Pending}  running {pr.Running}  done {pr.Done}/{pr.Total} (succeeded {pr.Succeeded})  cubes generated {gs.Cubes} ({rate:F1}/s, incl. final cubes and resends)  ETA {eta}",
                        $"{pr.Done}/{pr.Total} chains, {pr.Running} running, {rate:F1} cubes/s", pr.Total);
                }
            }
            switch (reply.Result)
            {
                case CampaignRefused r: throw new BadInputException(r.Reason, r.Field);
                case CampaignFailed f: throw new CampaignStoppedException(f.Reason);
                case CampaignDone d:
                    int ok = d.Results.Count(r => r.Status == "Succeeded");
                    int total = d.Results.Sum(r => r.Evaluations);
                    var stats = host.Generator.Ask<Actors.Generation.GeneratorStats>(Actors.Generation.GetGeneratorStats.Instance, TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
                    string resultsCsv = Path.Combine(dir, "results.csv");
                    io.Out.WriteLine($"campaign {name}: {d.Results.Count} chains, {ok} succeeded, {total} evaluations in {sw.Elapsed.TotalSeconds:F0} s; results in {resultsCsv}");
                    if (NotReachedWarning(d.Results, resultsCsv) is { } warning) io.Err.WriteLine(warning);
                    var outcomes = d.Results.SelectMany(r => r.Outcomes().Select(o =>
                        new Reports.TargetOutcome(r.Id, o.Target.Property, o.Target.Value, o.Target.Tolerance, o.Achieved, o.Within, r.Evaluations, r.Seconds))).ToList();
                    var plots = Reports.CampaignReport.Write(dir, outcomes);
                    io.Out.WriteLine($"report: {Path.Combine(dir, "report.md")} ({plots.Count} target-vs-achieved plots)");
                    // cubes generated here minus one final cube per chain finished here = evaluations done in this session
                    if (command is ResumeCampaign) io.Out.WriteLine($"resumed work: {Math.Max(0, stats.Cubes - d.CompletedThisSession)} of {total} evaluations done in this session");
                    return 0;
                default: throw new InvalidOperationException($"unexpected reply {reply.Result}");
            }
        }
        finally
        {
            server?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            host.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>One line naming the chains that spent their budget, each target against its closest
    /// cube's value (the first five; all of them are in results.csv); null when every chain succeeded.</summary>
    internal static string? NotReachedWarning(IReadOnlyList<ChainResult> results, string resultsCsv)
    {
        var missed = results.Where(r => r.Status == "NotReached").ToList();
        if (missed.Count == 0) return null;
        var shown = missed.Take(5).Select(r => $"{r.Id} (" + string.Join(", ", r.Outcomes().Select(o => o.Target.Against(o.Achieved))) + ")");
        return $"warning: {missed.Count} of {results.Count} chains did not reach their targets within their budget: " +
               string.Join("; ", shown) + (missed.Count > 5 ? $"; {missed.Count - 5} more" : "") + $"; see {resultsCsv}";
    }
}
