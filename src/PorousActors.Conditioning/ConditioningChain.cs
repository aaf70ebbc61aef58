using PorousActors.Core;
using PorousActors.Pnm;

namespace PorousActors.Conditioning;

/// <summary>A batch of candidate latents the chain wants evaluated. <c>Angles</c> is each candidate's
/// angle from the current state; <c>Points</c>, for two-direction policies, where on the sphere it lies.</summary>
public sealed record CandidateBatch(int Step, IReadOnlyList<double> Angles, IReadOnlyList<float[]> Latents, IReadOnlyList<SpherePoint>? Points = null);

/// <summary>
/// The gradual-deformation chain (Hu 2000; the paper's stage 2) as a pure, seedable state machine.
/// Step n draws u_n ~ N(0, I) from (seed, n) and searches t for z(t) = z cos t + u_n sin t, which
/// stays N(0, I) for any t (a two-direction policy also draws a second u and searches the sphere
/// a z + b u₁ + c u₂ instead: <see cref="SphereSearch"/>; with a latent <see cref="Prior"/> the same
/// deformation runs about the mean of z given the targets, with residual draws for z and u). The chain asks for batches (<see cref="Next"/>), is told their
/// properties (<see cref="Report"/>), and accepts the best candidate of a step — or keeps z
/// (t = 0) — so the error never increases (except to accept a candidate that meets every target). It is a deterministic function of (seed, targets,
/// model): stopped after any accepted step and continued from that <see cref="ChainState"/>, it
/// gives the same result. It ends on success, at the evaluation budget, or on cancellation.
/// </summary>
public sealed class ConditioningChain
{
    readonly TargetSet targets;
    readonly Func<ISearchPolicy> newPolicy;
    readonly int latentSize;
    ISearchPolicy? policy;
    Random? stepRng;
    float[]? u, u2; // the step's direction(s); u2 only for two-direction policies
    readonly List<(double T, SpherePoint P, double Error, RockProperties Props)> seen = [];
    CandidateBatch? pending;

    public int MaxEvaluations { get; }
    /// <summary>Local deformation: when set, only these latent entries move (z_i cos t + u_i sin t);
    /// every other entry keeps its value, so the rock they alone make stays as it is. Still N(0, I).</summary>
    public bool[]? Deformable { get; init; }
    public ChainState State { get; private set; }
    public TargetSet Targets => targets;
    /// <summary>Properties of the current latent's cube (null before the first evaluation).</summary>
    public RockProperties? Current { get; private set; }

    /// <summary>Candidates this chain object left without their forward run (<see cref="Screen"/>); not
    /// persisted: a measure of work saved, which never changes the chain's course.</summary>
    public int ScreenedOut { get; private set; }

    /// <summary>Starts a chain at z₀ ~ N(0, I) drawn from the seed, or, given a <paramref name="prior"/>,
    /// at a draw of z given the targets (<see cref="LatentPrior"/>).</summary>
    public ConditioningChain(long seed, TargetSet targets, int latentSize, Func<ISearchPolicy> policy, int maxEvaluations = 200, ConditionalLatent? prior = null)
        : this(new ChainState(seed, 0, Start(seed, latentSize, prior), double.PositiveInfinity, new Dictionary<string, double>(), 0, 0, ChainStatus.Running),
               targets, policy, maxEvaluations, prior) { }

    /// <summary>Continues from a saved state (e.g. recovered from a journal); a chain started with a
    /// prior must continue with the same one to take the same course.</summary>
    public ConditioningChain(ChainState state, TargetSet targets, Func<ISearchPolicy> policy, int maxEvaluations = 200, ConditionalLatent? prior = null)
    {
        if (maxEvaluations < 1) throw new BadInputException($"the evaluation budget must be at least 1, got {maxEvaluations}", InputField.MaxEvaluations);
        State = state; this.targets = targets; newPolicy = policy; latentSize = state.Latent.Length;
        MaxEvaluations = maxEvaluations; Prior = prior;
    }

    /// <summary>The latent surrogate the <see cref="SurrogateChoice"/> policy predicts candidates with
    /// (required by that policy, ignored by the others).</summary>
    public LatentSurrogate? Surrogate { get; init; }

