using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace PorousActors.Gan;

/// <summary>The WGAN generator: latent z (batch × Latent) → cube (batch × 1 × N³) in [−1, 1], +1 = pore.</summary>
public sealed class Generator : Module<Tensor, Tensor>
{
    readonly Linear fc;
    readonly BatchNorm1d bn0;
    readonly StableLeakyReLU act0 = new();
    readonly Sequential up;
    readonly GanArchitecture arch;

    public Generator(GanArchitecture arch) : base(nameof(Generator))
    {
        arch.Validate();
        this.arch = arch;
        int g = arch.SeedGrid, c = GanArchitecture.GeneratorChannels;
        fc = Linear(arch.Latent, c * g * g * g);
        bn0 = BatchNorm1d(c * g * g * g);
        var layers = new List<(string, Module<Tensor, Tensor>)>();
        int[] ch = [256, 128, 64, 32, 1];
        for (int i = 0; i < 4; i++)
        {
            layers.Add(($"deconv{i}", ConvTranspose3d(ch[i], ch[i + 1], 4, stride: 2, padding: 1)));
            if (i < 3)
            {
                layers.Add(($"bn{i + 1}", BatchNorm3d(ch[i + 1])));
                layers.Add(($"act{i + 1}", new StableLeakyReLU()));
            }
        }
        layers.Add(("tanh", Tanh()));
        up = Sequential(layers);
        RegisterComponents();
    }

    public GanArchitecture Architecture => arch;

    public override Tensor forward(Tensor z)
    {
        int g = arch.SeedGrid;
        var h = act0.forward(bn0.forward(fc.forward(z)));
        return up.forward(h.view(-1, GanArchitecture.GeneratorChannels, g, g, g));
    }

    /// <summary>
    /// Re-estimates the batch-norm running statistics that eval-mode sampling uses. Training only
    /// keeps an exponential average of the last ~10 batches of 8: for the first, per-feature layer
    /// (16,384 features at 64³) that leaves each feature's mean off by ~σ/9, a fixed perturbation
    /// that made eval-mode cubes markedly less porous than the ones the critic judged. The first
    /// layer's statistics are computed exactly from <paramref name="latentSamples"/> latents (cheap:
    /// a linear layer); the 3-D layers' as a cumulative average over <paramref name="batches"/>
    /// batches with the layers above already in eval mode. Weights are not touched; the module is
    /// left in eval mode.
    /// </summary>
    public void CalibrateBatchNorm(Random rng, int latentSamples = 16384, int batches = 12, int batchSize = 8)
    {
        if (latentSamples < 2 || batches < 1 || batchSize < 2) throw new ArgumentOutOfRangeException(nameof(latentSamples), "need at least 2 latents, 1 batch of 2");
        var device = fc.weight!.device;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        eval();
        long f = bn0.num_features;
        var sum = zeros(f, ScalarType.Float64, device);
        var sumSq = zeros(f, ScalarType.Float64, device);
        for (int done = 0; done < latentSamples;)
        {
            int n = Math.Min(1024, latentSamples - done);
            using var inner = NewDisposeScope();
            var y = fc.forward(Latents(rng, n, device)).to(ScalarType.Float64);
            sum.add_(y.sum([0]));
            sumSq.add_(y.square().sum([0]));
            done += n;
        }
        var mean = sum / latentSamples;
        var variance = (sumSq - mean.square() * latentSamples) / (latentSamples - 1); // unbiased, as PyTorch stores it
        bn0.running_mean!.copy_(mean.to(ScalarType.Float32));
        bn0.running_var!.copy_(variance.clamp_min(0).to(ScalarType.Float32));

        var spatial = up.modules().OfType<BatchNorm3d>().ToList();
        var momenta = spatial.Select(b => b.momentum).ToList();
        foreach (var b in spatial) { b.reset_running_stats(); b.momentum = null; b.train(); } // null momentum = cumulative average
        for (int i = 0; i < batches; i++)
        {
            using var inner = NewDisposeScope();
            forward(Latents(rng, batchSize, device));
        }
        for (int i = 0; i < spatial.Count; i++) { spatial[i].momentum = momenta[i]; spatial[i].eval(); }
    }

    /// <summary>Restores the batch-norm buffers on dispose: the trainer calibrates a copy of the
    /// statistics for the model file while its checkpoint keeps the training run's own (exact resume).</summary>
    public IDisposable PreserveBatchNormStatistics() => new BufferSnapshot(this);

    sealed class BufferSnapshot : IDisposable
    {
        readonly List<(Tensor Live, Tensor Copy)> saved;
        public BufferSnapshot(Generator g)
        {
            using var noGrad = no_grad();
            saved = g.buffers().Select(b => (b, b.clone().DetachFromDisposeScope())).ToList();
        }
        public void Dispose()
        {
            using var noGrad = no_grad();
            foreach (var (live, copy) in saved) { live.copy_(copy); copy.Dispose(); }
        }
    }

    /// <summary>n latents from the seedable <see cref="Core.StandardNormal"/>, so a calibration is reproducible.</summary>
    Tensor Latents(Random rng, int n, Device device) =>
        tensor(Core.StandardNormal.Vector(rng, n * arch.Latent), new long[] { n, arch.Latent }).to(device);
}
