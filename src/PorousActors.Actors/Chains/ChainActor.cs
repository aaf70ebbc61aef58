using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using PorousActors.Actors.Generation;
using PorousActors.Actors.Simulation;
using PorousActors.Conditioning;
using PorousActors.Pnm;

namespace PorousActors.Actors.Chains;

/// <summary>
/// Journal event: the chain's state after an accepted step (or its end). Compact: the latent and
/// counters the deterministic engine needs, not the volume. Error is null while infinite.
/// </summary>
public sealed record ChainStepPersisted(int Step, float[] Latent, double? Error, Dictionary<string, double> Properties,
    int Evaluations, double T, string Status, double ElapsedSeconds, string? Checksum = null, string? LastFailure = null)
{
    public ChainStepPersisted WithChecksum() => this with { Checksum = EventChecksum.Of(this) };
    public bool Intact => Checksum is null || Checksum == EventChecksum.Of(this);
}

/// <summary>Sent to the parent when the chain ends; <c>Cube</c> is the final latent's cube when the
/// chain still holds it (it evaluated it in this incarnation), else null and the campaign regenerates it.</summary>
public sealed record ChainFinished(ChainResult Result, Core.Volume? Cube = null);
/// <summary>Sent to the campaign when the chain's journal write or recovery failed (the chain then
/// stops; its backoff supervisor starts it again after a write failure).</summary>
public sealed record ChainJournalFailure(string Id, string Reason, bool Fatal);
/// <summary>Asks for the chain's <see cref="ChainProgress"/> (used by status and progress).</summary>
public sealed record GetChainProgress { public static readonly GetChainProgress Instance = new(); }
/// <param name="LastFailure">the last candidate evaluation that kept failing (the forward model's message), if any</param>
public sealed record ChainProgress(string Id, int Step, int Evaluations, double? Error, string Status, bool Recovered, string? LastFailure = null,
    IReadOnlyDictionary<string, double>? Properties = null);

/// <summary>
/// Drives one conditioning chain: asks the GeneratorActor for each candidate batch, spreads the
/// cubes over the PnmActor pool, reports the properties to the engine, and persists every
/// accepted step. After a crash it recovers its last accepted step from the journal and continues
/// from there; since the engine is deterministic, the result equals an uninterrupted run.
/// In inspect mode it only recovers and answers progress queries.
/// </summary>
public sealed class ChainActor : ReceivePersistentActor, IWithTimers
{
    sealed record Continue { public static readonly Continue Instance = new(); }
    sealed record RequestTimeout(long RequestId);

    public ITimerScheduler Timers { get; set; } = null!;
    /// <summary>How long to wait for cubes or evaluations before asking again (a node died with them): porous.request-timeout.</summary>
    readonly TimeSpan requestTimeout = RequestTimeoutOf(Context.System);

    public static TimeSpan RequestTimeoutOf(ActorSystem system) => system.Settings.Config.GetTimeSpan("porous.request-timeout", TimeSpan.FromSeconds(30));

    /// <summary>How long to wait after the <paramref name="resends"/>-th resend of one request: the
    /// timeout, doubling with each resend up to 8×. When queues are long (not a lost node), waiting
    /// longer each time keeps resends from piling duplicate work onto them.</summary>
    public static TimeSpan ResendDelay(TimeSpan timeout, int resends) => timeout * Math.Pow(2, Math.Clamp(resends, 0, 3));

    int resends;
    IReadOnlyList<Core.Volume>? cubes;
    bool[]? received;

