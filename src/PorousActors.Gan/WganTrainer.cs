using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Serialization;
using PorousActors.Core;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace PorousActors.Gan;

/// <summary>Training settings; the defaults are the paper's (Gulrajani et al. WGAN-GP).</summary>
public sealed record TrainingOptions
{
    [JsonPropertyName("batch")] public int Batch { get; init; } = 8;
    [JsonPropertyName("criticSteps")] public int CriticSteps { get; init; } = 5;
    [JsonPropertyName("lambda")] public double Lambda { get; init; } = 10;
    [JsonPropertyName("criticLr")] public double CriticLr { get; init; } = 1e-4;
    [JsonPropertyName("generatorLr")] public double GeneratorLr { get; init; } = 5e-4;
    [JsonPropertyName("beta1")] public double Beta1 { get; init; } = 0.0;
    [JsonPropertyName("beta2")] public double Beta2 { get; init; } = 0.9;
    [JsonPropertyName("augment")] public bool Augment { get; init; } = true;
    [JsonPropertyName("seed")] public int Seed { get; init; } = 1;
    /// <summary>Decay of the exponential moving average of the generator's weights (0: no EMA copy).
    /// Sampling from the EMA copy smooths the checkpoint-to-checkpoint swings of GAN training.</summary>
    [JsonPropertyName("emaDecay")] public double EmaDecay { get; init; }
    /// <summary>What the critic is shown of a generated cube: "tanh" (the paper: the generator's soft
    /// output) or "binary" (sign of the output, with the straight-through gradient). Generated cubes
    /// are evaluated after thresholding, so a throat that is soft but below the threshold is lost to
    /// the forward model yet looks nearly open to a critic shown the soft output; a critic shown the
    /// binary cube judges exactly what is evaluated. Null (older checkpoints) means "tanh".</summary>
    [JsonPropertyName("criticSees")] public string? CriticSees { get; init; }

    public bool CriticSeesBinary => CriticSees == "binary";
    /// <summary>Weight of the plane-profile term (0: off, the paper). A rock cut at random places has
    /// the same mean porosity in every plane of the cube; a generator can learn not to (low faces,
    /// dips where its upsampling repeats), and the critic does not see it. The term pushes each
    /// plane's porosity against its running deviation from the cube's mean (see <see cref="WganTrainer.ProfileTerm"/>).</summary>
    [JsonPropertyName("profileWeight")] public double ProfileWeight { get; init; }
    /// <summary>Half-life of the generator's learning rate, in generator iterations (0: constant, the
    /// paper). Fine-tuning runs from a warm start improve for 25–50 iterations and then drift; a
    /// decaying rate lets the early gains settle instead of being walked away from.</summary>
    [JsonPropertyName("generatorLrHalfLife")] public double GeneratorLrHalfLife { get; init; }
    /// <summary>Half-life of the critic's learning rate, in generator iterations (0: constant, the
    /// paper). In fine-tuning the drift follows the critic (its Wasserstein estimate climbs while a
    /// decaying generator rate does not stop it), so this slows the critic instead.</summary>
    [JsonPropertyName("criticLrHalfLife")] public double CriticLrHalfLife { get; init; }
    /// <summary>Weight of the lineal-path term (0: off, the paper). The critic lets the generator cut
    /// its pore space short (the lineal path L(r), the chance that r voxels in a row are all pore,
    /// fell to 0.79 of the rock's at 20 voxels while S2 agreed), which is where k is lost. The term is
    /// the squared relative gap between the batch's L(r) and the training rock's at
    /// <see cref="WganTrainer.LinealPathLengths"/>, r = 1 (porosity) included so that it lengthens
    /// the pore runs rather than adding pore.</summary>
    [JsonPropertyName("linealPathWeight")] public double LinealPathWeight { get; init; }
    /// <summary>Segment lengths (voxels, ascending) the lineal-path term compares; null means
    /// <see cref="WganTrainer.LinealPathLengths"/>. L(2) is S2(1), the chance that two neighbours are
    /// both pore, which with L(1) fixes the specific surface: with 2 in the list the term cannot
    /// lengthen the pore runs by coarsening the structure (what it did without), only by joining it.</summary>
    [JsonPropertyName("linealPathLengths")] public int[]? LinealPathLengths { get; init; }

    /// <summary>Weight of the Euler term (0: off, the paper). The generated pore space is split into
    /// more pieces with fewer loops than the rock's (Euler characteristic χ of a 64³ cube: median 6.5
    /// against Berea's −2, KS D 0.23) at the right porosity, throat and pore sizes, and k is about half
    /// the rock's: χ counts exactly the connectivity k needs. The term is λ ((χ̄_batch − χ̄_rock) / σ_rock)²,
    /// with χ 26-connected as <see cref="Core.Metrics.EulerCharacteristic.Compute26"/> (see
    /// <see cref="WganTrainer.EulerTerm"/>).</summary>
    [JsonPropertyName("eulerWeight")] public double EulerWeight { get; init; }

    /// <summary>Weight of the pore-size term (0: off, the paper). The Euler term lowers χ fastest by
    /// merging neighbouring pores into wider ones (mean pore diameter 34.6 → 36.2 µm in 30
    /// iterations) and the lineal-path terms do not stop it. This term anchors the pore-size
    /// distribution itself: E(r), the fraction of voxels whose whole (2r + 1)³ cube is pore (the pores
    /// that survive an erosion by that cube), at <see cref="PoreSizeRadii"/>, as the squared relative
    /// gap between the batch and the training rock (see <see cref="WganTrainer.PoreSizeTerm"/>).</summary>
    [JsonPropertyName("poreSizeWeight")] public double PoreSizeWeight { get; init; }
    /// <summary>Erosion half-widths (voxels, ascending) the pore-size term compares; null means
    /// <see cref="WganTrainer.PoreSizeRadii"/>.</summary>
    [JsonPropertyName("poreSizeRadii")] public int[]? PoreSizeRadii { get; init; }

    /// <summary>Weight of the conductance term (0: off, the paper). At Berea's porosity, surface and
    /// pore and throat sizes the generated cubes carry about half the rock's k: the pore space is cut
    /// into more, less connected pieces. k ∝ d²/F, and with the sizes right what is left is the
    /// formation factor F, the connectivity and tortuosity of the pore space. The term asks for the
    /// rock's effective conductivity at the cube's porosity directly: λ ((mean over the batch of
    /// ln σ_eff less the rock's at that porosity) / the rock's spread about that line)², σ_eff of each
    /// cube thresholded at 0 along one axis per iteration (see <see cref="WganTrainer.ConductanceTerm"/>).</summary>
    [JsonPropertyName("conductanceWeight")] public double ConductanceWeight { get; init; }
    /// <summary>Whether the conductance term weights each pore voxel by the pore around it: conductivity
    /// pore · m², m the pore fraction of its 3³ neighbourhood, so a one-voxel bridge through a wall
    /// conducts ~1 % of a channel's interior, as flow (∝ width²) would, rather than fully, as current
    /// does. Plain conductance was met by thin bridges that raised the surface, not k.</summary>
    [JsonPropertyName("conductanceLocal")] public bool ConductanceLocal { get; init; }
    /// <summary>Whether the conductance term matches the batch's spread of residuals about the rock's
    /// line, not only their mean: the cube with the i-th lowest residual is asked for the rock's
    /// residual quantile at (i + ½)/b. Matching the mean let a few cubes whose pores do not span (far
    /// below the line) be paid for by others above it; Berea's log k spread and percolating fraction
    /// are what the shipped model misses. A Huber loss (quadratic to 2 spreads, linear beyond) keeps
    /// one shut cube from swamping the step (see <see cref="WganTrainer.ConductanceTerm"/>).</summary>
    [JsonPropertyName("conductanceQuantiles")] public bool ConductanceQuantiles { get; init; }

    /// <summary>Weight of the pore-body term (0: off, the paper). Every term that raised k here also
    /// widened the pore bodies (the network's mean inscribed pore diameter), and the erosion anchor
    /// (<see cref="PoreSizeWeight"/>) held the volume-weighted sizes but not the bodies the network
    /// measures. This term measures them: λ ((the batch's mean of each cube's mean inscribed pore
    /// diameter, from the SNOW network of the cube thresholded at 0, less the rock's) / the rock's
    /// spread)² (see <see cref="WganTrainer.PoreBodyTerm"/>).</summary>
    [JsonPropertyName("poreBodyWeight")] public double PoreBodyWeight { get; init; }

    /// <summary>Weight of the surface term (0: off, the paper). In every run that raised k the surface
    /// drifted up once the critic's estimate climbed (S/V the largest KS D on sample A), and the
    /// lineal path's L(2) anchor holds it only weakly: a 10 % error in S/V moves L(2) by ~1 %. This
    /// term measures the interface itself: λ ((the batch's mean fraction of face-adjacent voxel pairs
    /// that are pore on one side and solid on the other, thresholded at 0, less the rock's) / the
    /// rock's spread over cubes)² (see <see cref="WganTrainer.SurfaceTerm"/>).</summary>
    [JsonPropertyName("surfaceWeight")] public double SurfaceWeight { get; init; }