    /// <summary>When set, the chain deforms within z given the targets: mean + r cos t + u sin t, u a
    /// fresh residual draw (<see cref="ConditionalLatent"/>), instead of within N(0, I).</summary>
    public ConditionalLatent? Prior { get; }

    static float[] Start(long seed, int length, ConditionalLatent? prior) =>
        prior is null ? Draw(seed, 0, length) : Add(prior.Mean, DrawResidual(prior, seed, 0, Draw(seed, 0, length), 0xe95));

    // ε of the prior's residual draws has its own stream per step and direction
    static float[] DrawResidual(ConditionalLatent prior, long seed, int step, float[] w, int stream) =>
        prior.Residual(w, new Random(SeedMixer.Derive(seed, step, stream)));

    static float[] Add(float[] a, float[] b) { var r = new float[a.Length]; for (int i = 0; i < r.Length; i++) r[i] = a[i] + b[i]; return r; }
    static float[] Subtract(float[] a, float[] b) { var r = new float[a.Length]; for (int i = 0; i < r.Length; i++) r[i] = a[i] - b[i]; return r; }

    /// <summary>The candidate at angle t (or sphere point p) from the current state, within the prior when there is one.</summary>
    float[] Deform(double t) => Prior is null ? Combine(State.Latent, u!, t, Deformable) : Add(Prior.Mean, Combine(Subtract(State.Latent, Prior.Mean), u!, t));
    float[] Deform(SpherePoint p) => Prior is null ? Combine(State.Latent, u!, u2!, p, Deformable) : Add(Prior.Mean, Combine(Subtract(State.Latent, Prior.Mean), u!, u2!, p));

    public bool Finished => State.Status != ChainStatus.Running;

    /// <summary>N(0, I) draw for step n of a chain (n = 0: the starting latent).</summary>
    public static float[] Draw(long seed, int step, int length) =>
        StandardNormal.Vector(new Random(SeedMixer.Derive(seed, step, 0x5eed)), length);

    /// <summary>The second direction of step n for two-direction policies (its own stream).</summary>
    public static float[] DrawSecond(long seed, int step, int length) =>
        StandardNormal.Vector(new Random(SeedMixer.Derive(seed, step, 0x2d1)), length);

    /// <summary>a z + b u₁ + c u₂ for a point (a, b, c) on the unit sphere (entries outside
    /// <paramref name="deformable"/> keep z's value).</summary>
    public static float[] Combine(float[] z, float[] u1, float[] u2, SpherePoint p, bool[]? deformable = null)
    {
        var r = new float[z.Length];
        float a = (float)p.A, b = (float)p.B, c = (float)p.C;
        for (int i = 0; i < z.Length; i++) r[i] = deformable is null || deformable[i] ? z[i] * a + u1[i] * b + u2[i] * c : z[i];
        return r;
    }

    public static float[] Combine(float[] z, float[] u, double t, bool[]? deformable = null)
    {
        var r = new float[z.Length];
        float c = (float)Math.Cos(t), s = (float)Math.Sin(t);
        for (int i = 0; i < z.Length; i++) r[i] = deformable is null || deformable[i] ? z[i] * c + u[i] * s : z[i];
        return r;
    }