    readonly ChainSpec spec;
    readonly TargetSet targets;
    readonly IActorRef generator, pnm;
    readonly string policy;
    readonly int maxEvaluations;
    readonly bool inspectOnly;
    readonly int snapshotEvery, latentSize;
    readonly IActorRef? reportTo;
    readonly LatentPrior? prior;
    readonly LatentSurrogate? surrogate;
    ChainState? recovered;
    double recoveredSeconds;
    bool wasRecovered;
    ConditioningChain? chain;
    CandidateBatch? batch;
    RockProperties?[]? results;
    int outstanding;
    long requestId;
    /// <summary>The cube of the current accepted latent, if evaluated by this incarnation (saves regenerating it at the end).</summary>
    Core.Volume? acceptedCube;
    float[]? acceptedLatent;
    /// <summary>Cubes evaluated in the current step: the step is accepted either in Report or later in
    /// Next (when the policy ends its search), so the accepted candidate is looked up after both.</summary>
    readonly List<(float[] Latent, Core.Volume Cube)> stepCubes = [];
    int stepOfCubes = -1;
    /// <summary>Why the last failed candidate failed; journalled with the next step so `status` shows it.</summary>
    string? lastFailure;
    int persistedStep = -1;
    string persistedStatus = "";
    readonly Stopwatch clock = new();

    public override string PersistenceId { get; }

    /// <param name="prior">the campaign's latent prior, if any: the chain starts and deforms within z given its targets</param>
    /// <param name="surrogate">the campaign's latent surrogate, for the surrogate policies</param>
    public ChainActor(string campaign, ChainSpec spec, int latentSize, IActorRef generator, IActorRef pnm, string policy, int maxEvaluations, bool inspectOnly = false, int snapshotEvery = 25, IActorRef? reportTo = null, LatentPrior? prior = null, LatentSurrogate? surrogate = null)
    {
        this.prior = prior;
        this.surrogate = surrogate;
        this.reportTo = reportTo;
        PersistenceId = $"{campaign}/chain/{spec.Id}";
        this.spec = spec; this.generator = generator; this.pnm = pnm; this.policy = policy;
        this.maxEvaluations = maxEvaluations; this.inspectOnly = inspectOnly; this.snapshotEvery = snapshotEvery; this.latentSize = latentSize;
        targets = TargetSet.Parse([spec.Targets]);

        Recover<ChainStepPersisted>(e =>
        {
            if (!e.Intact) throw new JournalDamagedException($"journal is damaged at event {LastSequenceNr} of chain '{spec.Id}': its content does not match its checksum (edited?)");
            Apply(e);
        });
        Recover<SnapshotOffer>(o =>
        {
            if (o.Snapshot is not ChainStepPersisted s) return;
            if (!s.Intact) throw new JournalDamagedException($"journal is damaged: the snapshot at event {o.Metadata.SequenceNr} of chain '{spec.Id}' does not match its checksum (edited?)");
            Apply(s);
        });
        Recover<RecoveryCompleted>(_ => OnRecovered());

        Command<GetChainProgress>(_ => Sender.Tell(Progress()));
        Command<Continue>(_ => Advance());
        Command<GenerateResponse>(r =>
        {
            if (batch is null || r.RequestId != requestId || cubes is not null) return; // stale or duplicate reply
            cubes = r.Cubes;
            outstanding = r.Cubes.Count;
            results = new RockProperties?[r.Cubes.Count];
            received = new bool[r.Cubes.Count];
            // candidates that cannot change the chain's course get no forward run (reported as null)
            var need = chain!.Screen(batch, r.Cubes);
            for (int i = 0; i < need.Length; i++) if (!need[i]) { received[i] = true; outstanding--; }
            if (outstanding < r.Cubes.Count) Telemetry.PorousMetrics.Screened.Add(r.Cubes.Count - outstanding);
            if (outstanding == 0) { ReportBatch(); return; }
            for (int i = 0; i < r.Cubes.Count; i++) if (need[i]) SendEvaluate(i);
            resends = 0;
            Timers.StartSingleTimer("request", new RequestTimeout(requestId), requestTimeout);
        });
        Command<Evaluated>(e =>
        {
            if (batch is null || results is null || received is null || e.RequestId != requestId || received[e.Index]) return;
            received[e.Index] = true;
            results[e.Index] = e.Properties;
            if (e.Error is not null) lastFailure = e.Error;
            if (--outstanding > 0) return;
            Timers.Cancel("request");
            ReportBatch();
        });
        Command<RequestTimeout>(t =>
        {
            if (batch is null || t.RequestId != requestId) return;
            if (cubes is null)
            {
                generator.Tell(new GenerateRequest(requestId, batch.Latents, Self)); // the generator node may be gone
                Telemetry.PorousMetrics.Resent("cubes");
                Context.System.Log.Warning("chain {0}: no cubes within {1}; asking the generator again", spec.Id, ResendDelay(requestTimeout, resends));
            }
            else
            {
                int lost = 0;
                for (int i = 0; i < received!.Length; i++) if (!received[i]) { SendEvaluate(i); lost++; } // redo lost evaluations elsewhere
                Telemetry.PorousMetrics.Resent("evaluations", lost);
                Context.System.Log.Warning("chain {0}: {1} evaluation(s) unanswered within {2}; sent again", spec.Id, lost, ResendDelay(requestTimeout, resends));
            }
            Timers.StartSingleTimer("request", new RequestTimeout(requestId), ResendDelay(requestTimeout, ++resends));
        });
        Command<SaveSnapshotSuccess>(_ => { });
        Command<SaveSnapshotFailure>(f => Context.System.Log.Warning("chain {0}: snapshot not saved ({1}); recovery replays more events", spec.Id, f.Cause.GetBaseException().Message));
    }

