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
/// <summary>Asks a running campaign for a <see cref="CampaignStatus"/>: finished chains and the live progress of running ones.</summary>
public sealed record GetLiveStatus { public static readonly GetLiveStatus Instance = new(); }
public sealed record CampaignRefused(string Reason, Core.InputField Field = Core.InputField.None);
public sealed record CampaignDone(CampaignDefinition Definition, IReadOnlyList<ChainResult> Results, int CompletedThisSession);
public sealed record GetCampaignProgress { public static readonly GetCampaignProgress Instance = new(); }
/// <summary>Counts only: progress is asked every few seconds, across nodes, of campaigns of 10⁴ chains.</summary>
public sealed record CampaignProgress(string Name, int Total, int Pending, int Running, int Done, int Succeeded);
public sealed record CampaignStatus(CampaignDefinition? Definition, IReadOnlyList<ChainResult> Results, IReadOnlyList<ChainProgress> Unfinished);
public sealed record CampaignStarted(CampaignDefinition Definition);
public sealed record ChainCompleted(ChainResult Result, string? Checksum = null)
{
    public static ChainCompleted Of(ChainResult r) => new(r, EventChecksum.Of(r));
    public bool Intact => Checksum is null || Checksum == EventChecksum.Of(Result);
}
/// <summary>The campaign stopped on an error the user must fix (journal write failed, journal damaged,
/// outputs not writable); the journal holds every step accepted before it, so it can be resumed.</summary>
public sealed record CampaignFailed(string Reason);

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
    /// <summary>Chains that reported their end and whose cube is being written and evaluated.</summary>
    readonly HashSet<string> finishing = [];
    IActorRef? requester;
    readonly Dictionary<long, ChainResult> cubeRequests = [];
    /// <summary>Cubes of chains finished earlier whose files are gone: regenerated from the stored latent.</summary>
    readonly Dictionary<long, ChainResult> cubeRewrites = [];
    /// <summary>Written cubes awaiting their full evaluation (every property, k on all axes) before the chain is recorded.</summary>
    readonly Dictionary<long, (ChainResult Result, Core.Volume Cube)> finalEvaluations = [];
    static readonly Conditioning.PropertyNeeds AllProperties = new(true, [Pnm.Flow.FlowAxis.Z, Pnm.Flow.FlowAxis.Y, Pnm.Flow.FlowAxis.X]);
    long cubeRequestId;
    /// <summary>Each running chain's last reported progress (written by ask continuations, hence concurrent).</summary>
    readonly System.Collections.Concurrent.ConcurrentDictionary<string, ChainProgress> lastProgress = new();
    int completedHere, succeeded;
    readonly Action<string>? onFatal;
    readonly Dictionary<string, int> journalFailures = [];
    /// <summary>Journal write failures one chain may have in a row (each followed by a backoff restart:
    /// 1, 2, 4, 8, 16, 30 s by default) before the campaign stops with "journal write failed"
    /// (porous.journal-retry).</summary>
    readonly int maxJournalFailures = Context.System.Settings.Config.GetInt("porous.journal-retry.max-failures", 6);
    readonly TimeSpan minBackoff = Context.System.Settings.Config.GetTimeSpan("porous.journal-retry.min-backoff", TimeSpan.FromSeconds(1));
    readonly TimeSpan maxBackoff = Context.System.Settings.Config.GetTimeSpan("porous.journal-retry.max-backoff", TimeSpan.FromSeconds(30));
    bool failed;

    public override string PersistenceId { get; }

    /// <param name="autoCommand">StartCampaign or ResumeCampaign to run by itself once recovered (as a cluster singleton, which nobody asks)</param>
    /// <param name="onFatal">told the reason when the campaign cannot go on (also during recovery, when nobody has asked yet)</param>
    public ConditioningSupervisor(string name, string outputDir, int latentSize, IActorRef generator, IActorRef pnm, object? autoCommand = null, Action<string>? onFatal = null)
    {
        this.autoCommand = autoCommand;
        this.onFatal = onFatal;
        this.name = name; this.outputDir = outputDir; this.latentSize = latentSize; this.generator = generator; this.pnm = pnm;
        PersistenceId = $"campaign/{name}";

        Recover<CampaignStarted>(e => definition = e.Definition);
        Recover<ChainCompleted>(e =>
        {
            if (!e.Intact) throw new JournalDamagedException($"journal is damaged at event {LastSequenceNr} of campaign '{name}': the result of chain '{e.Result.Id}' does not match its checksum (edited?)");
            done[e.Result.Id] = e.Result;
            if (e.Result.Status == "Succeeded") succeeded++;
        });
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
                    Sender.Tell(new CampaignRefused($"campaign '{name}' already exists in this journal with another {definition.DifferenceFrom(c.Definition)} (stored vs given); resume it as it is, or give the new campaign another name", Core.InputField.CampaignName));
                    return;
                }
                definition = definition with { Concurrency = c.Definition.Concurrency };
                if (RewriteOutputs()) Launch();
                return;
            }
            Persist(new CampaignStarted(c.Definition), e => { definition = e.Definition; if (RewriteOutputs()) Launch(); });
        });
        Command<ResumeCampaign>(c =>
        {
            requester = Sender;
            if (definition is null) { Sender.Tell(new CampaignRefused($"no campaign '{name}' in this journal; start it first")); return; }
            if (definition.ModelSha256 != c.ModelSha256)
            {
                Sender.Tell(new CampaignRefused($"the model file changed since campaign '{name}' started (SHA-256 {definition.ModelSha256[..12]}… vs {c.ModelSha256[..12]}…); refusing to mix results"));
                return;
            }
            foreach (var r in done.Values)
            {
                if (File.Exists(CubePath(r.Id))) continue;
                cubeRewrites[++cubeRequestId] = r;
                generator.Tell(new GenerateRequest(cubeRequestId, [r.Latent], Self));
            }
            if (cubeRewrites.Count > 0)
            {
                Context.System.Log.Warning("campaign {0}: {1} cube file(s) of finished chains are missing; regenerating them from their stored latents", name, cubeRewrites.Count);
                StartResendTimer();
            }
            if (RewriteOutputs()) Launch();
        });
        Command<InspectCampaign>(_ => Inspect());
        Command<GetLiveStatus>(_ => LiveStatus());
        Command<ChainJournalFailure>(f =>
        {
            Telemetry.PorousMetrics.JournalFailures.Add(1);
            if (f.Fatal) { Fail(f.Reason); return; }
            int n = journalFailures[f.Id] = journalFailures.GetValueOrDefault(f.Id) + 1;
            Context.System.Log.Warning("campaign {0}: chain {1}: journal write failed ({2} of {3}): {4}", name, f.Id, n, maxJournalFailures, f.Reason);
            if (n >= maxJournalFailures) Fail($"journal write failed: {f.Reason}");
        });
        Command<ChainFinished>(f =>
        {
            journalFailures.Remove(f.Result.Id);
            if (running.Remove(f.Result.Id, out var chainRef)) Context.Stop(chainRef);
            else if (finishing.Contains(f.Result.Id) || done.ContainsKey(f.Result.Id)) return; // a duplicate report
            // neither running nor recorded until its cube is written and evaluated: Launch must not start it again
            finishing.Add(f.Result.Id);
            // the final cube (the chain's own, else regenerated from the latent) is written before the chain is recorded
            cubeRequests[++cubeRequestId] = f.Result;
            if (f.Cube is not null) { Self.Tell(new GenerateResponse(cubeRequestId, [f.Cube])); return; }
            generator.Tell(new GenerateRequest(cubeRequestId, [f.Result.Latent], Self));
            StartResendTimer();
        });
        Command<ResendCubes>(_ =>
        {
            // final-cube requests lost with a generator node are asked again
            foreach (var (id, r) in cubeRequests.Concat(cubeRewrites)) generator.Tell(new GenerateRequest(id, [r.Latent], Self));
            foreach (var (id, f) in finalEvaluations) pnm.Tell(new Simulation.Evaluate(id, 0, f.Cube, AllProperties, Self));
            Telemetry.PorousMetrics.Resent("final", cubeRequests.Count + cubeRewrites.Count + finalEvaluations.Count);
            if (cubeRequests.Count == 0 && cubeRewrites.Count == 0 && finalEvaluations.Count == 0) Timers.Cancel("resend");
        });
        Command<GenerateResponse>(r =>
        {
            if (cubeRewrites.Remove(r.RequestId, out var earlier))
            {
                if (!failed && TryOutput(() => Core.IO.VolumeIO.Write(r.Cubes[0], CubePath(earlier.Id)))) Launch();
                return;
            }
            if (!cubeRequests.Remove(r.RequestId, out var result) || failed) return;
            // the cube is written before the chain is recorded: a failure here leaves the chain
            // unrecorded, so a resumed campaign writes it again
            if (!TryOutput(() => Core.IO.VolumeIO.Write(r.Cubes[0], CubePath(result.Id)))) return; // Write creates cubes/
            // every property on every axis of the accepted cube, from the simulation pool: users look
            // at k_x of a k_z-conditioned cube, and should not have to re-analyse it to see it
            long evaluationId = ++cubeRequestId;
            finalEvaluations[evaluationId] = (result, r.Cubes[0]);
            pnm.Tell(new Simulation.Evaluate(evaluationId, 0, r.Cubes[0], AllProperties, Self));
            StartResendTimer();
        });
        Command<Simulation.Evaluated>(e =>
        {
            if (!finalEvaluations.Remove(e.RequestId, out var f) || failed) return; // stale or duplicate reply
            if (e.Properties is null)
                Context.System.Log.Warning("campaign {0}: chain {1}: the full evaluation of its cube failed ({2}); recorded with its targeted properties only", name, f.Result.Id, e.Error);
            // finite values only: an axis that does not percolate has no k, and JSON has no NaN
            var all = e.Properties is null ? null : Pnm.RockProperties.Names.Select(n => (n, v: e.Properties.Get(n))).Where(p => double.IsFinite(p.v)).ToDictionary(p => p.n, p => p.v);
            Persist(ChainCompleted.Of(f.Result with { AllProperties = all }), c =>
            {
                Telemetry.PorousMetrics.JournalWrites.Add(1);
                done[c.Result.Id] = c.Result;
                if (c.Result.Status == "Succeeded") succeeded++;
                completedHere++;
                finishing.Remove(c.Result.Id);
                Context.System.Log.Info($"chain {c.Result.Id}: {c.Result.Status} after {c.Result.Evaluations} evaluations, {c.Result.Steps} steps, error {c.Result.Error ?? double.NaN:G4}, {c.Result.Seconds:F1} s");
                // one row appended per chain (rewriting the files each time costs O(N²) over a campaign)
                if (!TryOutput(() => ResultsWriter.Append(outputDir, definition!, c.Result))) return;
                Launch();
            });
        });
        Command<GetCampaignProgress>(_ =>
        {
            int total = definition?.Chains.Count ?? 0;
            Sender.Tell(new CampaignProgress(name, total, total - done.Count - running.Count, running.Count, done.Count, succeeded));
        });
        Command<SaveSnapshotSuccess>(_ => { });
        Command<SaveSnapshotFailure>(f => Context.System.Log.Warning("campaign {0}: snapshot not saved ({1})", name, f.Cause.GetBaseException().Message));
    }

    public static Props Props(string name, string outputDir, int latentSize, IActorRef generator, IActorRef pnm, object? autoCommand = null, Action<string>? onFatal = null) =>
        Akka.Actor.Props.Create(() => new ConditioningSupervisor(name, outputDir, latentSize, generator, pnm, autoCommand, onFatal));

    /// <summary>Results files rewritten whole from the journal's finished chains: at start and resume
    /// (so rows appended before a crash but lost, or half-written, are put right) and at the end.</summary>
    bool RewriteOutputs()
    {
        Context.System.Log.Info($"campaign {name}: {definition!.Chains.Count} chains, {done.Count} finished, up to {definition.Concurrency} at a time, policy {definition.Policy}, at most {definition.MaxEvaluations} evaluations per chain; results in {outputDir}");
        return TryOutput(() => ResultsWriter.Write(outputDir, definition!, done.Values));
    }

    string CubePath(string id) => Path.Combine(outputDir, definition!.CubeFile(id));

    void StartResendTimer()
    {
        if (!Timers.IsTimerActive("resend")) Timers.StartPeriodicTimer("resend", ResendCubes.Instance, Chains.ChainActor.RequestTimeoutOf(Context.System));
    }

    bool TryOutput(Action write)
    {
        try { write(); return true; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException or Core.BadInputException)
        {
            Fail($"writing campaign outputs to {outputDir} failed: {e.Message}");
            return false;
        }
    }

    /// <summary>Stops the campaign with a reason for whoever started it; the journal keeps every
    /// accepted step and finished chain, so `campaign resume` continues once the cause is fixed.</summary>
    void Fail(string reason)
    {
        if (failed) return;
        failed = true;
        Context.System.Log.Error("campaign {0} stopped: {1}", name, reason);
        requester?.Tell(new CampaignFailed(reason));
        onFatal?.Invoke(reason);
        foreach (var chain in running.Values) Context.Stop(chain);
        running.Clear();
        Context.Stop(Self);
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        Fail($"journal write failed: {cause.GetBaseException().Message}");
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        Fail($"journal write rejected: {cause.GetBaseException().Message}");
        base.OnPersistRejected(cause, @event, sequenceNr);
    }

    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        Fail(reason is JournalDamagedException ? reason.Message : $"journal is damaged at event {LastSequenceNr + 1} of campaign '{name}': {reason.GetBaseException().Message}");
        base.OnRecoveryFailure(reason, message);
    }

    /// <summary>An unexpected exception would restart the supervisor and leave whoever waits on it
    /// waiting forever: tell them instead.</summary>
    protected override void PreRestart(Exception reason, object message)
    {
        string why = $"campaign supervisor failed: {reason.GetBaseException().Message}";
        requester?.Tell(new CampaignFailed(why));
        onFatal?.Invoke(why);
        base.PreRestart(reason, message);
    }

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
            if (done.ContainsKey(spec.Id) || running.ContainsKey(spec.Id) || finishing.Contains(spec.Id)) continue;
            running[spec.Id] = Context.ActorOf(ChainActor.Resilient(def.Name, spec, latentSize, generator, pnm, def.Policy, def.MaxEvaluations, Self, minBackoff, maxBackoff, def.Prior, def.Surrogate), "chain-" + Uri.EscapeDataString(spec.Id));
        }
        if (running.Count == 0 && cubeRequests.Count == 0 && cubeRewrites.Count == 0 && finalEvaluations.Count == 0 && done.Count == def.Chains.Count)
        {
            ResultsWriter.Write(outputDir, def, done.Values);
            requester?.Tell(new CampaignDone(def, def.Chains.Select(c => done[c.Id]).ToList(), completedHere));
            if (autoCommand is not null) Context.System.Log.Warning("campaign {0}: all {1} chains finished; results in {2}", name, def.Chains.Count, outputDir);
            else Context.System.Log.Info($"campaign {name}: all {def.Chains.Count} chains finished ({succeeded} succeeded); results in {outputDir}");
        }
    }

    /// <summary>Finished chains plus each running chain's own progress (a chain that does not answer
    /// within 5 s, busy or restarting, is shown as running with no progress yet).</summary>
    void LiveStatus()
    {
        var replyTo = Sender;
        var def = definition;
        var results = done.Values.ToList();
        var known = lastProgress;
        var asks = running.Select(kv => kv.Value.Ask<ChainProgress>(GetChainProgress.Instance, TimeSpan.FromSeconds(5))
            .ContinueWith(t =>
            {
                // a chain busy persisting on a loaded machine keeps the progress it last reported, not 0
                if (!t.IsCompletedSuccessfully) return known.GetValueOrDefault(kv.Key) ?? new ChainProgress(kv.Key, 0, 0, null, "Running", false);
                known[kv.Key] = t.Result;
                return t.Result;
            }, TaskScheduler.Default)).ToList();
        // chains that have ended but whose cube is still being written and evaluated are not recorded
        // yet: shown with the evaluations they spent, so the campaign's count never falls back
        var ending = cubeRequests.Values.Concat(finalEvaluations.Values.Select(f => f.Result)).Where(r => finishing.Contains(r.Id))
            .Select(r => new ChainProgress(r.Id, r.Steps, r.Evaluations, r.Error, "Finishing", false, null, r.Properties)).ToList();
        foreach (var id in known.Keys.Where(id => !running.ContainsKey(id)).ToList()) known.TryRemove(id, out _);
        Task.WhenAll(asks).PipeTo(replyTo, success: p => new CampaignStatus(def, results, [.. p, .. ending]));
    }

    void Inspect()
    {
        var replyTo = Sender;
        var unfinished = definition?.Chains.Where(c => !done.ContainsKey(c.Id)).ToList() ?? [];
        var asks = unfinished.Select(spec =>
        {
            var probe = Context.ActorOf(ChainActor.Props(definition!.Name, spec, latentSize, generator, pnm, definition.Policy, definition.MaxEvaluations, inspectOnly: true, reportTo: Self));
            return probe.Ask<ChainProgress>(GetChainProgress.Instance, TimeSpan.FromSeconds(60));
        }).ToList();
        var def = definition;
        var results = done.Values.ToList();
        Task.WhenAll(asks).PipeTo(replyTo, success: p => new CampaignStatus(def, results, p));
    }
}

