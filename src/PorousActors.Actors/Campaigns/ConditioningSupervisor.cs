using System.Globalization;
using System.Text;
using System.Text.Json;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using PorousActors.Actors.Chains;
using PorousActors.Actors.Generation;

namespace PorousActors.Actors.Campaigns;

// Commands, replies and journal events of a campaign.
public sealed record StartCampaign(CampaignDefinition Definition);
public sealed record ResumeCampaign(string ModelSha256);
public sealed record InspectCampaign { public static readonly InspectCampaign Instance = new(); }
public sealed record CampaignRefused(string Reason);
public sealed record CampaignDone(CampaignDefinition Definition, IReadOnlyList<ChainResult> Results, int CompletedThisSession);
public sealed record GetCampaignProgress { public static readonly GetCampaignProgress Instance = new(); }
public sealed record CampaignProgress(string Name, int Total, int Pending, int Running, int Done, int Succeeded, IReadOnlyList<ChainResult> Results);
public sealed record CampaignStatus(CampaignDefinition? Definition, IReadOnlyList<ChainResult> Results, IReadOnlyList<ChainProgress> Unfinished);
public sealed record CampaignStarted(CampaignDefinition Definition);
public sealed record ChainCompleted(ChainResult Result);

/// <summary>
/// Owns a campaign: persists its definition and every finished chain, runs chains (persistent
/// ChainActors) up to the concurrency limit, writes the results as chains finish, and on restart
/// resumes exactly where the journal says: finished chains stay finished, running ones continue
/// from their last accepted step.
/// </summary>
public sealed class ConditioningSupervisor : ReceivePersistentActor, IWithTimers
{
    sealed record ResendCubes { public static readonly ResendCubes Instance = new(); }
    public ITimerScheduler Timers { get; set; } = null!;
    readonly object? autoCommand;
    readonly string name, outputDir;
    readonly int latentSize;
    readonly IActorRef generator, pnm;
    CampaignDefinition? definition;
    readonly Dictionary<string, ChainResult> done = [];
    readonly Dictionary<string, IActorRef> running = [];
    IActorRef? requester;
    readonly Dictionary<long, ChainResult> cubeRequests = [];
    long cubeRequestId;
    int completedHere;

    public override string PersistenceId { get; }

    /// <param name="autoCommand">StartCampaign or ResumeCampaign to run by itself once recovered (as a cluster singleton, which nobody asks)</param>
    public ConditioningSupervisor(string name, string outputDir, int latentSize, IActorRef generator, IActorRef pnm, object? autoCommand = null)
    {
        this.autoCommand = autoCommand;
        this.name = name; this.outputDir = outputDir; this.latentSize = latentSize; this.generator = generator; this.pnm = pnm;
        PersistenceId = $"campaign/{name}";

        Recover<CampaignStarted>(e => definition = e.Definition);
        Recover<ChainCompleted>(e => done[e.Result.Id] = e.Result);
        Recover<RecoveryCompleted>(_ =>
        {
            if (autoCommand is null) return;
            // a recovered campaign resumes; a new one starts from the given definition
            if (definition is not null && autoCommand is StartCampaign s) Self.Tell(new ResumeCampaign(s.Definition.ModelSha256));
            else Self.Tell(autoCommand);
        });

        Command<StartCampaign>(c =>
        {
            requester = Sender;
            if (definition is not null)
            {
                if (!definition.SameWorkAs(c.Definition))
                {
                    Sender.Tell(new CampaignRefused($"campaign '{name}' already exists in this journal with other targets, model or settings; use `porous campaign resume {name}` or another --name"));
                    return;
                }
                definition = definition with { Concurrency = c.Definition.Concurrency };
                Launch();
                return;
            }
            Persist(new CampaignStarted(c.Definition), e => { definition = e.Definition; Launch(); });
        });
        Command<ResumeCampaign>(c =>
        {
            requester = Sender;
            if (definition is null) { Sender.Tell(new CampaignRefused($"no campaign '{name}' in this journal; start it with `porous campaign run`")); return; }
            if (definition.ModelSha256 != c.ModelSha256)
            {
                Sender.Tell(new CampaignRefused($"the model file changed since campaign '{name}' started (SHA-256 {definition.ModelSha256[..12]}… vs {c.ModelSha256[..12]}…); refusing to mix results"));
                return;
            }
            Launch();
        });
        Command<InspectCampaign>(_ => Inspect());
        Command<ChainFinished>(f =>
        {
            if (running.Remove(f.Result.Id, out var chainRef)) Context.Stop(chainRef);
            // the final cube is regenerated from the latent and written before the chain is recorded
            cubeRequests[++cubeRequestId] = f.Result;
            generator.Tell(new GenerateRequest(cubeRequestId, [f.Result.Latent], Self));
            if (!Timers.IsTimerActive("resend")) Timers.StartPeriodicTimer("resend", ResendCubes.Instance, Chains.ChainActor.RequestTimeoutOf(Context.System));
        });
        Command<ResendCubes>(_ =>
        {
            // final-cube requests lost with a generator node are asked again
            foreach (var (id, r) in cubeRequests) generator.Tell(new GenerateRequest(id, [r.Latent], Self));
            if (cubeRequests.Count == 0) Timers.Cancel("resend");
        });
        Command<GenerateResponse>(r =>
        {
            if (!cubeRequests.Remove(r.RequestId, out var result)) return;
            Directory.CreateDirectory(Path.Combine(outputDir, "cubes"));
            Core.IO.VolumeIO.Write(r.Cubes[0], Path.Combine(outputDir, "cubes", result.Id + ".raw"));
            Persist(new ChainCompleted(result), e =>
            {
                done[e.Result.Id] = e.Result;
                completedHere++;
                ResultsWriter.Write(outputDir, definition!, done.Values);
                Launch();
            });
        });
        Command<GetCampaignProgress>(_ =>
        {
            int total = definition?.Chains.Count ?? 0;
            Sender.Tell(new CampaignProgress(name, total, total - done.Count - running.Count, running.Count, done.Count,
                done.Values.Count(r => r.Status == "Succeeded"), done.Values.ToList()));
        });
        Command<SaveSnapshotSuccess>(_ => { });
    }