    /// <summary>Weight of the throat term (0: off, the paper). The throats are the goal the shipped model
    /// meets least often (its mean inscribed throat diameter runs ~3 % wide), and the surface term that
    /// narrowed them widened the pore bodies. This term measures them as the forward model does:
    /// λ ((the batch's mean of each cube's mean inscribed throat diameter, from the SNOW network of the
    /// cube thresholded at 0, less the rock's) / the rock's spread)² (see <see cref="WganTrainer.ThroatTerm"/>).</summary>
    [JsonPropertyName("throatWeight")] public double ThroatWeight { get; init; }

    /// <summary>Weight of the spanning term (0: off, the paper). Every term that raised k so far cost
    /// cubes whose pore spans them (the percolating fraction along z fell from 0.95 to 0.91–0.93 against
    /// the rock's 0.97–0.99), and none measured it: λ ((the batch's mean share of axes its cubes'
    /// face-connected pore spans − the rock's) / the rock's spread)², whose gradient only opens the
    /// fewest solid voxels that join an unspanned cube's faces (see <see cref="WganTrainer.SpanningTerm"/>).</summary>
    [JsonPropertyName("spanningWeight")] public double SpanningWeight { get; init; }

    /// <summary>Weight of the porosity term (0: off, the paper). With the k, pore-body and spanning terms
    /// beside it the porosity drifted down through a whole run (median 0.198 to 0.183 against the rock's
    /// 0.199), held only by the lineal path's L(1) as a squared relative error, about 1 for that 8 %
    /// gap. This term weighs it like the others: λ ((the batch's porosity, thresholded at 0, less the
    /// rock's mean over cubes) / the rock's spread of porosity between cubes)²
    /// (see <see cref="WganTrainer.PorosityTerm"/>).</summary>
    [JsonPropertyName("porosityWeight")] public double PorosityWeight { get; init; }

    /// <summary>Whether the porosity term matches the rock's spread of porosity between cubes, not only its
    /// mean: the cube with the i-th lowest porosity in the batch is asked for the rock's expected i-th
    /// lowest of a batch (see <see cref="WganTrainer.PorosityTerm"/>). With the mean alone the generated
    /// cubes' porosity stayed too narrow (SD 0.033 against the rock's 0.042 over 400 cubes) and a batch
    /// mean cannot widen it.</summary>
    [JsonPropertyName("porosityQuantiles")] public bool PorosityQuantiles { get; init; }

    /// <summary>The half-widths the pore-size term uses.</summary>
    public int[] PoreSizeRadiiUsed => PoreSizeRadii ?? WganTrainer.PoreSizeRadii;

    /// <summary>A list of voxel counts given for a term (null: its default) must be ascending whole numbers ≥ 1.</summary>
    static void CheckAscendingVoxels(int[]? values, string what)
    {
        if (values is { } v && (v.Length == 0 || v[0] < 1 || v.Zip(v.Skip(1)).Any(p => p.Second <= p.First)))
            throw new BadInputException($"the {what} must be ascending whole numbers of voxels >= 1, got '{string.Join(",", v)}'");
    }

    /// <summary>The lengths the lineal-path term uses.</summary>
    public int[] LinealPathLengthsUsed => LinealPathLengths ?? WganTrainer.LinealPathLengths;

    public void Validate()
    {
        if (Batch < 1 || Batch > 1024) throw new BadInputException($"batch size must be in 1..1024, got {Batch}");
        if (CriticSteps < 1) throw new BadInputException($"critic steps must be at least 1, got {CriticSteps}");
        if (!(Lambda >= 0) || !(CriticLr > 0) || !(GeneratorLr > 0)) throw new BadInputException("lambda must be >= 0 and learning rates > 0");
        if (!(EmaDecay >= 0 && EmaDecay < 1)) throw new BadInputException($"EMA decay must be in [0, 1), got {EmaDecay}");
        if (!(ProfileWeight >= 0 && ProfileWeight < 1e6)) throw new BadInputException($"the plane-profile weight must be in [0, 1e6), got {ProfileWeight}");
        if (!(GeneratorLrHalfLife >= 0 && GeneratorLrHalfLife < 1e9)) throw new BadInputException($"the learning-rate half-life must be a number of iterations >= 0, got {GeneratorLrHalfLife}");
        if (!(LinealPathWeight >= 0 && LinealPathWeight < 1e6)) throw new BadInputException($"the lineal-path weight must be in [0, 1e6), got {LinealPathWeight}");
        if (!(EulerWeight >= 0 && EulerWeight < 1e6)) throw new BadInputException($"the Euler weight must be in [0, 1e6), got {EulerWeight}");
        if (!(PoreSizeWeight >= 0 && PoreSizeWeight < 1e6)) throw new BadInputException($"the pore-size weight must be in [0, 1e6), got {PoreSizeWeight}");
        if (!(ConductanceWeight >= 0 && ConductanceWeight < 1e6)) throw new BadInputException($"the conductance weight must be in [0, 1e6), got {ConductanceWeight}");
        if (!(PoreBodyWeight >= 0 && PoreBodyWeight < 1e6)) throw new BadInputException($"the pore-body weight must be in [0, 1e6), got {PoreBodyWeight}");
        if (!(SurfaceWeight >= 0 && SurfaceWeight < 1e6)) throw new BadInputException($"the surface weight must be in [0, 1e6), got {SurfaceWeight}");
        if (!(ThroatWeight >= 0 && ThroatWeight < 1e6)) throw new BadInputException($"the throat weight must be in [0, 1e6), got {ThroatWeight}");
        if (!(SpanningWeight >= 0 && SpanningWeight < 1e6)) throw new BadInputException($"the spanning weight must be in [0, 1e6), got {SpanningWeight}");
        if (!(PorosityWeight >= 0 && PorosityWeight < 1e6)) throw new BadInputException($"the porosity weight must be in [0, 1e6), got {PorosityWeight}");
        CheckAscendingVoxels(PoreSizeRadii, "pore-size radii");
        CheckAscendingVoxels(LinealPathLengths, "lineal-path lengths");
        if (!(CriticLrHalfLife >= 0 && CriticLrHalfLife < 1e9)) throw new BadInputException($"the critic's learning-rate half-life must be a number of iterations >= 0, got {CriticLrHalfLife}");
        if (CriticSees is not (null or "tanh" or "binary")) throw new BadInputException($"the critic sees 'tanh' or 'binary', got '{CriticSees}'");
    }
}

/// <summary>One generator iteration's numbers.</summary>
public sealed record IterationStats(int Iteration, double CriticLoss, double GeneratorLoss, double Wasserstein, double GradientPenalty, double Seconds);

/// <summary>
/// WGAN-GP training (Gulrajani et al. 2017): per generator step, <c>CriticSteps</c> critic steps on
/// loss D(fake) − D(real) + λ (‖∇D(x̂)‖ − 1)² with x̂ random interpolates (second-order gradients),
/// then the generator step on −D(G(z)); Adam for both. Every random draw of iteration i comes from
/// seeds derived from (seed, i), so a run resumed from a checkpoint continues exactly.
/// </summary>
public sealed class WganTrainer : IDisposable
{
    const string EmaEntry = "generator-ema.bin", CriticEntry = "critic.bin", OptGEntry = "optimizer-generator.bin", OptDEntry = "optimizer-critic.bin", StateEntry = "state.json";

    public Generator G { get; }
    public Critic D { get; }
    /// <summary>Exponential moving average of G's parameters (null when <c>EmaDecay</c> is 0); its
    /// batch-norm buffers are not averaged: model files calibrate them.</summary>
    public Generator? Ema { get; }
    /// <summary>The network to sample from: the EMA copy when there is one, else G.</summary>
    public Generator Sampler => Ema ?? G;
    readonly Adam optG, optD;
    public GanArchitecture Architecture { get; }
    public TrainingOptions Options { get; }
    public Device Device { get; }
    readonly torch.Generator noise;
    public int Iteration { get; private set; }
    public double WallSeconds { get; private set; }
    public IterationStats? Last { get; private set; }

    public WganTrainer(GanArchitecture arch, TrainingOptions options, Device? device = null)
    {
        arch.Validate(); options.Validate();
        if (options.LinealPathLengthsUsed[^1] > arch.Size)
            throw new BadInputException($"a lineal-path length of {options.LinealPathLengthsUsed[^1]} voxels does not fit in a {arch.Size}³ cube");
        if (2 * options.PoreSizeRadiiUsed[^1] + 1 > arch.Size)
            throw new BadInputException($"a pore-size radius of {options.PoreSizeRadiiUsed[^1]} voxels does not fit in a {arch.Size}³ cube");
        Architecture = arch; Options = options; Device = device ?? CPU;
        // module constructors draw their initial weights from libtorch's global generator: seed and
        // build under one lock, so two trainers in one process never interleave their draws
        lock (TorchRandom.GlobalGate)
        {
            manual_seed(options.Seed);
            G = new Generator(arch); D = new Critic(arch);
            if (options.EmaDecay > 0) Ema = new Generator(arch); // its weights are G's, copied below
        }
        noise = new torch.Generator((ulong)options.Seed, Device);
        G.to(Device); D.to(Device);
        if (Ema is not null)
        {
            Ema.to(Device);
            CopyWeights(G, Ema);
        }
        optG = optim.Adam(G.parameters(), options.GeneratorLr, options.Beta1, options.Beta2);
        optD = optim.Adam(D.parameters(), options.CriticLr, options.Beta1, options.Beta2);
    }