/// <summary>The campaign's result files: results.csv (one row per chain and target, target vs achieved),
/// properties.csv (one row per chain, every property on every axis) and results.json.</summary>
public static class ResultsWriter
{
    static readonly string[] ResultsHeader = ["id", "seed", "property", "target", "tolerance", "achieved", "abs_error", "within_tolerance", "status", "steps", "evaluations", "seconds", "cube"];
    static string[] PropertiesHeader => ["id", "status", .. Pnm.RockProperties.Names, "cube"];

    /// <summary>Every file, whole, in the definition's chain order.</summary>
    public static void Write(string dir, CampaignDefinition def, IEnumerable<ChainResult> results)
    {
        Directory.CreateDirectory(dir);
        var byId = results.ToDictionary(r => r.Id);
        var ordered = def.Chains.Where(c => byId.ContainsKey(c.Id)).Select(c => byId[c.Id]).ToList();
        AtomicWrite(Path.Combine(dir, "results.csv"), Core.IO.CsvTable.Format(ResultsHeader, ordered.SelectMany(r => TargetRows(def, r))));
        AtomicWrite(Path.Combine(dir, "properties.csv"), Core.IO.CsvTable.Format(PropertiesHeader, ordered.Select(r => PropertiesRow(def, r))));
        AtomicWrite(Path.Combine(dir, "results.json"), JsonSerializer.Serialize(new { campaign = def.Name, model = def.Model, modelSha256 = def.ModelSha256, policy = def.Policy, chains = ordered }, new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>One finished chain's rows appended to results.csv and properties.csv (results.json is
    /// written whole at start, resume and the end).</summary>
    public static void Append(string dir, CampaignDefinition def, ChainResult r)
    {
        Directory.CreateDirectory(dir);
        Core.IO.CsvTable.Write(Path.Combine(dir, "results.csv"), ResultsHeader, TargetRows(def, r), append: true);
        Core.IO.CsvTable.Write(Path.Combine(dir, "properties.csv"), PropertiesHeader, [PropertiesRow(def, r)], append: true);
    }

    /// <summary>results.csv: one row per target, target against achieved.</summary>
    static IEnumerable<string[]> TargetRows(CampaignDefinition def, ChainResult r) =>
        r.Outcomes().Select(o => new[]
        {
            r.Id, r.Seed.ToString(CultureInfo.InvariantCulture), o.Target.Property, G(o.Target.Value), G(o.Target.Tolerance), G(o.Achieved), G(Math.Abs(o.Achieved - o.Target.Value)),
            o.Within ? "true" : "false", r.Status, r.Steps.ToString(CultureInfo.InvariantCulture), r.Evaluations.ToString(CultureInfo.InvariantCulture), G(r.Seconds), def.CubeFile(r.Id),
        });

    /// <summary>properties.csv: every property of the cube on every axis (empty where unknown: a chain
    /// recorded before full evaluations existed, an axis that does not percolate).</summary>
    static string[] PropertiesRow(CampaignDefinition def, ChainResult r) =>
        [r.Id, r.Status, .. Pnm.RockProperties.Names.Select(n => r.AllProperties?.GetValueOrDefault(n, double.NaN) is { } v && double.IsFinite(v) ? G(v) : ""), def.CubeFile(r.Id)];

    static string G(double x) => x.ToString("G9", CultureInfo.InvariantCulture);

    static void AtomicWrite(string path, string text)
    {
        File.WriteAllText(path + ".tmp", text);
        File.Move(path + ".tmp", path, overwrite: true);
    }
}