    public static Props Props(string name, string outputDir, int latentSize, IActorRef generator, IActorRef pnm, object? autoCommand = null) =>
        Akka.Actor.Props.Create(() => new ConditioningSupervisor(name, outputDir, latentSize, generator, pnm, autoCommand));

    /// <summary>A self-driving supervisor (it starts or resumes on its own) restarted with backoff
    /// when its journal fails: for the cluster singleton, which nobody is waiting on.</summary>
    public static Props Resilient(string name, string outputDir, int latentSize, IActorRef generator, IActorRef pnm, object autoCommand) =>
        Akka.Pattern.BackoffSupervisor.Props(Akka.Pattern.Backoff.OnStop(
            Props(name, outputDir, latentSize, generator, pnm, autoCommand), "supervisor",
            TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), 0.2, -1));

    void Launch()
    {
        var def = definition!;
        foreach (var spec in def.Chains)
        {
            if (running.Count >= def.Concurrency) break;
            if (done.ContainsKey(spec.Id) || running.ContainsKey(spec.Id)) continue;
            running[spec.Id] = Context.ActorOf(ChainActor.Resilient(def.Name, spec, latentSize, generator, pnm, def.Policy, def.MaxEvaluations, Self), "chain-" + Uri.EscapeDataString(spec.Id));
        }
        if (running.Count == 0 && cubeRequests.Count == 0 && done.Count == def.Chains.Count)
        {
            ResultsWriter.Write(outputDir, def, done.Values);
            requester?.Tell(new CampaignDone(def, def.Chains.Select(c => done[c.Id]).ToList(), completedHere));
            if (autoCommand is not null) Context.System.Log.Warning("campaign {0}: all {1} chains finished; results in {2}", name, def.Chains.Count, outputDir);
        }
    }

    void Inspect()
    {
        var replyTo = Sender;
        var unfinished = definition?.Chains.Where(c => !done.ContainsKey(c.Id)).ToList() ?? [];
        var asks = unfinished.Select(spec =>
        {
            var probe = Context.ActorOf(ChainActor.Props(definition!.Name, spec, latentSize, generator, pnm, definition.Policy, definition.MaxEvaluations, inspectOnly: true));
            return probe.Ask<ChainProgress>(GetChainProgress.Instance, TimeSpan.FromSeconds(60));
        }).ToList();
        var def = definition;
        var results = done.Values.ToList();
        Task.WhenAll(asks).PipeTo(replyTo, success: p => new CampaignStatus(def, results, p));
    }
}

/// <summary>The campaign's result files: results.csv (one row per chain, target vs achieved) and results.json.</summary>
public static class ResultsWriter
{
    public static void Write(string dir, CampaignDefinition def, IEnumerable<ChainResult> results)
    {
        Directory.CreateDirectory(dir);
        var byId = results.ToDictionary(r => r.Id);
        var ordered = def.Chains.Where(c => byId.ContainsKey(c.Id)).Select(c => byId[c.Id]).ToList();
        var sb = new StringBuilder("id,seed,property,target,tolerance,achieved,abs_error,within_tolerance,status,steps,evaluations,seconds,cube\n");
        foreach (var r in ordered)
            foreach (var (t, a, within) in r.Outcomes())
            {
                sb.AppendLine(string.Join(",", r.Id, r.Seed.ToString(CultureInfo.InvariantCulture), t.Property, G(t.Value), G(t.Tolerance), G(a), G(Math.Abs(a - t.Value)),
                    within ? "true" : "false", r.Status, r.Steps.ToString(CultureInfo.InvariantCulture),
                    r.Evaluations.ToString(CultureInfo.InvariantCulture), G(r.Seconds), Path.Combine("cubes", r.Id + ".raw")));
            }
        AtomicWrite(Path.Combine(dir, "results.csv"), sb.ToString());
        AtomicWrite(Path.Combine(dir, "results.json"), JsonSerializer.Serialize(new { campaign = def.Name, model = def.Model, modelSha256 = def.ModelSha256, policy = def.Policy, chains = ordered }, new JsonSerializerOptions { WriteIndented = true }));

        static string G(double x) => x.ToString("G9", CultureInfo.InvariantCulture);
    }

    static void AtomicWrite(string path, string text)
    {
        File.WriteAllText(path + ".tmp", text);
        File.Move(path + ".tmp", path, overwrite: true);
    }
}