    /// <summary>The next batch to evaluate, or null when the chain has finished.</summary>
    public CandidateBatch? Next()
    {
        if (Finished) return null;
        if (pending is not null) return pending;
        if (State.Step == 0 && State.Evaluations == 0)
        {
            if (newPolicy() is SurrogateChoice) State = State with { Latent = ChooseStart() };
            return pending = new CandidateBatch(0, [0.0], [State.Latent]); // evaluate z₀
        }
        if (policy is null)
        {
            int n = State.Step + 1;
            policy = newPolicy();
            stepRng = new Random(SeedMixer.Derive(State.Seed, n, 0x7a9));
            if (Prior is not null && Deformable is not null) throw new BadInputException("local deformation and a latent prior cannot be combined");
            u = Draw(State.Seed, n, latentSize);
            u2 = policy.Directions == 2 ? DrawSecond(State.Seed, n, latentSize) : null;
            if (policy is SurrogateChoice choice) (u, choice.Angle) = ChooseBySurrogate(n, choice);
            if (Prior is not null)
            {
                u = DrawResidual(Prior, State.Seed, n, u, 0xe95);
                if (u2 is not null) u2 = DrawResidual(Prior, State.Seed, n, u2, 0xe96);
            }
            seen.Clear();
        }
        int budget = MaxEvaluations - State.Evaluations;
        if (u2 is not null)
        {
            var points = budget <= 0 ? [] : policy.NextPoints(stepRng!, seen.Select(s => (s.P, s.Error)).ToList(), State.Error).Take(budget).ToList();
            if (points.Count == 0) { AcceptStep(); return Next(); }
            return pending = new CandidateBatch(State.Step + 1, points.Select(p => p.Angle).ToList(),
                points.Select(Deform).ToList(), points);
        }
        var angles = budget <= 0 ? [] : policy.NextRound(stepRng!, seen.Select(s => (s.T, s.Error)).ToList(), State.Error).Take(budget).ToList();
        if (angles.Count == 0)
        {
            AcceptStep();
            return Next();
        }
        return pending = new CandidateBatch(State.Step + 1, angles, angles.Select(t => Deform(t)).ToList());
    }

    /// <summary>
    /// The direction and angle of step n whose candidate the surrogate gives the best chance of
    /// meeting every target, among <see cref="SurrogateChoice.Directions"/> fresh directions (each
    /// from (seed, n, j)) and ± <see cref="SurrogateChoice.Magnitudes"/> (the independent variant:
    /// t = π/2 only, so each candidate is a fresh draw). It depends only on the state and the seed,
    /// so a chain resumed from a state takes the same course.
    /// </summary>
    (float[] U, double T) ChooseBySurrogate(int n, SurrogateChoice choice)
    {
        var (s, columns) = CheckSurrogate();
        var anchor = Anchor(s, columns);
        float[] bestU = Draw(State.Seed, n, latentSize);
        double bestT = Math.PI / 2;
        var best = (LogP: double.NegativeInfinity, Error: double.PositiveInfinity);
        double[] angles = choice.Independent ? [Math.PI / 2] : SurrogateChoice.Magnitudes.SelectMany(m => new[] { m, -m }).ToArray();
        int directions = choice.Independent ? SurrogateChoice.Directions * SurrogateChoice.Magnitudes.Length * 2 : SurrogateChoice.Directions;
        var dist = new double[s.Latents.Length];
        for (int j = 0; j < directions; j++)
        {
            var uj = StandardNormal.Vector(new Random(SeedMixer.Derive(State.Seed, n, 0x5a00 + j)), latentSize);
            foreach (double t in angles)
            {
                var score = Score(s, columns, Combine(State.Latent, uj, t), anchor, dist);
                if (Better(score, best)) { best = score; bestU = uj; bestT = t; }
            }
        }
        return (bestU, bestT);
    }

    /// <summary>With a surrogate policy, the chain's first latent is the best of
    /// <see cref="SurrogateChoice.StartDraws"/> independent draws from (seed, 0, j) by the surrogate.</summary>
    float[] ChooseStart()
    {
        var (s, columns) = CheckSurrogate();
        var dist = new double[s.Latents.Length];
        float[] bestZ = State.Latent;
        var best = (LogP: double.NegativeInfinity, Error: double.PositiveInfinity);
        for (int j = 0; j < SurrogateChoice.StartDraws; j++)
        {
            var z = StandardNormal.Vector(new Random(SeedMixer.Derive(State.Seed, 0, 0x5b00 + j)), latentSize);
            var score = Score(s, columns, z, null, dist);
            if (Better(score, best)) { best = score; bestZ = z; }
        }
        return bestZ;
    }

    /// <summary>The higher chance of meeting every target wins; on a tie, the smaller predicted error.</summary>
    static bool Better((double LogP, double Error) a, (double LogP, double Error) b) =>
        a.LogP > b.LogP || (a.LogP == b.LogP && a.Error < b.Error);