    public static Props Props(string campaign, ChainSpec spec, int latentSize, IActorRef generator, IActorRef pnm, string policy, int maxEvaluations, bool inspectOnly = false, IActorRef? reportTo = null, LatentPrior? prior = null, LatentSurrogate? surrogate = null) =>
        Akka.Actor.Props.Create(() => new ChainActor(campaign, spec, latentSize, generator, pnm, policy, maxEvaluations, inspectOnly, 25, reportTo, prior, surrogate));

    /// <summary>
    /// The chain under a backoff supervisor: if a journal write or recovery fails (the database
    /// restarts, say) Akka.Persistence stops the actor; it is started again after 1 s, 2 s, 4 s…
    /// (at most 30 s), recovers its last accepted step and carries on.
    /// </summary>
    public static Props Resilient(string campaign, ChainSpec spec, int latentSize, IActorRef generator, IActorRef pnm, string policy, int maxEvaluations, IActorRef reportTo,
        TimeSpan? minBackoff = null, TimeSpan? maxBackoff = null, LatentPrior? prior = null, LatentSurrogate? surrogate = null) =>
        Akka.Pattern.BackoffSupervisor.Props(Akka.Pattern.Backoff.OnStop(
            Props(campaign, spec, latentSize, generator, pnm, policy, maxEvaluations, false, reportTo, prior, surrogate), "chain",
            minBackoff ?? TimeSpan.FromSeconds(1), maxBackoff ?? TimeSpan.FromSeconds(30), 0.2, -1));

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        reportTo?.Tell(new ChainJournalFailure(spec.Id, cause.GetBaseException().Message, false));
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        // a rejected write (e.g. the event cannot be serialized) will not succeed on retry
        reportTo?.Tell(new ChainJournalFailure(spec.Id, $"journal write rejected: {cause.GetBaseException().Message}", true));
        base.OnPersistRejected(cause, @event, sequenceNr);
        Context.Stop(Self);
    }

    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        string why = reason is JournalDamagedException ? reason.Message : $"journal is damaged at event {LastSequenceNr + 1} of chain '{spec.Id}': {reason.GetBaseException().Message}";
        reportTo?.Tell(new ChainJournalFailure(spec.Id, why, true));
        base.OnRecoveryFailure(reason, message);
    }

    void Apply(ChainStepPersisted e)
    {
        var status = Enum.Parse<ChainStatus>(e.Status);
        recovered = new ChainState(spec.Seed, e.Step, e.Latent, e.Error ?? double.PositiveInfinity, e.Properties, e.Evaluations, e.T, status);
        recoveredSeconds = e.ElapsedSeconds;
        persistedStep = e.Step; persistedStatus = e.Status;
        lastFailure = e.LastFailure;
        wasRecovered = true;
    }

    void OnRecovered()
    {
        if (inspectOnly) return;
        Func<ISearchPolicy> newPolicy = () => SearchPolicies.Parse(policy);
        // the same prior on recovery, so a resumed chain takes the course it would have taken
        var conditional = prior?.Condition(targets, latentSize);
        chain = recovered is null
            ? new ConditioningChain(spec.Seed, targets, latentSize, newPolicy, maxEvaluations, conditional) { Surrogate = surrogate }
            : new ConditioningChain(recovered, targets, newPolicy, maxEvaluations, conditional) { Surrogate = surrogate };
        clock.Start();
        Self.Tell(Continue.Instance);
    }

    double Elapsed => recoveredSeconds + clock.Elapsed.TotalSeconds;

    void Advance()
    {
        var next = chain!.Next();
        NoteAcceptedCube();
        if (next is not null && next.Step != stepOfCubes) { stepCubes.Clear(); stepOfCubes = next.Step; }
        var s = chain.State;
        string status = s.Status.ToString();
        if (s.Step != persistedStep || status != persistedStatus)
        {
            var ev = new ChainStepPersisted(s.Step, s.Latent, double.IsFinite(s.Error) ? s.Error : null,
                new Dictionary<string, double>(s.Properties), s.Evaluations, s.T, status, Elapsed).WithChecksum() with { LastFailure = lastFailure };
            persistedStep = s.Step; persistedStatus = status;
            Persist(ev, e =>
            {
                Telemetry.PorousMetrics.JournalWrites.Add(1);
                if (LastSequenceNr % snapshotEvery == 0) SaveSnapshot(e);
                Proceed(next);
            });
            return;
        }
        Proceed(next);
    }

    /// <summary>Remembers the cube of the current latent when this incarnation evaluated it.</summary>
    void NoteAcceptedCube()
    {
        var latent = chain!.State.Latent;
        if (acceptedLatent is not null && acceptedLatent.AsSpan().SequenceEqual(latent)) return;
        foreach (var (l, c) in stepCubes)
            if (l.AsSpan().SequenceEqual(latent)) { acceptedCube = c; acceptedLatent = l; return; }
    }

    void Proceed(CandidateBatch? next)
    {
        if (next is null)
        {
            var s = chain!.State;
            (reportTo ?? Context.Parent).Tell(new ChainFinished(new ChainResult(spec.Id, spec.Targets, spec.Seed, s.Status.ToString(), s.Step, s.Evaluations,
                double.IsFinite(s.Error) ? s.Error : null, new Dictionary<string, double>(s.Properties), Elapsed, s.Latent),
                // only a cube known to belong to the final latent; otherwise the campaign regenerates it
                acceptedLatent is not null && acceptedLatent.AsSpan().SequenceEqual(s.Latent) ? acceptedCube : null));
            return;
        }
        batch = next;
        requestId++;
        resends = 0;
        cubes = null;
        generator.Tell(new GenerateRequest(requestId, next.Latents, Self));
        Timers.StartSingleTimer("request", new RequestTimeout(requestId), requestTimeout);
    }

    void ReportBatch()
    {
        chain!.Report(batch!, results!);
        for (int i = 0; i < batch!.Latents.Count; i++) stepCubes.Add((batch.Latents[i], cubes![i]));
        NoteAcceptedCube();
        batch = null; results = null; cubes = null; received = null;
        Advance();
    }

    void SendEvaluate(int i) => pnm.Tell(new Evaluate(requestId, i, cubes![i], targets.Needs, Self));

    ChainProgress Progress()
    {
        var s = chain?.State ?? recovered;
        return new ChainProgress(spec.Id, s?.Step ?? 0, s?.Evaluations ?? 0, s is null || !double.IsFinite(s.Error) ? null : s.Error,
            s?.Status.ToString() ?? "Pending", wasRecovered, lastFailure, s is null ? null : new Dictionary<string, double>(s.Properties));
    }
}
