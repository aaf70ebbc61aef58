using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace PorousActors.Gan;

/// <summary>
/// The WGAN generator: latent z (batch × latent length) → cube (batch × 1 × N³) in [−1, 1], +1 = pore.
/// The paper's generator maps a 20-vector through a linear layer to a 256-channel seed grid; the
/// convolutional variant (see <see cref="GanArchitecture"/>) maps a latent grid through a 3³
/// convolution. Both then double four times with transposed convolutions.
/// </summary>
public sealed class Generator : Module<Tensor, Tensor>
{
    readonly Module<Tensor, Tensor> first; // paper: Linear ("fc"); convolutional: Conv3d 3³ without padding ("stem")
    readonly Module<Tensor, Tensor> bn0;   // BatchNorm1d per feature (paper) or BatchNorm3d per channel
    readonly StableLeakyReLU act0 = new();
    readonly Sequential up;
    readonly GanArchitecture arch;

    public Generator(GanArchitecture arch) : base(nameof(Generator))
    {
        arch.Validate();
        this.arch = arch;
        int g = arch.SeedGrid, c = GanArchitecture.GeneratorChannels;
        if (arch.IsConvolutional)
        {
            first = Conv3d(arch.Latent, c, 3);
            bn0 = BatchNorm3d(c);
        }
        else
        {
            first = Linear(arch.Latent, c * g * g * g);
            bn0 = BatchNorm1d(c * g * g * g);
        }
        // padding 2 crops the voxels of each doubling that miss an input (no edges: convolutional)
        long pad = arch.IsConvolutional ? 2 : 1;
        var layers = new List<(string, Module<Tensor, Tensor>)>();
        int[] ch = [256, 128, 64, 32, 1];
        for (int i = 0; i < 4; i++)
        {
            layers.Add(($"deconv{i}", ConvTranspose3d(ch[i], ch[i + 1], 4, stride: 2, padding: pad)));
            if (i < 3)
            {
                layers.Add(($"bn{i + 1}", BatchNorm3d(ch[i + 1])));
                layers.Add(($"act{i + 1}", new StableLeakyReLU()));
            }
        }
        layers.Add(("tanh", Tanh()));
        up = Sequential(layers);
        // registered by hand: the first layer's name says what it is, and the paper's file names stay
        register_module(arch.IsConvolutional ? "stem" : "fc", first);
        register_module("bn0", bn0);
        register_module("act0", act0);
        register_module("up", up);
    }

    public GanArchitecture Architecture => arch;

    /// <summary>The paper's generator: z is (batch × Latent). Convolutional: z is (batch × Latent·L³)
    /// or (batch × Latent × L × L × L), and the output edge is 16(L − 2) − 30, uncropped.</summary>
    public override Tensor forward(Tensor z)
    {
        if (arch.IsConvolutional)
        {
            if (z.dim() == 2)
            {
                long cells = z.shape[1] / arch.Latent;
                long l = (long)Math.Round(Math.Cbrt(cells));
                if (l * l * l * arch.Latent != z.shape[1]) throw new ArgumentException($"a latent of {z.shape[1]} values is not {arch.Latent} channels × L³");
                z = z.view(-1, arch.Latent, l, l, l);
            }
            return up.forward(act0.forward(bn0.forward(first.forward(z))));
        }
        int g = arch.SeedGrid;
        var h = act0.forward(bn0.forward(first.forward(z)));
        return up.forward(h.view(-1, GanArchitecture.GeneratorChannels, g, g, g));
    }

    /// <summary>The four transposed convolutions alone, on a 256-channel feature grid (for tests).</summary>
    internal Tensor Doublings(Tensor features) => up.forward(features);

    /// <summary><paramref name="size"/>³ volumes: the forward pass, cropped to its centre when the
    /// convolutional generator's grid makes a little more.</summary>
    public Tensor Sample(Tensor z, int size)
    {
        var y = forward(z);
        long edge = y.shape[2];
        if (edge == size) return y;
        if (edge < size) throw new ArgumentException($"a latent grid making {edge}³ cannot give {size}³");
        long o = (edge - size) / 2;
        return y[.., .., TensorIndex.Slice(o, o + size), TensorIndex.Slice(o, o + size), TensorIndex.Slice(o, o + size)];
    }

    /// <summary>Standard normal latents for <paramref name="batch"/> volumes of <paramref name="size"/>³.</summary>
    public Tensor RandomLatents(int batch, int size, Device device, torch.Generator? noise = null) =>
        randn(batch, arch.LatentLength(size), device: device, generator: noise);

    /// <summary>
    /// Warm start of a convolutional generator from a trained paper generator of the same training
    /// size: the four transposed convolutions and their batch norms are the same shapes and, away
    /// from the edges, the same operation, so they are copied. The stem starts fresh; its batch
    /// norm's scale and shift start at the paper's first-layer values averaged over the seed grid,
    /// so the doublings first see features of the scale they were trained on.
    /// </summary>
    public void TransferFromPaper(Generator paper)
    {
        if (!arch.IsConvolutional || paper.arch.IsConvolutional) throw new ArgumentException("transfer goes from a paper generator to a convolutional one");
        using var noGrad = no_grad();
        up.load_state_dict(paper.up.state_dict());
        var src = (BatchNorm1d)paper.bn0;
        var dst = (BatchNorm3d)bn0;
        int c = GanArchitecture.GeneratorChannels;
        dst.weight!.copy_(src.weight!.view(c, -1).mean([1]));
        dst.bias!.copy_(src.bias!.view(c, -1).mean([1]));
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
        var device = first.parameters().First().device;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        eval();
        if (bn0 is BatchNorm1d perFeature)
        {
            long f = perFeature.num_features;
            var sum = zeros(f, ScalarType.Float64, device);
            var sumSq = zeros(f, ScalarType.Float64, device);
            for (int done = 0; done < latentSamples;)
            {
                int n = Math.Min(1024, latentSamples - done);
                using var inner = NewDisposeScope();
                var y = first.forward(Latents(rng, n, device)).to(ScalarType.Float64);
                sum.PlusInPlace(y.sum([0]));
                sumSq.PlusInPlace(y.square().sum([0]));
                done += n;
            }
            // explicit Scalars: TorchSharp's implicit ones can be finalised mid-call (see TensorArithmetic)
            using var count = ((double)latentSamples).ToScalar();
            using var degrees = ((double)latentSamples - 1).ToScalar();
            using var zero = 0.0.ToScalar();
            var mean = sum.div(count);
            var variance = sumSq.Minus(mean.square().mul(count)).div(degrees); // unbiased, as PyTorch stores it
            perFeature.running_mean!.copy_(mean.to(ScalarType.Float32));
            perFeature.running_var!.copy_(variance.clamp_min(zero).to(ScalarType.Float32));
        }

        // per-channel layers (all of them in the convolutional generator): cumulative average over batches
        var spatial = modules().OfType<BatchNorm3d>().ToList();
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
    Tensor Latents(Random rng, int n, Device device)
    {
        int length = arch.LatentLength(arch.Size);
        return tensor(Core.StandardNormal.Vector(rng, n * length), new long[] { n, length }).to(device);
    }
}