    /// <summary>The surrogate, checked against this chain, and the column it models each target in.</summary>
    (LatentSurrogate S, int[] Columns) CheckSurrogate()
    {
        var s = Surrogate ?? throw new BadInputException("the surrogate policy needs a latent surrogate (fit one with `porous model surrogate`)");
        if (Prior is not null || Deformable is not null) throw new BadInputException("the surrogate policy cannot be combined with a latent prior or local deformation");
        if (s.LatentSize != latentSize) throw new BadInputException($"the latent surrogate was fitted for a {s.LatentSize}-value latent; this generator has {latentSize}");
        var columns = targets.Targets.Select(t => Array.IndexOf(s.Properties, t.Property)).ToArray();
        var missing = targets.Targets.Where((_, k) => columns[k] < 0).Select(t => t.Property).ToList();
        if (missing.Count > 0)
            throw new BadInputException($"the latent surrogate does not model {string.Join(", ", missing)}; it models {string.Join(", ", s.Properties)}");
        return (s, columns);
    }

    /// <summary>What the current cube measured, as residuals from the surrogate on each target's
    /// property scale (null entries: not measured or not usable, e.g. no log k).</summary>
    double?[] Anchor(LatentSurrogate s, int[] columns)
    {
        var dist = new double[s.Latents.Length];
        s.Distances(State.Latent, dist);
        return targets.Targets.Select((t, k) =>
            State.Properties.TryGetValue(t.Property, out double v) && PropertyBands.Usable([v], t.Property).Count == 1
                ? LatentPrior.ToScale(t.Property, v) - s.Predict(columns[k], dist)
                : (double?)null).ToArray();
    }

    /// <summary>
    /// The surrogate's log chance that the cube at <paramref name="z"/> meets every target (each
    /// property Gaussian about its prediction with the fit's held-out residual spread there, independent),
    /// and its predicted summed squared error. With an <paramref name="anchor"/> the current cube's
    /// residual is added back, fading with distance as the kernel does, and so is the certainty it
    /// gives: near the current latent the chain trusts its measurement, far away the surrogate.
    /// </summary>
    (double LogP, double Error) Score(LatentSurrogate s, int[] columns, float[] z, double?[]? anchor, double[] dist)
    {
        s.Distances(z, dist);
        double move = 0;
        if (anchor is not null)
            for (int i = 0; i < z.Length; i++) { double e = z[i] - State.Latent[i]; move += e * e; }
        double logP = 0, error = 0;
        for (int k = 0; k < targets.Targets.Count; k++)
        {
            var target = targets.Targets[k];
            int c = columns[k];
            var map = s.Maps[c];
            double y = s.Predict(c, dist), sd = s.ResidualSd(c, y);
            if (anchor?[k] is { } r)
            {
                double rho = Math.Exp(-move / (2 * map.LengthScale * map.LengthScale));
                y += rho * r;
                sd *= Math.Sqrt(Math.Max(1 - rho * rho, 1e-6));
            }
            double e = target.NormalisedError(target.LogScale ? Math.Exp(y) : y);
            error += e * e;
            double lo = target.Value - target.Tolerance, hi = target.Value + target.Tolerance;
            if (target.LogScale) { lo = lo > 0 ? Math.Log(lo) : double.NegativeInfinity; hi = Math.Log(hi); }
            double p = Normal(hi, y, sd) - Normal(lo, y, sd);
            logP += Math.Log(Math.Max(p, 1e-300));
        }
        return (logP, error);
    }

    static double Normal(double x, double mean, double sd) =>
        double.IsNegativeInfinity(x) ? 0 : 0.5 * MathNet.Numerics.SpecialFunctions.Erfc(-(x - mean) / (sd * Math.Sqrt(2)));