    /// <summary>
    /// Warm start from a shipped generator (whose critic and optimiser state are not kept): copies
    /// its weights and continues its iteration count; the critic starts fresh and catches up.
    /// </summary>
    public void InitGenerator(GeneratorModel model, string? name = null)
    {
        var from = model.Card.Architecture;
        if (from.Size != Architecture.Size || from.Latent != Architecture.Latent)
            throw new BadInputException($"the warm-start generator is a {from.Size}³ model with latent {from.Latent}; this run trains {Architecture.Size}³ with latent {Architecture.Latent}", InputField.InitGenerator);
        if (from.IsConvolutional && !Architecture.IsConvolutional)
            throw new BadInputException("a convolutional generator cannot warm-start the paper's generator", InputField.InitGenerator);
        if (Architecture.IsConvolutional && !from.IsConvolutional)
        {
            // a new network that borrows the paper generator's doublings: its own iteration count starts at 0
            G.TransferFromPaper(model.Network);
            InitialisedFrom = $"transposed convolutions and batch norms from {name ?? "a paper generator"} ({from.Size}³, {model.Card.Iterations} iterations); stem trained from scratch";
        }
        else
        {
            using (no_grad()) G.load_state_dict(model.Network.state_dict());
            Iteration = StartIteration = model.Card.Iterations;
            WallSeconds = model.Card.WallTimeSeconds;
        }
        if (Ema is not null) CopyWeights(G, Ema);
    }

    /// <summary>What the weights started from, when not from scratch (recorded in the model card).</summary>
    public string? InitialisedFrom { get; private set; }

    /// <summary>Gradient penalty (‖∇ₓD(x̂)‖₂ − 1)² averaged over the batch.</summary>
    public static Tensor GradientPenalty(nn.Module<Tensor, Tensor> critic, Tensor real, Tensor fake, Tensor eps)
    {
        // explicit, disposed Scalars: TorchSharp's implicit double→Scalar temporaries can be
        // finalised while a native call still reads them (see StableLeakyReLU)
        using var one = 1.0.ToScalar();
        using var two = 2.0.ToScalar();
        var xhat = (eps * real).Plus(ones_like(eps).Minus(eps) * fake).detach().requires_grad_(true);
        var score = critic.forward(xhat);
        var grad = torch.autograd.grad([score], [xhat], [ones_like(score)], retain_graph: true, create_graph: true)[0];
        // √(‖g‖² + ε), not ‖g‖: the norm's own gradient is 0/0 at g = 0 (a critic flat at an
        // interpolate), which would turn every critic weight into NaN in one step
        using var tiny = 1e-12.ToScalar();
        var norm = grad.reshape(grad.shape[0], -1).square().sum(1).Plus(tiny).sqrt();
        return norm.Minus(one).pow(two).mean();
    }

    /// <summary>The iteration this run's generator started from (0 from scratch; a warm start's own
    /// count): the learning-rate half-life counts from here. Kept in checkpoints.</summary>
    public int StartIteration { get; private set; }

    /// <summary>The generator's learning rate for iteration <paramref name="iteration"/>: GeneratorLr ·
    /// 0.5^((iteration − 1 − StartIteration) / half-life), so the run's first update has the full rate.</summary>
    public double GeneratorLrAt(int iteration) => Decayed(Options.GeneratorLr, Options.GeneratorLrHalfLife, iteration);

    /// <summary>The critic's learning rate for the critic steps of iteration <paramref name="iteration"/>,
    /// on the same schedule (<see cref="TrainingOptions.CriticLrHalfLife"/>); a warm-up runs at the full rate.</summary>
    public double CriticLrAt(int iteration) => Decayed(Options.CriticLr, Options.CriticLrHalfLife, iteration);

    double Decayed(double rate, double halfLife, int iteration) =>
        halfLife > 0 ? rate * Math.Pow(0.5, Math.Max(0, iteration - 1 - StartIteration) / halfLife) : rate;

    /// <summary>The learning rate the generator's optimiser last stepped with.</summary>
    public double GeneratorLearningRate => optG.ParamGroups.First().LearningRate;

    /// <summary>The learning rate the critic's optimiser last stepped with.</summary>
    public double CriticLearningRate => optD.ParamGroups.First().LearningRate;

    /// <summary>Runs one generator iteration (CriticSteps critic updates, one generator update).</summary>
    public IterationStats Step(TrainingData data)
    {
        var sw = Stopwatch.StartNew();
        int it = Iteration + 1, b = Options.Batch, n = Architecture.Size;
        // every draw of iteration i comes from the trainer's own generators, seeded from (seed, i)
        noise.manual_seed(Options.Seed * 1_000_003L + it);
        var rng = new Random(SeedMixer.Derive(Options.Seed, it));
        var batch = new float[b * n * n * n];
        double lossD = 0, wass = 0, gpv = 0;
        G.train(); D.train();
        foreach (var g in optD.ParamGroups) g.LearningRate = CriticLrAt(it);
        for (int k = 0; k < Options.CriticSteps; k++) (lossD, wass, gpv) = CriticStep(data, rng, batch);
        double lossG;
        using (var scope = NewDisposeScope())
        {
            var raw = G.Sample(G.RandomLatents(b, n, Device, noise), n);
            var fake = Shown(raw);
            var loss = -D.forward(fake).mean();
            if (Options.ProfileWeight > 0) loss = loss.Plus(ProfileTerm(raw));
            if (Options.LinealPathWeight > 0) loss = loss.Plus(LinealPathTerm(raw, RockLinealPath(data)));
            if (Options.EulerWeight > 0) loss = loss.Plus(EulerTerm(raw, RockEuler(data)));
            if (Options.PoreSizeWeight > 0) loss = loss.Plus(PoreSizeTerm(raw, RockPoreSize(data)));
            if (Options.ConductanceWeight > 0) loss = loss.Plus(ConductanceTerm(raw, RockConductance(data), ConductanceAxis(it), Options.ConductanceQuantiles ? RockConductanceResiduals : null));
            if (Options.PoreBodyWeight > 0) loss = loss.Plus(PoreBodyTerm(raw, RockPoreBody(data)));
            if (Options.SurfaceWeight > 0) loss = loss.Plus(SurfaceTerm(raw, RockSurface(data)));
            if (Options.ThroatWeight > 0) loss = loss.Plus(ThroatTerm(raw, RockThroat(data)));
            if (Options.SpanningWeight > 0) loss = loss.Plus(SpanningTerm(raw, RockSpanning(data)));
            if (Options.PorosityWeight > 0) loss = loss.Plus(PorosityTerm(raw, RockPorosity(data), Options.PorosityQuantiles ? RockPorosityOrder(b) : null));
            foreach (var g in optG.ParamGroups) g.LearningRate = GeneratorLrAt(it); // GeneratorLr itself without a half-life
            optG.zero_grad();
            loss.backward();
            optG.step();
            lossG = loss.item<float>();
        }
        if (Ema is not null) UpdateEma(Options.EmaDecay);
        Iteration = it;
        WallSeconds += sw.Elapsed.TotalSeconds;
        Last = new IterationStats(it, lossD, lossG, wass, gpv, sw.Elapsed.TotalSeconds);
        return Last;
    }

    (double Loss, double Wasserstein, double Penalty) CriticStep(TrainingData data, Random rng, float[] batch)
    {
        int b = Options.Batch, n = Architecture.Size;
        using var scope = NewDisposeScope();
        data.Sample(rng, batch, b, Options.Augment);
        var real = tensor(batch, new long[] { b, 1, n, n, n }).to(Device);
        Tensor fake;
        using (no_grad()) fake = Shown(G.Sample(G.RandomLatents(b, n, Device, noise), n));
        var dReal = D.forward(real).mean();
        var dFake = D.forward(fake).mean();
        var gp = GradientPenalty(D, real, fake, rand(new long[] { b, 1, 1, 1, 1 }, device: Device, generator: noise));
        using var lambda = Options.Lambda.ToScalar();
        var loss = dFake.Minus(dReal).Plus(gp.mul(lambda));
        optD.zero_grad();
        loss.backward();
        optD.step();
        return (loss.item<float>(), (dReal - dFake).item<float>(), gp.item<float>());
    }