    /// <summary>
    /// Which candidates of the pending batch need their forward run. Porosity costs a voxel count,
    /// the pore network and flow solve far more; the error is a sum of squares, so a candidate's
    /// porosity term alone bounds its error from below. A candidate is left out when its porosity
    /// misses the porosity target (so it cannot meet every target) and that term alone exceeds the
    /// policy's bound (so it cannot be the step's best or steer the search: see
    /// <see cref="ISearchPolicy.ScreenBound"/>). Report it as null, like a failed evaluation: the
    /// chain then takes exactly the course the full runs would have given it, with fewer runs.
    /// </summary>
    public bool[] Screen(CandidateBatch batch, IReadOnlyList<Volume> cubes)
    {
        if (!ReferenceEquals(batch, pending)) throw new InvalidOperationException("screening a batch the chain is not waiting for");
        var need = Enumerable.Repeat(true, cubes.Count).ToArray();
        var phiTarget = targets.Targets.FirstOrDefault(t => t.Property == "porosity");
        if (batch.Step == 0 || policy is null || phiTarget is null || !targets.Needs.Network) return need;
        double bound = policy.ScreenBound(seen.Select(s => (s.T, s.Error)).ToList(), State.Error);
        if (!(bound < double.PositiveInfinity)) return need;
        for (int i = 0; i < cubes.Count; i++)
        {
            double phi = Core.Metrics.Porosity.Compute(cubes[i]);
            double d = phiTarget.NormalisedError(phi);
            if (Math.Abs(phi - phiTarget.Value) > phiTarget.Tolerance && d * d > bound) { need[i] = false; ScreenedOut++; }
        }
        return need;
    }

    /// <summary>Results for the pending batch, in order; null marks a candidate whose evaluation failed
    /// (or that <see cref="Screen"/> left out).</summary>
    public void Report(CandidateBatch batch, IReadOnlyList<RockProperties?> results)
    {
        if (!ReferenceEquals(batch, pending)) throw new InvalidOperationException("results for a batch the chain is not waiting for");
        if (results.Count != batch.Latents.Count) throw new ArgumentException("one result per candidate expected");
        pending = null;
        int evals = State.Evaluations + results.Count;
        if (batch.Step == 0)
        {
            var p = results[0];
            Current = p;
            double e = p is null ? double.PositiveInfinity : targets.Error(p);
            State = State with { Error = e, Properties = Snapshot(p), Evaluations = evals };
            if (p is not null && targets.Satisfied(p)) State = State with { Status = ChainStatus.Succeeded };
            else if (evals >= MaxEvaluations) State = State with { Status = ChainStatus.NotReached };
            return;
        }
        State = State with { Evaluations = evals };
        for (int i = 0; i < results.Count; i++)
            seen.Add((batch.Angles[i], batch.Points?[i] ?? new SpherePoint(Math.Cos(batch.Angles[i]), Math.Sin(batch.Angles[i]), 0),
                results[i] is { } r ? targets.Error(r) : double.PositiveInfinity, results[i]!));
        // Stop searching this step as soon as a candidate meets every target.
        if (seen.Any(s => s.Props is not null && targets.Satisfied(s.Props))) AcceptStep();
        else if (State.Evaluations >= MaxEvaluations) AcceptStep();
    }

    void AcceptStep()
    {
        // a candidate that meets every target wins over any that does not, even with a larger summed
        // error (with joint targets the smallest sum can belong to a candidate that misses one)
        var best = seen.Where(s => s.Props is not null)
            .OrderBy(s => targets.Satisfied(s.Props) ? 0 : 1).ThenBy(s => s.Error).ThenBy(s => Math.Abs(s.T)).FirstOrDefault();
        int n = State.Step + 1;
        if (best.Props is not null && (best.Error < State.Error || targets.Satisfied(best.Props)))
        {
            Current = best.Props;
            var latent = u2 is null ? Deform(best.T) : Deform(best.P);
            State = State with { Step = n, Latent = latent, Error = best.Error, Properties = Snapshot(best.Props), T = best.T };
        }
        else State = State with { Step = n, T = 0 }; // t = 0: keep z
        policy = null; seen.Clear();
        if (Current is not null && targets.Satisfied(Current)) State = State with { Status = ChainStatus.Succeeded };
        else if (State.Evaluations >= MaxEvaluations) State = State with { Status = ChainStatus.NotReached };
    }

    public void Cancel()
    {
        if (!Finished) { pending = null; State = State with { Status = ChainStatus.Cancelled }; }
    }

    Dictionary<string, double> Snapshot(RockProperties? p)
    {
        var d = new Dictionary<string, double>();
        if (p is null) return d;
        foreach (var t in targets.Targets) d[t.Property] = p.Get(t.Property);
        d["porosity"] = p.Porosity;
        return d;
    }
}