    /// <summary>Running mean porosity by plane position of the generator's soft output, [axis z, y, x][plane]
    /// (null until the first generator step with a profile weight); kept in checkpoints.</summary>
    public double[][]? PlaneProfile { get; private set; }
    const double ProfileDecay = 0.95; // ~20 iterations (160 cubes): a plane's mean to ±0.003

    /// <summary>
    /// λ Σ_axes Σ_planes w_i m_i, where m_i is the batch's mean soft porosity ((x + 1) / 2) in plane i
    /// and w_i the running profile's deviation from its mean (a constant). Its gradient lowers the
    /// planes that have run porous and raises those that have run tight, in proportion to how far;
    /// linear in the batch, so it does not also squeeze the natural plane-to-plane variation within
    /// each cube, as a squared batch deviation would. The running profile is then updated.
    /// </summary>
    public Tensor ProfileTerm(Tensor raw)
    {
        int n = Architecture.Size;
        using var one = 1.0.ToScalar();
        using var half = 0.5.ToScalar();
        using var weight = Options.ProfileWeight.ToScalar();
        var soft = raw.Plus(one).mul(half);
        long[][] dims = [[0, 1, 3, 4], [0, 1, 2, 4], [0, 1, 2, 3]];
        var batch = dims.Select(d => soft.mean(d)).ToArray();          // [n] each
        var now = batch.Select(m => m.detach().cpu().data<float>().Select(v => (double)v).ToArray()).ToArray();
        if (PlaneProfile is null) PlaneProfile = now;
        else
            for (int a = 0; a < 3; a++)
                for (int i = 0; i < n; i++) PlaneProfile[a][i] = ProfileDecay * PlaneProfile[a][i] + (1 - ProfileDecay) * now[a][i];
        Tensor term = zeros(1, device: Device);
        for (int a = 0; a < 3; a++)
        {
            double mean = PlaneProfile[a].Average();
            var w = tensor(PlaneProfile[a].Select(v => (float)(v - mean)).ToArray(), device: Device);
            term = term.Plus((w * batch[a]).sum());
        }
        return term.mul(weight).squeeze();
    }

    /// <summary>Segment lengths (voxels) the lineal-path term compares by default: 1 is the porosity.</summary>
    public static readonly int[] LinealPathLengths = [1, 5, 10, 15, 20];

    /// <summary>Real cubes the rock's lineal path is averaged over (drawn once, seeded from (seed, −2)).</summary>
    const int LinealPathCubes = 256;

    /// <summary>The training rock's L(r) at <see cref="TrainingOptions.LinealPathLengthsUsed"/>, mean over the three axes
    /// (training flips and permutes the axes, so the generator is judged isotropic).</summary>
    public double[]? RockLinealPathValues { get; private set; }

    double[] RockLinealPath(TrainingData data)
    {
        if (RockLinealPathValues is { } known) return known;
        var rng = new Random(SeedMixer.Derive(Options.Seed, -2));
        int[] lengths = Options.LinealPathLengthsUsed;
        int longest = lengths[^1];
        var mean = new double[longest + 1];
        for (int i = 0; i < LinealPathCubes; i++)
        {
            var l = Core.Metrics.LinealPath.Compute(data.Cube(rng.Next(data.Count)), longest);
            for (int r = 0; r <= longest; r++) mean[r] += l[r] / LinealPathCubes;
        }
        return RockLinealPathValues = lengths.Select(r => mean[r]).ToArray();
    }

    /// <summary>The training rock's Euler characteristic per cube (26-connected pores, solid padding):
    /// mean and standard deviation over <see cref="LinealPathCubes"/> cubes drawn once, seeded from
    /// (seed, −3). Null until the first generator step with an Euler weight.</summary>
    public (double Mean, double Sd)? RockEulerValues { get; private set; }

    (double Mean, double Sd) RockEuler(TrainingData data)
    {
        if (RockEulerValues is { } known) return known;
        var rng = new Random(SeedMixer.Derive(Options.Seed, -3));
        var chi = new double[LinealPathCubes];
        for (int i = 0; i < chi.Length; i++) chi[i] = Core.Metrics.EulerCharacteristic.Compute26(data.Cube(rng.Next(data.Count)));
        double mean = chi.Average(), sd = Math.Sqrt(chi.Sum(c => (c - mean) * (c - mean)) / (chi.Length - 1));
        // a rock whose cubes all share one χ still has a scale: one object per cube
        return (RockEulerValues = (mean, Math.Max(sd, 1.0))).Value;
    }

    /// <summary>Erosion half-widths (voxels) the pore-size term compares by default: cubes of 3, 5 and 7
    /// voxels, 16–37 µm at Berea's 5.345 µm, around its mean pore diameter of 34 µm.</summary>
    public static readonly int[] PoreSizeRadii = [1, 2, 3];

    /// <summary>The training rock's E(r) at <see cref="TrainingOptions.PoreSizeRadiiUsed"/> over
    /// <see cref="LinealPathCubes"/> cubes drawn once, seeded from (seed, −4), by the same
    /// <see cref="Erosion"/> the batch is measured with. Null until the first generator step with a
    /// pore-size weight.</summary>
    public double[]? RockPoreSizeValues { get; private set; }

    double[] RockPoreSize(TrainingData data)
    {
        if (RockPoreSizeValues is { } known) return known;
        var rng = new Random(SeedMixer.Derive(Options.Seed, -4));
        int[] radii = Options.PoreSizeRadiiUsed;
        var sum = new double[radii.Length];
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        for (int i = 0; i < LinealPathCubes; i++)
        {
            var cube = data.Cube(rng.Next(data.Count));
            var pore = tensor(cube.Data.Select(b => (float)b).ToArray(), new long[] { 1, 1, cube.Nz, cube.Ny, cube.Nx }, device: Device);
            var e = Erosion(pore, radii);
            for (int k = 0; k < radii.Length; k++) sum[k] += e[k].item<float>() / LinealPathCubes;
        }
        return RockPoreSizeValues = sum;
    }

    /// <summary>
    /// λ Σ_r ((E_batch(r) − E_rock(r)) / E_rock(r))², with the batch's cubes thresholded at 0 (what
    /// the forward model sees) and the straight-through gradient. E is a product over each window, so
    /// its gradient at a voxel is exactly the change when that voxel alone flips: when the pores run
    /// wide it pushes the voxels of all-pore windows towards solid, and when they run narrow it opens
    /// the lone solid voxel that keeps a window from being all pore.
    /// </summary>
    public Tensor PoreSizeTerm(Tensor raw, double[] rock)
    {
        using var weight = Options.PoreSizeWeight.ToScalar();
        var pore = ThresholdedPore(raw);
        var e = Erosion(pore, Options.PoreSizeRadiiUsed);
        Tensor term = zeros(1, device: Device);
        for (int k = 0; k < e.Length; k++)
        {
            // a rock with no window that wide would divide by zero: compare against one voxel's worth
            using var target = Math.Max(rock[k], 1e-6).ToScalar();
            term = term.Plus(e[k].Minus(target).div(target).square());
        }
        return term.mul(weight).squeeze();
    }

    /// <summary>E(r) of the pore indicator <paramref name="pore"/> ([b, 1, z, y, x], values in [0, 1]) at
    /// each half-width in <paramref name="radii"/>: the mean over the positions where a (2r + 1)³ cube
    /// fits of the product of its values, which for a 0/1 image is the fraction of those positions
    /// whose chessboard distance to the solid exceeds r. Separable: products of runs along x, then y,
    /// then z.</summary>
    public static Tensor[] Erosion(Tensor pore, int[] radii)
    {
        var result = new Tensor[radii.Length];
        for (int k = 0; k < radii.Length; k++)
        {
            int w = 2 * radii[k] + 1;
            var window = pore;
            for (int dim = 2; dim <= 4; dim++)
            {
                long n = window.shape[dim];
                if (n < w) throw new ArgumentException($"a window of {w} voxels does not fit along a dimension of {pore.shape[dim]}");
                var run = window.narrow(dim, 0, n - w + 1);
                for (int j = 1; j < w; j++) run = run * window.narrow(dim, j, n - w + 1);
                window = run;
            }
            result[k] = window.mean();
        }
        return result;
    }

    /// <summary>Conductivity of the solid relative to the pore's in the conductance term: small enough
    /// that σ_eff is the pore space's (Berea's 64³ cubes: 0.01–0.1), large enough that a cube whose
    /// pores do not span still conducts, so the term sees where joining two pieces would help.</summary>
    public const double ConductanceSolid = 1e-3;

    /// <summary>Each voxel's conductivity from the pore indicators ([b, 1, z, y, x], 0/1): 1 for pore and
    /// <see cref="ConductanceSolid"/> for solid, or with <see cref="TrainingOptions.ConductanceLocal"/>
    /// the pore's scaled by m², m the pore fraction of its 3³ neighbourhood (outside the cube counts
    /// as solid).</summary>
    public Tensor Conductivities(Tensor pore)
    {
        using var open = (1 - ConductanceSolid).ToScalar();
        using var solid = ConductanceSolid.ToScalar();
        var conducting = pore;
        if (Options.ConductanceLocal)
        {
            var m = nn.functional.avg_pool3d(pore, [3, 3, 3], [1, 1, 1], [1, 1, 1], count_include_pad: true);
            conducting = pore * m.square();
        }
        return conducting.mul(open).Plus(solid);
    }

    /// <summary>Relative residual of the conductance solves: σ_eff to ~0.1 % (measured on Berea cubes).</summary>
    const double ConductanceTolerance = 1e-4;

    /// <summary>Real cubes the rock's conductivity is measured on, along each of the three axes.</summary>
    const int ConductanceCubes = 64;

    /// <summary>The axis (0 z, 1 y, 2 x) the conductance term measures in iteration <paramref name="iteration"/>:
    /// one solve per cube per iteration, every axis in turn (training flips and permutes axes, so
    /// the rock is judged isotropic).</summary>
    public static int ConductanceAxis(int iteration) => iteration % 3;

    /// <summary>The training rock's ln σ_eff against porosity: ln σ_eff ≈ Mean + Slope (φ − PorosityMean),
    /// with Sd the spread about that line.</summary>
    public readonly record struct RockConductivity(double Mean, double Slope, double PorosityMean, double Sd)
    {
        /// <summary>How far ln σ_eff lies above the rock's line at porosity φ.</summary>
        public double Residual(double lnSigma, double porosity) => lnSigma - Mean - Slope * (porosity - PorosityMean);
    }

    /// <summary>The training rock's ln σ_eff against porosity over <see cref="ConductanceCubes"/> cubes
    /// drawn once, seeded from (seed, −5), each along all three axes (least squares). Null until the
    /// first generator step with a conductance weight.</summary>
    public RockConductivity? RockConductanceValues { get; private set; }

    RockConductivity RockConductance(TrainingData data)
    {
        if (RockConductanceValues is { } known) return known;
        var rng = new Random(SeedMixer.Derive(Options.Seed, -5));
        var cubes = Enumerable.Range(0, ConductanceCubes).Select(_ => data.Cube(rng.Next(data.Count))).ToArray();
        double[][] sigmas;
        using (var scope = NewDisposeScope())
        using (no_grad())
            sigmas = cubes.Select(c => Conductivities(tensor(c.Data.Select(v => (float)v).ToArray(), new long[] { 1, 1, c.Nz, c.Ny, c.Nx }, device: Device))
                                         .cpu().data<float>().Select(v => (double)v).ToArray()).ToArray();
        var logs = new double[cubes.Length * 3];
        Parallel.For(0, logs.Length, j =>
        {
            var c = cubes[j / 3];
            logs[j] = Math.Log(Core.Metrics.VoxelConductance.Solve(sigmas[j / 3], c.Nz, c.Ny, c.Nx, j % 3, tolerance: ConductanceTolerance).Conductivity);
        });
        var cubePorosity = cubes.Select(c => c.Data.Average(v => (double)v)).ToArray();
        var phi = Enumerable.Range(0, logs.Length).Select(j => cubePorosity[j / 3]).ToArray();
        double pm = phi.Average(), lm = logs.Average();
        double sxx = phi.Sum(f => (f - pm) * (f - pm)), sxy = phi.Zip(logs).Sum(q => (q.First - pm) * (q.Second - lm));
        double slope = sxx > 0 ? sxy / sxx : 0;
        var line = new RockConductivity(lm, slope, pm, 1);
        double sd = Math.Sqrt(phi.Zip(logs).Sum(q => Math.Pow(line.Residual(q.Second, q.First), 2)) / Math.Max(1, logs.Length - 2));
        RockConductanceResiduals = phi.Zip(logs).Select(q => line.Residual(q.Second, q.First)).Order().ToArray();
        // a rock whose cubes all conduct alike still has a scale: 10 % in σ_eff
        return (RockConductanceValues = line with { Sd = Math.Max(sd, 0.1) }).Value;
    }

    /// <summary>The training rock's residuals about its line (<see cref="RockConductanceValues"/>), one per
    /// cube and axis, ascending; null until the rock is measured.</summary>
    public double[]? RockConductanceResiduals { get; private set; }

    /// <summary>The p-quantile of ascending <paramref name="sorted"/>, its i-th value taken at (i + ½)/m and
    /// linear between (the ends held beyond).</summary>
    public static double Quantile(double[] sorted, double p)
    {
        if (sorted.Length == 0) throw new ArgumentException("no values", nameof(sorted));
        double at = p * sorted.Length - 0.5;
        if (at <= 0) return sorted[0];
        if (at >= sorted.Length - 1) return sorted[^1];
        int i = (int)at;
        return sorted[i] + (at - i) * (sorted[i + 1] - sorted[i]);
    }

    /// <summary>Beyond this many of the rock's spreads the quantile-matching loss grows linearly.</summary>
    public const double ConductanceHuber = 2;

    /// <summary>
    /// λ ((mean over the batch of r) / s_rock)², r = ln σ_eff − (the rock's ln σ_eff at the cube's
    /// porosity), σ_eff along <paramref name="axis"/> of each cube thresholded at 0 (what the forward
    /// model sees; <see cref="Core.Metrics.VoxelConductance"/>, solid at <see cref="ConductanceSolid"/>),
    /// with the straight-through gradient: a voxel's gradient is ∂ ln σ_eff / ∂σᵢ from the solve's own
    /// potentials (the power dissipated there), less the rock line's slope for the porosity it adds.
    /// So where the cubes conduct too little for their porosity it opens the solid voxels across which
    /// the potential drops most (the narrowest throats of the current's path, the gaps between two
    /// pore pieces) and not pore anywhere else: adding porosity does not meet it.
    /// With <paramref name="rockResiduals"/> (<see cref="TrainingOptions.ConductanceQuantiles"/>) the term
    /// is λ mean over the batch of h((r₍ᵢ₎ − q((i + ½)/b)) / s_rock) instead: the cube with the i-th
    /// lowest residual against the rock's quantile at that rank, h(e) = e² within
    /// <see cref="ConductanceHuber"/> spreads and linear beyond, so each cube is pushed towards its
    /// place in the rock's spread, a shut one hardest.
    /// </summary>
    public Tensor ConductanceTerm(Tensor raw, RockConductivity rock, int axis, double[]? rockResiduals = null)
    {
        using var weight = Options.ConductanceWeight.ToScalar();
        using var sd = rock.Sd.ToScalar();
        var pore = ThresholdedPore(raw);
        var sigma = Conductivities(pore);
        long b = pore.shape[0], nz = pore.shape[2], ny = pore.shape[3], nx = pore.shape[4], n = nz * ny * nx;
        var voxels = sigma.detach().cpu().data<float>().ToArray();
        var logs = new float[b];
        var slopes = new float[b * n];
        Parallel.For(0, (int)b, c =>
        {
            var cube = new double[n];
            for (long i = 0; i < n; i++) cube[i] = voxels[c * n + i];
            var r = Core.Metrics.VoxelConductance.Solve(cube, (int)nz, (int)ny, (int)nx, axis, sensitivity: true, tolerance: ConductanceTolerance);
            logs[c] = (float)Math.Log(r.Conductivity);
            for (long i = 0; i < n; i++) slopes[c * n + i] = (float)(r.Sensitivity![i] / r.Conductivity); // ∂ ln σ_eff / ∂σᵢ
        });
        var slope = tensor(slopes, pore.shape, device: Device);
        // the value is ln σ_eff; the gradient flows through the voxel conductivities by the slope
        var lnSigma = tensor(logs, device: Device).Plus((slope * sigma.Minus(sigma.detach())).sum([1, 2, 3, 4]));
        using var mean = rock.Mean.ToScalar();
        using var rockSlope = rock.Slope.ToScalar();
        using var porosityMean = rock.PorosityMean.ToScalar();
        var residual = lnSigma.Minus(pore.mean([1, 2, 3, 4]).Minus(porosityMean).mul(rockSlope).Plus(mean));
        if (rockResiduals is null) return residual.mean().div(sd).square().mul(weight);
        // each cube's target is the rock's quantile at its rank in the batch
        var e = residual.Minus(TargetsByRank(residual, rank => Quantile(rockResiduals, (rank + 0.5) / b))).div(sd);
        using var delta = ConductanceHuber.ToScalar();
        using var twoDelta = (2 * ConductanceHuber).ToScalar();
        using var deltaSquared = (ConductanceHuber * ConductanceHuber).ToScalar();
        var quadratic = e.square();
        var linear = e.abs().mul(twoDelta).Minus(deltaSquared);
        return where(e.abs().le(delta), quadratic, linear).mean().mul(weight);
    }

    /// <summary>The training rock's mean inscribed pore diameter per cube (voxels): mean and spread over
    /// <see cref="ConductanceCubes"/> cubes drawn once, seeded from (seed, −6), by the same SNOW
    /// extraction the batch is measured with. Null until the first generator step with a pore-body weight.</summary>
    public (double Mean, double Sd)? RockPoreBodyValues { get; private set; }

    (double Mean, double Sd) RockPoreBody(TrainingData data) =>
        RockPoreBodyValues ??= RockNetworkMean(data, -6, PoreBodies.MeanDiameter, "pore-body term", "pores");

    /// <summary>The training rock's mean inscribed throat diameter per cube (voxels), as
    /// <see cref="RockPoreBodyValues"/> but seeded from (seed, −8). Null until the first generator step
    /// with a throat weight.</summary>
    public (double Mean, double Sd)? RockThroatValues { get; private set; }

    (double Mean, double Sd) RockThroat(TrainingData data) =>
        RockThroatValues ??= RockNetworkMean(data, -8, Throats.MeanDiameter, "throat term", "throats");

    /// <summary>The training rock's share of axes its cubes' pore spans (<see cref="Spanning.AxisShare"/>),
    /// as <see cref="RockPoreBodyValues"/> but seeded from (seed, −9), its spread floored at 0.1 of a share
    /// (<see cref="RockNetworkMean"/>'s floor). Null until the first generator step with a spanning weight.</summary>
    public (double Mean, double Sd)? RockSpanningValues { get; private set; }

    (double Mean, double Sd) RockSpanning(TrainingData data) =>
        RockSpanningValues ??= RockNetworkMean(data, -9, Spanning.AxisShare, "spanning term", "voxels");

    /// <summary>A per-cube network mean over <see cref="ConductanceCubes"/> training cubes drawn once from
    /// (seed, <paramref name="stream"/>): its mean and spread, the spread at least 0.1 in the measure's
    /// unit (a tenth of a voxel for diameters; a rock whose cubes all share one mean still has a scale).</summary>
    (double Mean, double Sd) RockNetworkMean(TrainingData data, int stream, Func<byte[], int, int, int, float[]?, double> measure, string term, string what)
    {
        var rng = new Random(SeedMixer.Derive(Options.Seed, stream));
        var cubes = Enumerable.Range(0, ConductanceCubes).Select(_ => data.Cube(rng.Next(data.Count))).ToArray();
        var means = new double[cubes.Length];
        Parallel.For(0, cubes.Length, i => means[i] = measure((byte[])cubes[i].Data.Clone(), cubes[i].Nz, cubes[i].Ny, cubes[i].Nx, null));
        var found = means.Where(double.IsFinite).ToArray();
        if (found.Length < 2) throw new BadInputException($"the {term} needs training cubes with {what}: fewer than 2 of the cubes drawn have any");
        double mean = found.Average(), sd = Math.Sqrt(found.Sum(m => (m - mean) * (m - mean)) / (found.Length - 1));
        return (mean, Math.Max(sd, 0.1));
    }

    /// <summary>
    /// λ ((mean over the batch of D̄(cube) − D̄_rock) / σ_rock)², D̄ a cube's mean inscribed pore diameter
    /// (its SNOW network, the cube thresholded at 0: what the forward model sees), with the
    /// straight-through gradient of <see cref="PoreBodies.MeanDiameter"/>: where the bodies run wide it
    /// closes the pore voxels lining each body's inscribed sphere, and where they run narrow it opens
    /// the solid around it; voxels elsewhere are left to the critic and the other terms. Cubes
    /// without pores are left out of the mean.
    /// </summary>
    public Tensor PoreBodyTerm(Tensor raw, (double Mean, double Sd) rock) => NetworkMeanTerm(raw, rock, Options.PoreBodyWeight, PoreBodies.MeanDiameter);

    /// <summary>
    /// λ ((mean over the batch of d̄(cube) − d̄_rock) / σ_rock)², d̄ a cube's mean inscribed throat diameter
    /// (its SNOW network, the cube thresholded at 0), with the straight-through gradient of
    /// <see cref="Throats.MeanDiameter"/>: where the throats run wide it closes the pore lining the
    /// sphere about each throat's deepest interface voxels, and where they run narrow it opens the solid
    /// around them. Cubes without throats are left out of the mean.
    /// </summary>
    public Tensor ThroatTerm(Tensor raw, (double Mean, double Sd) rock) => NetworkMeanTerm(raw, rock, Options.ThroatWeight, Throats.MeanDiameter);

    /// <summary>
    /// λ ((mean over the batch of s(cube) − s_rock) / σ_rock)², s the share of the three axes along which
    /// the cube's face-connected pore (thresholded at 0) joins the first plane to the last, with the
    /// straight-through gradient of <see cref="Spanning.AxisShare"/>: in a cube that does not span an
    /// axis it opens the fewest solid voxels that would join its faces; spanned cubes get no gradient,
    /// so a batch that spans more than the rock is left alone.
    /// </summary>
    public Tensor SpanningTerm(Tensor raw, (double Mean, double Sd) rock) => NetworkMeanTerm(raw, rock, Options.SpanningWeight, Spanning.AxisShare);

    /// <summary>weight ((batch mean of a per-cube network mean − the rock's) / the rock's spread)², the
    /// value measured on the thresholded cubes and the gradient passed through the pore indicators by
    /// the measure's own slope (straight-through).</summary>
    Tensor NetworkMeanTerm(Tensor raw, (double Mean, double Sd) rock, double termWeight, Func<byte[], int, int, int, float[]?, double> measure)
    {
        using var weight = termWeight.ToScalar();
        var pore = ThresholdedPore(raw);
        long b = pore.shape[0], nz = pore.shape[2], ny = pore.shape[3], nx = pore.shape[4], n = nz * ny * nx;
        var voxels = pore.detach().cpu().data<float>().ToArray();
        var means = new double[b];
        var slopes = new float[b * n];
        Parallel.For(0, (int)b, c =>
        {
            var cube = new byte[n];
            for (long i = 0; i < n; i++) cube[i] = voxels[c * n + i] > 0.5f ? (byte)1 : (byte)0;
            var slope = new float[n];
            means[c] = measure(cube, (int)nz, (int)ny, (int)nx, slope);
            if (double.IsFinite(means[c])) slope.CopyTo(slopes, c * n);
        });
        int counted = means.Count(double.IsFinite);
        if (counted == 0) return zeros(1, device: Device).squeeze();
        double value = means.Where(double.IsFinite).Average();
        using var scale = (1.0 / counted).ToScalar();
        using var rockMean = rock.Mean.ToScalar();
        using var sd = rock.Sd.ToScalar();
        var slopeTensor = tensor(slopes, pore.shape, device: Device);
        // the value is the batch's mean; the gradient flows through the pore indicators by the slope
        var batchMean = tensor((float)value, device: Device).Plus((slopeTensor * pore.Minus(pore.detach())).sum().mul(scale));
        return batchMean.Minus(rockMean).div(sd).square().mul(weight);
    }

    /// <summary>The training rock's interface fraction per cube (<see cref="FaceFraction"/>): mean and
    /// spread over <see cref="LinealPathCubes"/> cubes drawn once, seeded from (seed, −7). Null until
    /// the first generator step with a surface weight.</summary>
    public (double Mean, double Sd)? RockSurfaceValues { get; private set; }

    (double Mean, double Sd) RockSurface(TrainingData data)
    {
        if (RockSurfaceValues is { } known) return known;
        var rng = new Random(SeedMixer.Derive(Options.Seed, -7));
        var f = new double[LinealPathCubes];
        for (int i = 0; i < f.Length; i++)
        {
            var c = data.Cube(rng.Next(data.Count));
            using var scope = NewDisposeScope();
            using var pore = tensor(c.Data.Select(v => (float)v).ToArray(), new long[] { 1, 1, c.Nz, c.Ny, c.Nx });
            f[i] = FaceFraction(pore).item<float>();
        }
        double mean = f.Average(), sd = Math.Sqrt(f.Sum(v => (v - mean) * (v - mean)) / (f.Length - 1));
        // a rock whose cubes all share one surface still has a scale: 1 % of it
        return (RockSurfaceValues = (mean, Math.Max(sd, 0.01 * mean))).Value;
    }

    /// <summary>
    /// The fraction of each cube's face-adjacent voxel pairs (along all three axes, inside the cube)
    /// with pore on one side and solid on the other: the voxel interface per pair, proportional to the
    /// specific surface of a voxel image. |a − b| = a + b − 2ab for 0/1 values, so it is multilinear in
    /// each voxel and a voxel's gradient is exactly the change when it alone flips. Returns [b].
    /// </summary>
    public static Tensor FaceFraction(Tensor pore)
    {
        long nz = pore.shape[2], ny = pore.shape[3], nx = pore.shape[4];
        using var two = 2.0.ToScalar();
        Tensor Differ(Tensor a, Tensor b) => a.Plus(b).Minus(a.mul(b).mul(two)).sum([1, 2, 3, 4]);
        var sum = Differ(pore.narrow(2, 0, nz - 1), pore.narrow(2, 1, nz - 1))
                .Plus(Differ(pore.narrow(3, 0, ny - 1), pore.narrow(3, 1, ny - 1)))
                .Plus(Differ(pore.narrow(4, 0, nx - 1), pore.narrow(4, 1, nx - 1)));
        using var pairs = ((double)((nz - 1) * ny * nx + nz * (ny - 1) * nx + nz * ny * (nx - 1))).ToScalar();
        return sum.div(pairs);
    }

    /// <summary>
    /// λ ((mean over the batch of <see cref="FaceFraction"/> − the rock's) / σ_rock)², each cube
    /// thresholded at 0 (what the forward model sees), with the straight-through gradient: where the
    /// batch has too much surface it closes the pore voxels with most solid neighbours and opens the
    /// solid with most pore neighbours (the rough edges and specks), and the reverse where too little.
    /// </summary>
    public Tensor SurfaceTerm(Tensor raw, (double Mean, double Sd) rock)
    {
        using var weight = Options.SurfaceWeight.ToScalar();
        using var mean = rock.Mean.ToScalar();
        using var sd = rock.Sd.ToScalar();
        return FaceFraction(ThresholdedPore(raw)).mean().Minus(mean).div(sd).square().mul(weight);
    }

    /// <summary>The training rock's porosity per cube: mean and spread over <see cref="LinealPathCubes"/>
    /// cubes drawn once, seeded from (seed, −10). Null until the first generator step with a porosity
    /// weight.</summary>
    public (double Mean, double Sd)? RockPorosityValues { get; private set; }

    /// <summary>Those cubes' porosities in ascending order (null until <see cref="RockPorosityValues"/> is set).</summary>
    public double[]? RockPorosities { get; private set; }

    (double Mean, double Sd) RockPorosity(TrainingData data)
    {
        if (RockPorosityValues is { } known) return known;
        var rng = new Random(SeedMixer.Derive(Options.Seed, -10));
        var phi = new double[LinealPathCubes];
        for (int i = 0; i < phi.Length; i++)
        {
            var c = data.Cube(rng.Next(data.Count));
            long pore = 0;
            foreach (byte v in c.Data) pore += v;
            phi[i] = (double)pore / c.Data.Length;
        }
        RockPorosities = phi.Order().ToArray();
        double mean = phi.Average(), sd = Math.Sqrt(phi.Sum(v => (v - mean) * (v - mean)) / (phi.Length - 1));
        // a rock whose cubes all share one porosity still has a scale: 1 % of it
        return (RockPorosityValues = (mean, Math.Max(sd, 0.01 * mean))).Value;
    }

    /// <summary>
    /// The rock's expected porosity of the i-th lowest of <paramref name="batch"/> cubes, i = 0 … batch − 1:
    /// its quantile at Blom's position (i + 1 − 3/8) / (batch + 1/4). That, not (i + ½)/batch, is where the
    /// order statistics of a small sample lie (for 8 cubes the lowest sits near the 7.6 % quantile, not
    /// 6.3 %), so a generator that matches these targets has the rock's spread, not a wider one.
    /// </summary>
    public double[] RockPorosityOrder(int batch)
    {
        var rock = RockPorosities ?? throw new InvalidOperationException("the rock's porosities are measured at the first generator step");
        return Enumerable.Range(0, batch).Select(i => Quantile(rock, (i + 1 - 0.375) / (batch + 0.25))).ToArray();
    }

    /// <summary>
    /// λ ((the batch's porosity − the rock's mean) / σ_rock)², each cube thresholded at 0 (what the
    /// forward model sees), with the straight-through gradient: the porosity is linear in the pore
    /// indicators, so every voxel's gradient is the same, exactly its flip's change (1/N of the batch's
    /// voxels); the critic and the other terms decide which voxels move.
    /// With <paramref name="order"/> (<see cref="TrainingOptions.PorosityQuantiles"/>, the rock's expected
    /// porosity of the i-th lowest cube of a batch) it is λ mean over the batch of ((φ₍ᵢ₎ − order[i]) / σ_rock)²
    /// instead: each cube is pushed towards its place in the rock's spread, the batch's mean and its
    /// spread together (every voxel of a cube alike).
    /// </summary>
    public Tensor PorosityTerm(Tensor raw, (double Mean, double Sd) rock, double[]? order = null)
    {
        using var weight = Options.PorosityWeight.ToScalar();
        using var sd = rock.Sd.ToScalar();
        if (order is null)
        {
            using var mean = rock.Mean.ToScalar();
            return ThresholdedPore(raw).mean().Minus(mean).div(sd).square().mul(weight);
        }
        var phi = ThresholdedPore(raw).mean([1, 2, 3, 4]);
        long b = phi.shape[0];
        if (order.Length != b) throw new ArgumentException($"{order.Length} porosity targets for a batch of {b}");
        return phi.Minus(TargetsByRank(phi, rank => order[rank])).div(sd).square().mean().mul(weight);
    }

    /// <summary>One target per cube of a batch from its rank: the cube with the i-th lowest of
    /// <paramref name="perCube"/> (ties by batch order) gets <paramref name="targetAtRank"/>(i). The
    /// ranks are read from detached values, so no gradient flows through the assignment.</summary>
    Tensor TargetsByRank(Tensor perCube, Func<int, double> targetAtRank)
    {
        var values = perCube.detach().cpu().data<float>().ToArray();
        var byValue = Enumerable.Range(0, values.Length).OrderBy(i => values[i]).ThenBy(i => i).ToArray();
        var targets = new float[values.Length];
        for (int rank = 0; rank < values.Length; rank++) targets[byValue[rank]] = (float)targetAtRank(rank);
        return tensor(targets, device: Device);
    }

    /// <summary>
    /// λ ((mean over the batch of χ(cube) − χ̄_rock) / σ_rock)², with χ of each cube thresholded at 0
    /// (what the forward model sees) and the straight-through gradient. χ is written as a multilinear
    /// polynomial of the pore indicators (<see cref="Euler26"/>), so a voxel's gradient is exactly the
    /// change of χ when that voxel alone flips: the term opens the solid voxels that join two pore
    /// pieces or close a loop, and shuts the isolated specks.
    /// </summary>
    public Tensor EulerTerm(Tensor raw, (double Mean, double Sd) rock)
    {
        using var weight = Options.EulerWeight.ToScalar();
        using var mean = rock.Mean.ToScalar();
        using var sd = rock.Sd.ToScalar();
        var pore = ThresholdedPore(raw);
        return Euler26(pore).mean().Minus(mean).div(sd).square().mul(weight);
    }

    /// <summary>
    /// Euler characteristic of each cube of <paramref name="pore"/> ([b, 1, z, y, x], values in [0, 1]),
    /// 26-connected pores padded by solid: V − E + F − C of the complex of closed pore voxels, where a
    /// lattice vertex, edge or face is in the complex unless every voxel around it is solid. With
    /// s = 1 − pore that is Σ(1 − Π s) over the 8, 4 and 2 voxels around each cell, minus Σ pore for
    /// the cubes: exact for a 0/1 image (equal to <see cref="Core.Metrics.EulerCharacteristic.Compute26"/>)
    /// and multilinear in each voxel. Returns [b].
    /// </summary>
    public static Tensor Euler26(Tensor pore)
    {
        using var one = 1.0.ToScalar();
        var solid = nn.functional.pad(pore.SubtractedFrom(one), [1, 1, 1, 1, 1, 1], PaddingModes.Constant, 1.0);
        // the product of each pair of neighbours along dim: one cell shorter
        static Tensor Pair(Tensor t, int dim) { long n = t.shape[dim]; return t.narrow(dim, 0, n - 1) * t.narrow(dim, 1, n - 1); }
        static Tensor Inner(Tensor t, int dim) => t.narrow(dim, 1, t.shape[dim] - 2); // the voxels, without the padding
        long[] cells = [1, 2, 3, 4];
        Tensor Count(Tensor allSolid) => allSolid.SubtractedFrom(one).sum(cells);
        var vertices = Count(Pair(Pair(Pair(solid, 2), 3), 4));
        var edges = Count(Inner(Pair(Pair(solid, 2), 3), 4))      // along x: 4 voxels around, in y and z
                  .Plus(Count(Inner(Pair(Pair(solid, 2), 4), 3)))  // along y
                  .Plus(Count(Inner(Pair(Pair(solid, 3), 4), 2))); // along z
        var faces = Count(Inner(Inner(Pair(solid, 4), 2), 3))     // normal to x: 2 voxels around
                  .Plus(Count(Inner(Inner(Pair(solid, 3), 2), 4)))
                  .Plus(Count(Inner(Inner(Pair(solid, 2), 3), 4)));
        return vertices.Minus(edges).Plus(faces).Minus(pore.sum(cells));
    }

    /// <summary>
    /// λ Σ_axes Σ_r ((L_batch(r) − L_rock(r)) / L_rock(r))², with L_batch the lineal path of the
    /// batch's cubes thresholded at 0 (what the forward model sees) and the straight-through gradient:
    /// a solid voxel gets a push towards pore in proportion to the open segments it alone shuts.
    /// </summary>
    public Tensor LinealPathTerm(Tensor raw, double[] rock)
    {
        using var weight = Options.LinealPathWeight.ToScalar();
        var pore = ThresholdedPore(raw);
        Tensor term = zeros(1, device: Device);
        for (int axis = 2; axis <= 4; axis++)
        {
            var l = LinealPath(pore, axis, Options.LinealPathLengthsUsed);
            for (int i = 0; i < l.Length; i++)
            {
                using var target = rock[i].ToScalar();
                term = term.Plus(l[i].Minus(target).div(target).square());
            }
        }
        return term.mul(weight).squeeze();
    }

    /// <summary>Lineal path of the pore indicator <paramref name="pore"/> (values in [0, 1]) along tensor
    /// dimension <paramref name="dim"/>, at each of <paramref name="lengths"/> (ascending): the mean
    /// over every position of the product of r consecutive values, which for a 0/1 image is
    /// <see cref="Core.Metrics.LinealPath"/>.</summary>
    public static Tensor[] LinealPath(Tensor pore, int dim, int[] lengths)
    {
        long n = pore.shape[dim];
        var result = new Tensor[lengths.Length];
        var run = pore; // run[x] = Π pore[x .. x + r − 1], for r = 1 first
        int k = 0;
        for (int r = 1; k < lengths.Length && r <= n; r++)
        {
            if (r > 1) run = run.narrow(dim, 0, n - r + 1) * pore.narrow(dim, r - 1, n - r + 1);
            if (lengths[k] == r) result[k++] = run.mean();
        }
        if (k < lengths.Length) throw new ArgumentException($"a segment of {lengths[k]} voxels does not fit along a dimension of {n}");
        return result;
    }

    /// <summary>The generated cube as the critic sees it (<see cref="TrainingOptions.CriticSees"/>).</summary>
    Tensor Shown(Tensor fake) => Options.CriticSeesBinary ? StraightThroughSign(fake) : fake;

    /// <summary>The pore indicator of the cube thresholded at 0 (what the forward model sees): 0/1 in
    /// the forward pass, ½ ∂raw in the backward pass (straight-through).</summary>
    static Tensor ThresholdedPore(Tensor raw)
    {
        using var one = 1.0.ToScalar();
        using var half = 0.5.ToScalar();
        return StraightThroughSign(raw).Plus(one).mul(half);
    }

    /// <summary>sign(x) in the forward pass, the identity in the backward pass (Bengio et al. 2013's
    /// straight-through estimator): x + (sign(x) − x) with the bracket detached.</summary>
    public static Tensor StraightThroughSign(Tensor x) => x.Plus(x.sign().Minus(x).detach());

    /// <summary>
    /// Critic-only steps with the generator frozen: after a warm start the fresh critic first learns
    /// to judge the generator, so the generator's first updates follow a meaningful gradient rather
    /// than a random critic's. Seeded from (seed, −1); returns the last Wasserstein estimate.
    /// </summary>
    public double WarmUpCritic(TrainingData data, int steps, Action<int, double>? progress = null)
    {
        noise.manual_seed(Options.Seed * 1_000_003L - 1);
        var rng = new Random(SeedMixer.Derive(Options.Seed, -1));
        var batch = new float[Options.Batch * Architecture.Size * Architecture.Size * Architecture.Size];
        G.train(); D.train();
        foreach (var g in optD.ParamGroups) g.LearningRate = Options.CriticLr;
        double w = 0;
        for (int k = 1; k <= steps; k++)
        {
            (_, w, _) = CriticStep(data, rng, batch);
            progress?.Invoke(k, w);
        }
        return w;
    }

    static void CopyWeights(Generator from, Generator to)
    {
        using var _ = no_grad();
        to.load_state_dict(from.state_dict());
    }

    void UpdateEma(double decay)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var ema = Ema!.parameters().ToArray();
        var cur = G.parameters().ToArray();
        using var keep = decay.ToScalar();
        using var take = (1 - decay).ToScalar();
        for (int i = 0; i < ema.Length; i++) ema[i].mul_(keep).add_(cur[i], take);
    }

    sealed record CheckpointState(
        [property: JsonPropertyName("architecture")] GanArchitecture Architecture,
        [property: JsonPropertyName("options")] TrainingOptions Options,
        [property: JsonPropertyName("iteration")] int Iteration,
        [property: JsonPropertyName("wallTime_s")] double WallSeconds,
        [property: JsonPropertyName("initialisedFrom")] string? InitialisedFrom = null,
        [property: JsonPropertyName("planeProfile")] double[][]? PlaneProfile = null,
        [property: JsonPropertyName("startIteration")] int StartIteration = 0);

    /// <summary>Writes generator, critic, both optimisers and the iteration counter (atomic replace).</summary>
    public void SaveCheckpoint(string path, ModelCard card)
    {
        string tmp = path + ".tmp";
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        using (var fs = File.Create(tmp))
        using (var zip = new ZipArchive(fs, ZipArchiveMode.Create))
        {
            GeneratorModel.WriteCard(zip, card);
            GeneratorModel.SaveModule(G, zip, GeneratorModel.GeneratorEntry);
            GeneratorModel.SaveModule(D, zip, CriticEntry);
            if (Ema is not null) GeneratorModel.SaveModule(Ema, zip, EmaEntry);
            SaveOptimizer(optG, zip, OptGEntry);
            SaveOptimizer(optD, zip, OptDEntry);
            var e = zip.CreateEntry(StateEntry);
            using var s = e.Open();
            JsonSerializer.Serialize(s, new CheckpointState(Architecture, Options, Iteration, WallSeconds, InitialisedFrom, PlaneProfile, StartIteration));
        }
        File.Move(tmp, path, overwrite: true);
    }

    static void SaveOptimizer(OptimizerHelper opt, ZipArchive zip, string name)
    {
        var e = zip.CreateEntry(name, CompressionLevel.Fastest);
        var ms = new MemoryStream();
        opt.save_state_dict(new BinaryWriter(ms)); // TorchSharp closes the writer; ToArray still works
        using var s = e.Open();
        s.Write(ms.ToArray());
    }

    static void LoadOptimizer(OptimizerHelper opt, ZipArchive zip, string name, string path)
    {
        var e = zip.GetEntry(name) ?? throw new BadInputException($"{path}: checkpoint has no {name}");
        using var ms = new MemoryStream();
        using (var s = e.Open()) s.CopyTo(ms);
        ms.Position = 0;
        try { using var r = new BinaryReader(ms); opt.load_state_dict(r); }
        catch (Exception ex) when (ex is not BadInputException) { throw new BadInputException($"{path}: {name} does not match the model ({ex.Message.Split('\n')[0]})"); }
    }

    /// <summary>Restores a trainer from a checkpoint; the architecture and options come from it.</summary>
    public static WganTrainer Resume(string path, Device? device = null, double? emaDecay = null)
    {
        if (!File.Exists(path)) throw new BadInputException($"{path}: checkpoint not found");
        try
        {
            using var zip = ZipFile.OpenRead(path);
            var stateEntry = zip.GetEntry(StateEntry) ?? throw new BadInputException($"{path}: not a training checkpoint (no {StateEntry}); a model file cannot be resumed");
            CheckpointState state;
            using (var s = stateEntry.Open()) state = JsonSerializer.Deserialize<CheckpointState>(s) ?? throw new BadInputException($"{path}: empty {StateEntry}");
            var options = emaDecay is { } d ? state.Options with { EmaDecay = d } : state.Options;
            var t = new WganTrainer(state.Architecture, options, device);
            GeneratorModel.LoadModule(t.G, zip.GetEntry(GeneratorModel.GeneratorEntry) ?? throw new BadInputException($"{path}: no generator in checkpoint"), path);
            GeneratorModel.LoadModule(t.D, zip.GetEntry(CriticEntry) ?? throw new BadInputException($"{path}: no critic in checkpoint"), path);
            if (t.Ema is not null)
            {
                // a checkpoint from before EMA was switched on starts its average at the current weights
                if (zip.GetEntry(EmaEntry) is { } emaEntry) GeneratorModel.LoadModule(t.Ema, emaEntry, path);
                else CopyWeights(t.G, t.Ema);
            }
            LoadOptimizer(t.optG, zip, OptGEntry, path);
            LoadOptimizer(t.optD, zip, OptDEntry, path);
            t.Iteration = state.Iteration;
            t.WallSeconds = state.WallSeconds;
            t.InitialisedFrom = state.InitialisedFrom;
            t.PlaneProfile = state.PlaneProfile;
            t.StartIteration = state.StartIteration;
            return t;
        }
        catch (InvalidDataException e) { throw new BadInputException($"{path}: corrupt checkpoint ({e.Message})"); }
        catch (JsonException e) { throw new BadInputException($"{path}: corrupt checkpoint state ({e.Message.Split('\n')[0]})"); }
    }

    public void Dispose() { G.Dispose(); D.Dispose(); Ema?.Dispose(); optG.Dispose(); optD.Dispose(); }
}
