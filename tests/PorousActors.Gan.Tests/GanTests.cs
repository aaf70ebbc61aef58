using PorousActors.Core.Metrics;
using PorousActors.Core;
using PorousActors.Core.Generators;
using PorousActors.Gan;
using PorousActors.Pnm.Extraction;
using TorchSharp;
using static TorchSharp.torch;

namespace PorousActors.Gan.Tests;

/// <summary>libtorch's default random generator is process-wide: training steps reseed it and draw
/// from it, so tests that create modules or draw tensors must not run beside them.</summary>
public static class TorchRng { public const string Collection = "libtorch global RNG"; }

[Collection(TorchRng.Collection)]
public class ArchitectureTests
{
    [Fact]
    public void PaperNetworksHaveThePublishedParameterCounts()
    {
        var arch = new GanArchitecture(128);
        using var g = new Gan.Generator(arch);
        using var d = new Critic(arch);
        Assert.Equal(5_769_889, ParameterCount.Of(g));
        Assert.Equal(820_841, ParameterCount.Of(d));
    }

    [Theory]
    [InlineData(32, "paper")]
    [InlineData(64, "paper")]
    [InlineData(32, "lean")]
    [InlineData(64, "lean")]
    public void GeneratorMakesCubesInMinusOneToOneAndCriticScoresThem(int size, string critic)
    {
        using var scope = NewDisposeScope();
        var arch = new GanArchitecture(size, 20, critic);
        using var g = new Gan.Generator(arch);
        using var d = new Critic(arch);
        g.eval();
        var x = g.forward(randn(2, 20));
        Assert.Equal(new long[] { 2, 1, size, size, size }, x.shape);
        Assert.True(x.min().item<float>() >= -1 && x.max().item<float>() <= 1);
        Assert.Equal(new long[] { 2 }, d.forward(x).shape);
    }

    [Fact]
    public void UnsupportedSizesAreRefused()
    {
        Assert.Throws<BadInputException>(() => new Gan.Generator(new GanArchitecture(48)));
        Assert.Throws<BadInputException>(() => new Critic(new GanArchitecture(64, 20, "huge")));
    }
}

[Collection(TorchRng.Collection)]
public class GradientPenaltyTests
{
    /// <summary>A linear critic, w·x + 3 over the 2³ cube: its gradient is its weight everywhere.
    /// Written out rather than as a 1→1-channel Conv3d: libtorch 2.10's oneDNN computes the input
    /// gradient of a single-channel-in, single-channel-out convolution wrongly at random on CPU
    /// (elements zeroed; see <see cref="TheCriticsConvolutionsHaveTheInputGradientsOfDoublePrecision"/>
    /// for the shapes our critics use, which are not affected).</summary>
    sealed class LinearCritic : nn.Module<Tensor, Tensor>
    {
        readonly TorchSharp.Modules.Parameter weight;
        public LinearCritic(float w) : base("lin")
        {
            weight = new TorchSharp.Modules.Parameter(full(new long[] { 1, 1, 2, 2, 2 }, w));
            register_parameter("weight", weight);
        }
        public override Tensor forward(Tensor x)
        {
            using var three = 3.0.ToScalar();
            return (x * weight).reshape(x.shape[0], -1).sum(1).add(three);
        }
    }

    /// <summary>The input gradient (what the gradient penalty and the generator's update read) of
    /// each kind of convolution in our critics, in float32 as trained, against float64 (a
    /// different kernel path).</summary>
    [Theory]
    [InlineData(1, 16, 3, 1, 1, 16)]  // first layer: one channel in, full resolution
    [InlineData(16, 32, 3, 1, 1, 8)]
    [InlineData(64, 64, 4, 2, 1, 8)]  // downsampling
    [InlineData(64, 1, 4, 2, 1, 4)]   // score: one channel out
    public void TheCriticsConvolutionsHaveTheInputGradientsOfDoublePrecision(int cin, int cout, int k, int stride, int pad, int n)
    {
        using var scope = NewDisposeScope();
        var c32 = nn.Conv3d(cin, cout, k, stride: stride, padding: pad);
        var c64 = nn.Conv3d(cin, cout, k, stride: stride, padding: pad);
        using (no_grad()) { c64.weight!.copy_(c32.weight!); c64.bias!.copy_(c32.bias!); }
        c64.to(ScalarType.Float64);
        var x = randn(new long[] { 2, cin, n, n, n });
        var xf = x.detach().requires_grad_(true);
        var xd = x.to(ScalarType.Float64).detach().requires_grad_(true);
        var gf = torch.autograd.grad([c32.forward(xf).sum()], [xf])[0].to(ScalarType.Float64);
        var gd = torch.autograd.grad([c64.forward(xd).sum()], [xd])[0];
        double diff = (gf - gd).abs().max().item<double>(), scale = gd.abs().max().item<double>();
        Assert.True(diff < 1e-4 * scale, $"largest |float32 − float64| input gradient {diff} against {scale}");
    }

    [Fact]
    public void PenaltyOfALinearCriticIsItsWeightNormMinusOneSquared()
    {
        using var scope = NewDisposeScope();
        var critic = new LinearCritic(0.5f); // 8 weights of 0.5: gradient norm sqrt(2)
        var real = randn(new long[] { 3, 1, 2, 2, 2 });
        var fake = randn(new long[] { 3, 1, 2, 2, 2 });
        var gp = WganTrainer.GradientPenalty(critic, real, fake, rand(new long[] { 3, 1, 1, 1, 1 })).item<float>();
        Assert.Equal(Math.Pow(Math.Sqrt(2) - 1, 2), gp, 5);
    }

    [Fact]
    public void PenaltyOfACriticFlatAtTheInterpolatesHasAFiniteGradient()
    {
        // zero weights: ∇ₓD = 0 at every interpolate, where ‖g‖'s own gradient is 0/0; the penalty
        // is 1 and the critic's update must stay a number (a NaN here poisoned a whole training run)
        using var scope = NewDisposeScope();
        var critic = new LinearCritic(0f);
        var gp = WganTrainer.GradientPenalty(critic, randn(new long[] { 2, 1, 2, 2, 2 }), randn(new long[] { 2, 1, 2, 2, 2 }), rand(new long[] { 2, 1, 1, 1, 1 }));
        Assert.Equal(1, gp.item<float>(), 5);
        gp.backward();
        Assert.All(critic.parameters().SelectMany(p => p.grad!.data<float>().ToArray()), g => Assert.True(float.IsFinite(g)));
    }

    [Fact]
    public void PenaltyIsDifferentiableForTheCriticUpdate()
    {
        using var scope = NewDisposeScope();
        var critic = new LinearCritic(0.5f);
        var gp = WganTrainer.GradientPenalty(critic, randn(new long[] { 2, 1, 2, 2, 2 }), randn(new long[] { 2, 1, 2, 2, 2 }), rand(new long[] { 2, 1, 1, 1, 1 }));
        gp.backward();
        // d/dw (‖w‖ − 1)² = 2 (‖w‖ − 1) w / ‖w‖ for each of the 8 weights
        float expected = (float)(2 * (Math.Sqrt(2) - 1) * 0.5 / Math.Sqrt(2));
        var grad = critic.parameters().First(p => p.dim() == 5).grad!;
        Assert.All(grad.data<float>().ToArray(), g => Assert.Equal(expected, g, 4));
    }
}

[Collection(TorchRng.Collection)]
public sealed class TrainingTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("porous-gan-").FullName;
    public void Dispose() => Directory.Delete(dir, true);

    static TrainingData Data() => new([GaussianBlobs.Generate(40, 0.3, 2, 1, 5e-6)], 32, 8);
    static TrainingOptions Options => new() { Batch = 2, CriticSteps = 2, Seed = 7 };

    static float[] Weights(nn.Module m) => m.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();

    [Fact]
    public void StrideYieldsTheExpectedCubeCount()
    {
        // (40 - 32) / 8 + 1 = 2 origins per axis
        Assert.Equal(8, Data().Count);
        Assert.Throws<BadInputException>(() => new TrainingData([GaussianBlobs.Generate(20, 0.3, 2, 1, 5e-6)], 32, 8));
    }

    [Fact]
    public void SmokeTrainingRunsAndLossesAreFinite()
    {
        using var t = new WganTrainer(new GanArchitecture(32, 20, "lean"), Options);
        var data = Data();
        for (int i = 0; i < 3; i++)
        {
            var s = t.Step(data);
            Assert.True(double.IsFinite(s.CriticLoss) && double.IsFinite(s.GeneratorLoss) && s.GradientPenalty >= 0);
        }
        Assert.Equal(3, t.Iteration);
    }

    [Fact]
    public async Task TrainingRandomnessDoesNotDependOnWhatElseUsesLibtorch()
    {
        // each trainer draws its noise from its own torch.Generator: a run while other code keeps
        // re-seeding and drawing from libtorch's global generator ends with the same weights as alone
        var arch = new GanArchitecture(32, 20, "lean");
        var data = Data();
        float[] alone;
        using (var t = new WganTrainer(arch, Options)) { t.Step(data); t.Step(data); alone = Weights(t.G); }
        using var trainer = new WganTrainer(arch, Options);
        using var stop = new CancellationTokenSource();
        var noise = Task.Run(() =>
        {
            for (long i = 0; !stop.IsCancellationRequested; i++)
            {
                torch.manual_seed(i);
                using var x = torch.randn(1000);
            }
        });
        trainer.Step(data); trainer.Step(data);
        stop.Cancel();
        await noise;
        double maxDiff = alone.Zip(Weights(trainer.G)).Max(p => Math.Abs(p.First - p.Second));
        Assert.True(maxDiff < 1e-4, $"weights differ by up to {maxDiff}");
    }

    [Fact]
    public void ResumedRunContinuesLikeAnUninterruptedOne()
    {
        var arch = new GanArchitecture(32, 20, "lean");
        var data = Data();
        float[] straight;
        using (var t = new WganTrainer(arch, Options)) { t.Step(data); t.Step(data); straight = Weights(t.G); }

        string ckpt = Path.Combine(dir, "a.ckpt");
        using (var t = new WganTrainer(arch, Options))
        {
            t.Step(data);
            t.SaveCheckpoint(ckpt, new ModelCard { Architecture = arch, VoxelSize = 5e-6 });
        }
        using var r = WganTrainer.Resume(ckpt);
        Assert.Equal(1, r.Iteration);
        r.Step(data);
        var resumed = Weights(r.G);
        Assert.Equal(straight.Length, resumed.Length);
        double maxDiff = straight.Zip(resumed).Max(p => Math.Abs(p.First - p.Second));
        Assert.True(maxDiff < 1e-4, $"weights differ by up to {maxDiff}");
    }

    [Fact]
    public void StraightThroughSignIsTheSignForwardAndTheIdentityBackward()
    {
        using var x = torch.tensor(new float[] { -0.7f, -0.01f, 0.02f, 0.9f }).requires_grad_(true);
        using var w = torch.tensor(new float[] { 1f, 2f, 3f, 4f });
        var y = WganTrainer.StraightThroughSign(x);
        Assert.Equal(new float[] { -1f, -1f, 1f, 1f }, y.data<float>().ToArray());
        (y * w).sum().backward();
        Assert.Equal(new float[] { 1f, 2f, 3f, 4f }, x.grad!.data<float>().ToArray());
    }

    [Fact]
    public void ABinaryCriticRunTrainsResumesAndSamplesAsItWasJudged()
    {
        var arch = new GanArchitecture(32, 20, "lean");
        var data = Data();
        var binary = Options with { CriticSees = "binary" };
        float[] soft, straight;
        using (var t = new WganTrainer(arch, Options)) { t.Step(data); soft = Weights(t.G); }
        using (var t = new WganTrainer(arch, binary)) { t.Step(data); t.Step(data); straight = Weights(t.G); }
        // the first step already differs: the critic was shown other cubes
        string ckpt = Path.Combine(dir, "b.ckpt");
        using (var t = new WganTrainer(arch, binary))
        {
            t.Step(data);
            Assert.True(Weights(t.G).Zip(soft).Max(p => Math.Abs(p.First - p.Second)) > 1e-6);
            var run = new TrainingRun(t, data, dir, "blobs");
            var card = run.Card();
            Assert.Equal(("binary", 0f, false), (card.CriticSees, card.Threshold, card.MedianFilter));
            t.SaveCheckpoint(ckpt, card);
        }
        using var r = WganTrainer.Resume(ckpt);
        Assert.True(r.Options.CriticSeesBinary);
        r.Step(data);
        Assert.True(straight.Zip(Weights(r.G)).Max(p => Math.Abs(p.First - p.Second)) < 1e-4);
        Assert.Contains("'tanh' or 'binary'", Assert.Throws<BadInputException>(() => new WganTrainer(arch, Options with { CriticSees = "sharp" })).Message);
    }

    [Fact]
    public void ThePlaneProfileTermLowersPorousPlanesAndRaisesTightOnes()
    {
        var arch = new GanArchitecture(32, 20, "lean");
        using var t = new WganTrainer(arch, Options with { ProfileWeight = 10 });
        // a batch whose plane z = 0 is all pore and every other voxel solid: the running profile
        // starts at this batch's, so plane 0 stands out along z and the y and x profiles are flat
        var data = new float[2 * 32 * 32 * 32];
        Array.Fill(data, -1f);
        for (int b = 0; b < 2; b++) for (int i = 0; i < 32 * 32; i++) data[b * 32 * 32 * 32 + i] = 1f;
        using var raw = torch.tensor(data, new long[] { 2, 1, 32, 32, 32 }).requires_grad_(true);
        var term = t.ProfileTerm(raw);
        term.backward();
        var g = raw.grad!.data<float>().ToArray();
        double wPlane0 = 1 - 1.0 / 32, wOther = -1.0 / 32;             // deviation from the profile's mean
        double scale = 10 * 0.5 / (2 * 32 * 32);                        // λ · d(soft)/d(raw) / voxels per plane
        Assert.Equal(wPlane0 * scale, g[0], 6);                         // plane 0: descent lowers it
        Assert.Equal(wOther * scale, g[32 * 32 * 5 + 7], 6);            // plane 5: descent raises it
        Assert.Equal(new double[] { 1, 1.0 / 32, 1.0 / 32 }, t.PlaneProfile!.Select(a => a[0]).ToArray()); // each y or x plane holds one pore row of 32
        // the running profile moves by 5 % towards each new batch
        using var flat = torch.zeros(new long[] { 2, 1, 32, 32, 32 });
        t.ProfileTerm(flat).Dispose();
        Assert.Equal(0.95 * 1 + 0.05 * 0.5, t.PlaneProfile![0][0], 6);
        Assert.Contains("plane-profile weight", Assert.Throws<BadInputException>(() => new WganTrainer(arch, Options with { ProfileWeight = double.NaN })).Message);
    }

    [Fact]
    public void TheTensorLinealPathIsTheImageMetricOnABinaryCube()
    {
        var rng = new Random(5);
        var v = new Volume(12, 14, 16, 5e-6);
        for (int i = 0; i < v.Count; i++) v.Data[i] = (byte)(rng.NextDouble() < 0.75 ? 1 : 0);
        using var pore = torch.tensor(v.Data.Select(b => (float)b).ToArray(), new long[] { 1, 1, 12, 14, 16 });
        int[] lengths = [1, 3, 7, 12];
        for (int axis = 0; axis < 3; axis++)
        {
            var expected = Core.Metrics.LinealPath.Axis(v, axis, 12);
            var l = WganTrainer.LinealPath(pore, axis + 2, lengths);
            for (int i = 0; i < lengths.Length; i++) Assert.Equal(expected[lengths[i]], l[i].item<float>(), 5);
        }
        Assert.Throws<ArgumentException>(() => WganTrainer.LinealPath(pore, 2, [13]));
    }

    [Fact]
    public void TheLinealPathTermOpensTheSolidVoxelThatAloneShutsLongRuns()
    {
        var arch = new GanArchitecture(32, 20, "lean");
        using var t = new WganTrainer(arch, Options with { LinealPathWeight = 1 });
        // all pore but one solid voxel, against a "rock" whose runs are all open at every length:
        // descent on the term must open that voxel and close nothing
        var data = new float[32 * 32 * 32];
        Array.Fill(data, 1f);
        int blocker = (16 * 32 + 16) * 32 + 16;
        data[blocker] = -0.5f;
        using var raw = torch.tensor(data, new long[] { 1, 1, 32, 32, 32 }).requires_grad_(true);
        double[] rock = WganTrainer.LinealPathLengths.Select(_ => 1.0).ToArray();
        var term = t.LinealPathTerm(raw, rock);
        float before = term.item<float>();
        Assert.True(before > 0);
        term.backward();
        var g = raw.grad!.data<float>().ToArray();
        Assert.True(g[blocker] < 0, $"the blocking voxel's gradient {g[blocker]} should point towards pore");
        Assert.All(g, x => Assert.True(x <= 0));                 // no voxel is pushed towards solid
        // one descent step large enough to carry the blocker over the threshold: every run open
        float step = 1f / -g[blocker];
        using var next = torch.tensor(data.Zip(g, (d, dg) => d - step * dg).ToArray(), new long[] { 1, 1, 32, 32, 32 });
        Assert.Equal(0f, t.LinealPathTerm(next, rock).item<float>(), 6);
        Assert.Contains("lineal-path weight", Assert.Throws<BadInputException>(() => new WganTrainer(arch, Options with { LinealPathWeight = -1 })).Message);
    }

    [Fact]
    public void WithTwoVoxelsInTheLengthsTheLinealPathTermRefusesACoarserRockOfTheSamePorosity()
    {
        // a fine rock (2-voxel cells) and a coarse one (8-voxel slabs), both of porosity 1/4
        const int n = 32;
        var fine = new Volume(n, n, n, 5e-6);
        var coarse = new Volume(n, n, n, 5e-6);
        for (int z = 0; z < n; z++)
            for (int y = 0; y < n; y++)
                for (int x = 0; x < n; x++)
                {
                    int i = (z * n + y) * n + x;
                    fine.Data[i] = (byte)((x / 2 % 2 == 0 && y / 2 % 2 == 0) ? 1 : 0);
                    coarse.Data[i] = (byte)(x / 8 % 4 == 0 ? 1 : 0);
                }
        var arch = new GanArchitecture(n, 20, "lean");
        using var raw = torch.tensor(coarse.Data.Select(b => b == 1 ? 1f : -1f).ToArray(), new long[] { 1, 1, n, n, n });
        double Term(int[] lengths)
        {
            using var t = new WganTrainer(arch, Options with { LinealPathWeight = 1, LinealPathLengths = lengths });
            var rock = lengths.Select(r => Core.Metrics.LinealPath.Compute(fine, r)[r]).ToArray();
            return t.LinealPathTerm(raw, rock).item<float>();
        }
        Assert.Equal(0, Term([1]), 6);        // porosity alone cannot tell them apart
        Assert.True(Term([1, 2]) > 0.3);      // S2 at one voxel (the surface) can
        // refused: not ascending, below 1, longer than the cube
        foreach (int[] bad in new[] { new[] { 5, 2 }, new[] { 0, 2 }, new[] { 2, 2 } })
            Assert.Contains("lineal-path lengths", Assert.Throws<BadInputException>(() => new WganTrainer(arch, Options with { LinealPathWeight = 1, LinealPathLengths = bad })).Message);
        Assert.Contains("does not fit", Assert.Throws<BadInputException>(() => new WganTrainer(arch, Options with { LinealPathWeight = 1, LinealPathLengths = [1, 33] })).Message);
    }

    static Tensor PoreTensor(Volume v) =>
        torch.tensor(v.Data.Select(b => (float)b).ToArray(), new long[] { 1, 1, v.Nz, v.Ny, v.Nx });

    [Fact]
    public void TheTensorEulerCharacteristicIsTheImageOnes()
    {
        // analytic shapes: a ball is one object (χ 1), a pore shell round a solid core one object
        // and one cavity (2), a ring one object and one tunnel (0)
        const int n = 20;
        Volume Shape(Func<double, double, double, bool> pore)
        {
            var v = new Volume(n, n, n, 5e-6);
            for (int z = 0; z < n; z++)
                for (int y = 0; y < n; y++)
                    for (int x = 0; x < n; x++)
                        v.Data[(z * n + y) * n + x] = (byte)(pore(x - 9.5, y - 9.5, z - 9.5) ? 1 : 0);
            return v;
        }
        var ball = Shape((x, y, z) => x * x + y * y + z * z < 36);
        var shell = Shape((x, y, z) => x * x + y * y + z * z is > 9 and < 64);
        var ring = Shape((x, y, z) => Math.Pow(Math.Sqrt(x * x + y * y) - 6, 2) + z * z < 4);
        foreach (var (shape, chi) in new[] { (ball, 1), (shell, 2), (ring, 0) })
        {
            Assert.Equal(chi, Core.Metrics.EulerCharacteristic.Compute26(shape));
            using var t = PoreTensor(shape);
            Assert.Equal(chi, WganTrainer.Euler26(t).item<float>());
        }
        // random images of several porosities, non-cubic, two in one batch
        var rng = new Random(5);
        foreach (double phi in new[] { 0.1, 0.3, 0.6 })
        {
            var a = new Volume(13, 11, 9, 5e-6); var b = new Volume(13, 11, 9, 5e-6);
            for (int i = 0; i < a.Data.Length; i++) { a.Data[i] = (byte)(rng.NextDouble() < phi ? 1 : 0); b.Data[i] = (byte)(rng.NextDouble() < phi ? 1 : 0); }
            using var batch = torch.cat(new[] { PoreTensor(a), PoreTensor(b) }, 0);
            var chi = WganTrainer.Euler26(batch).data<float>().ToArray();
            Assert.Equal(Core.Metrics.EulerCharacteristic.Compute26(a), chi[0]);
            Assert.Equal(Core.Metrics.EulerCharacteristic.Compute26(b), chi[1]);
        }
    }

    [Fact]
    public void EachVoxelsEulerGradientIsTheChangeOfItsFlip()
    {
        // multilinear in every voxel: ∂χ/∂voxel is χ(voxel pore) − χ(voxel solid) exactly
        AssertGradientIsFlipDifference(RandomCube(8, 0.35), pore => WganTrainer.Euler26(pore).sum(),
            v => Core.Metrics.EulerCharacteristic.Compute26(v), "χ");
    }

    static Volume RandomCube(int seed, double porosity)
    {
        const int n = 9;
        var v = new Volume(n, n, n, 5e-6);
        var rng = new Random(seed);
        for (int i = 0; i < v.Data.Length; i++) v.Data[i] = (byte)(rng.NextDouble() < porosity ? 1 : 0);
        return v;
    }

    /// <summary>Each voxel's gradient of <paramref name="tensorMetric"/> equals the image metric with
    /// that voxel pore minus with it solid, and enough voxels change the metric to make it a test.</summary>
    static void AssertGradientIsFlipDifference(Volume v, Func<Tensor, Tensor> tensorMetric, Func<Volume, double> imageMetric, string name)
    {
        using var pore = PoreTensor(v).requires_grad_(true);
        tensorMetric(pore).backward();
        var g = pore.grad!.data<float>().ToArray();
        int changing = 0;
        for (int i = 0; i < v.Data.Length; i++)
        {
            byte keep = v.Data[i];
            v.Data[i] = 1; double open = imageMetric(v);
            v.Data[i] = 0; double shut = imageMetric(v);
            v.Data[i] = keep;
            Assert.Equal(open - shut, g[i], 6);
            if (open != shut) changing++;
        }
        Assert.True(changing > 50, $"only {changing} voxels change {name}: the image tests too little");
    }

    [Fact]
    public void TheEulerTermJoinsTwoPoreHalvesThroughTheVoxelBetween()
    {
        // two pore slabs split by one solid plane, against a rock of one connected piece per cube:
        // descent must open the plane and shut nothing
        const int n = 32;
        var arch = new GanArchitecture(n, 20, "lean");
        using var t = new WganTrainer(arch, Options with { EulerWeight = 1 });
        var data = new float[n * n * n];
        for (int i = 0; i < data.Length; i++) data[i] = i / (n * n) == 16 ? -0.5f : 1f;
        using var raw = torch.tensor(data, new long[] { 1, 1, n, n, n }).requires_grad_(true);
        var term = t.EulerTerm(raw, (1, 1));
        Assert.Equal(1, term.item<float>(), 5);                  // χ 2 against 1, σ 1
        term.backward();
        var g = raw.grad!.data<float>().ToArray();
        Assert.All(g, x => Assert.True(x <= 0));                 // nothing is pushed towards solid
        Assert.True(g.Count(x => x < 0) > 0);
        Assert.Contains("Euler weight", Assert.Throws<BadInputException>(() => new WganTrainer(arch, Options with { EulerWeight = double.NaN })).Message);
    }

    /// <summary>A fresh run of one step, checked through its card and checkpointed, then resumed.</summary>
    WganTrainer OneStepCheckpointedAndResumed(GanArchitecture arch, TrainingOptions opts, TrainingData data, string name, Action<ModelCard> checkCard)
    {
        string ckpt = Path.Combine(dir, name);
        using (var t = new WganTrainer(arch, opts))
        {
            t.Step(data);
            var card = new TrainingRun(t, data, dir, "blobs").Card();
            checkCard(card);
            t.SaveCheckpoint(ckpt, card);
        }
        return WganTrainer.Resume(ckpt);
    }

    [Fact]
    public void ARunWithTheEulerTermMeasuresTheRockOnceRecordsItAndResumesExactly()
    {
        var arch = new GanArchitecture(32, 20, "lean");
        var data = Data();
        var opts = Options with { EulerWeight = 3 };
        float[] plain, withTerm;
        using (var t = new WganTrainer(arch, Options)) { t.Step(data); t.Step(data); plain = Weights(t.G); }
        (double Mean, double Sd) rock;
        using (var t = new WganTrainer(arch, opts)) { t.Step(data); t.Step(data); withTerm = Weights(t.G); rock = t.RockEulerValues!.Value; }
        Assert.True(plain.Zip(withTerm).Max(p => Math.Abs(p.First - p.Second)) > 1e-6); // the term acts
        Assert.True(rock.Sd >= 1);
        using var r = OneStepCheckpointedAndResumed(arch, opts, data, "euler.ckpt", card => Assert.Equal(3, card.EulerWeight));
        Assert.Equal(3, r.Options.EulerWeight);
        r.Step(data);
        Assert.Equal(rock, r.RockEulerValues!.Value);
        Assert.True(withTerm.Zip(Weights(r.G)).Max(p => Math.Abs(p.First - p.Second)) < 1e-4);
    }

    /// <summary>Fraction of face-adjacent voxel pairs with pore on one side and solid on the other, counted directly.</summary>
    static double InterfaceFraction(Volume v)
    {
        long differ = 0, pairs = 0;
        for (int z = 0; z < v.Nz; z++)
            for (int y = 0; y < v.Ny; y++)
                for (int x = 0; x < v.Nx; x++)
                    foreach (var (dz, dy, dx) in new[] { (1, 0, 0), (0, 1, 0), (0, 0, 1) })
                    {
                        int zz = z + dz, yy = y + dy, xx = x + dx;
                        if (zz >= v.Nz || yy >= v.Ny || xx >= v.Nx) continue;
                        pairs++;
                        if (v.Data[(z * v.Ny + y) * v.Nx + x] != v.Data[(zz * v.Ny + yy) * v.Nx + xx]) differ++;
                    }
        return (double)differ / pairs;
    }

    [Fact]
    public void ThePorosityQuantileTermAsksEachCubeForTheRocksPorosityAtItsRank()
    {
        var arch = new GanArchitecture(32, 20, "lean");
        using var t = new WganTrainer(arch, Options with { PorosityWeight = 2, PorosityQuantiles = true });
        // three cubes of 9³ with 30 %, 10 % and 20 % pore: ranks 2, 0, 1
        var cubes = new[] { RandomCube(1, 0.3), RandomCube(2, 0.1), RandomCube(3, 0.2) };
        double[] phi = cubes.Select(v => v.Data.Count(b => b == 1) / (double)v.Data.Length).ToArray();
        int n = cubes[0].Data.Length;
        var values = cubes.SelectMany(v => v.Data.Select(b => b == 1 ? 0.6f : -0.6f)).ToArray();
        using var raw = torch.tensor(values, new long[] { 3, 1, cubes[0].Nz, cubes[0].Ny, cubes[0].Nx }).requires_grad_(true);
        double[] order = [0.12, 0.19, 0.25];
        int[] rank = [2, 0, 1];
        double sd = 0.02;
        Assert.True(phi[1] < phi[2] && phi[2] < phi[0], string.Join(", ", phi));
        var term = t.PorosityTerm(raw, (0.2, sd), order);
        double want = Enumerable.Range(0, 3).Average(c => Math.Pow((phi[c] - order[rank[c]]) / sd, 2)) * 2;
        Assert.Equal(want, term.item<float>(), want * 1e-5);
        term.backward();
        // a voxel's flip changes its cube's φ by 1/n: 2λ e_c/σ / 3 cubes / n · ½ (straight-through), alike within a cube
        var g = raw.grad!.data<float>().ToArray();
        for (int c = 0; c < 3; c++)
        {
            double wantGrad = 2 * 2 * (phi[c] - order[rank[c]]) / sd / sd / 3 / n * 0.5;
            Assert.All(g.Skip(c * n).Take(n), x => Assert.Equal(wantGrad, x, Math.Abs(wantGrad) * 1e-4));
        }
        // a batch whose cubes sit at their rank's targets, in any order, is not pushed; the mean alone would be
        using var atRock = t.PorosityTerm(raw.detach(), (0.2, sd), [phi[1], phi[2], phi[0]]);
        Assert.Equal(0, atRock.item<float>(), 6);
        Assert.Throws<ArgumentException>(() => t.PorosityTerm(raw.detach(), (0.2, sd), [0.1, 0.2]));
    }

    [Fact]
    public void ThePorosityOrderTargetsAreTheRocksOrderStatisticsAndSurviveAResume()
    {
        var arch = new GanArchitecture(32, 20, "lean");
        var data = Data();
        var opts = Options with { PorosityWeight = 3, PorosityQuantiles = true };
        float[] withTerm;
        double[] rock;
        using (var t = new WganTrainer(arch, opts))
        {
            Assert.Throws<InvalidOperationException>(() => t.RockPorosityOrder(8));
            t.Step(data); t.Step(data); withTerm = Weights(t.G);
            rock = t.RockPorosities!;
            var order = t.RockPorosityOrder(8);
            Assert.Equal(8, order.Length);
            Assert.True(order.Zip(order.Skip(1)).All(p => p.First <= p.Second), "ascending");
            Assert.True(order[0] >= rock[0] && order[^1] <= rock[^1], "within the rock's range");
            // Blom's positions: the lowest of 8 sits at the (1 − 3/8)/8.25 = 7.6 % quantile, the
            // highest at (8 − 3/8)/8.25 = 92.4 %
            Assert.Equal(WganTrainer.Quantile(rock, 0.625 / 8.25), order[0], 12);
            Assert.Equal(WganTrainer.Quantile(rock, 7.625 / 8.25), order[^1], 12);
        }
        using var r = OneStepCheckpointedAndResumed(arch, opts, data, "porosity-quantiles.ckpt", card => Assert.True(card.PorosityQuantiles));
        r.Step(data);
        Assert.Equal(rock, r.RockPorosities);
        Assert.True(withTerm.Zip(Weights(r.G)).Max(p => Math.Abs(p.First - p.Second)) < 1e-4);
    }

    [Fact]
    public void TheFaceFractionIsTheImagesAndEachVoxelsGradientIsTheChangeOfItsFlip()
    {
        var v = RandomCube(5, 0.3);
        using (var pore = PoreTensor(v)) Assert.Equal(InterfaceFraction(v), WganTrainer.FaceFraction(pore).item<float>(), 6);
        AssertGradientIsFlipDifference(v, pore => WganTrainer.FaceFraction(pore).sum(), InterfaceFraction, "the face fraction");
        // a slab of pore 3 planes thick in a 9³ cube: two interfaces of 81 faces among 3 · 8 · 81 pairs
        var slab = new Volume(9, 9, 9, 5e-6);
        for (int i = 0; i < slab.Data.Length; i++) slab.Data[i] = (byte)(i / 81 is >= 3 and < 6 ? 1 : 0);
        using var s = PoreTensor(slab);
        Assert.Equal(2.0 / 24, WganTrainer.FaceFraction(s).item<float>(), 6);
    }

    [Fact]
    public void ThePorosityTermPullsEveryVoxelAlikeByItsFlipAndResumesExactly()
    {
        var arch = new GanArchitecture(32, 20, "lean");
        using (var t = new WganTrainer(arch, Options with { PorosityWeight = 2 }))
        {
            var v = RandomCube(6, 0.3);
            double phi = v.Data.Count(b => b == 1) / (double)v.Data.Length;
            using var raw = torch.tensor(v.Data.Select(b => b == 1 ? 0.6f : -0.6f).ToArray(), new long[] { 1, 1, v.Nz, v.Ny, v.Nx }).requires_grad_(true);
            double e = (phi - 0.2) / 0.02;
            var term = t.PorosityTerm(raw, (0.2, 0.02));
            Assert.Equal(2 * e * e, term.item<float>(), 2 * e * e * 1e-5);
            term.backward();
            // each voxel's flip changes φ by 1/N: 2λ e/σ · (1/N) · ½ (straight-through), the same everywhere
            double want = 2 * 2 * e / 0.02 / v.Data.Length * 0.5;
            var g = raw.grad!.data<float>().ToArray();
            Assert.All(g, x => Assert.Equal(want, x, Math.Abs(want) * 1e-4));
            // a batch at the rock's porosity is not pushed
            using var atRock = t.PorosityTerm(raw.detach(), (phi, 0.02));
            Assert.Equal(0, atRock.item<float>(), 6);
        }
        Assert.Contains("porosity weight", Assert.Throws<BadInputException>(() => new WganTrainer(arch, Options with { PorosityWeight = double.NaN })).Message);
        var data = Data();
        var opts = Options with { PorosityWeight = 3 };
        float[] withTerm;
        (double Mean, double Sd) rock;
        using (var t = new WganTrainer(arch, opts)) { t.Step(data); t.Step(data); withTerm = Weights(t.G); rock = t.RockPorosityValues!.Value; }
        Assert.True(rock.Mean > 0 && rock.Mean < 1 && rock.Sd > 0, $"rock {rock}");
        using var r = OneStepCheckpointedAndResumed(arch, opts, data, "porosity.ckpt", card => Assert.Equal(3, card.PorosityWeight));
        r.Step(data);
        Assert.Equal(rock, r.RockPorosityValues!.Value);
        Assert.True(withTerm.Zip(Weights(r.G)).Max(p => Math.Abs(p.First - p.Second)) < 1e-4);
    }

    [Fact]
    public void TheSurfaceTermSmoothsARoughCubeByTheChainRuleAndResumesExactly()
    {
        // a random cube has far more interface than a rock of 0.05 ± 0.01: descent shuts the pore voxels
        // with most solid around them and opens the solid with most pore around
        var arch = new GanArchitecture(32, 20, "lean");
        using (var t = new WganTrainer(arch, Options with { SurfaceWeight = 2 }))
        {
            var v = RandomCube(6, 0.3);
            using var raw = torch.tensor(v.Data.Select(b => b == 1 ? 0.6f : -0.6f).ToArray(), new long[] { 1, 1, v.Nz, v.Ny, v.Nx }).requires_grad_(true);
            double f = InterfaceFraction(v), e = (f - 0.05) / 0.01;
            var term = t.SurfaceTerm(raw, (0.05, 0.01));
            Assert.Equal(2 * e * e, term.item<float>(), 2 * e * e * 1e-5);
            term.backward();
            var g = raw.grad!.data<float>().ToArray();
            int checkedVoxels = 0;
            for (int i = 0; i < v.Data.Length; i += 7)
            {
                byte keep = v.Data[i];
                v.Data[i] = 1; double open = InterfaceFraction(v);
                v.Data[i] = 0; double shut = InterfaceFraction(v);
                v.Data[i] = keep;
                double want = 2 * 2 * e / 0.01 * (open - shut) * 0.5;   // 2λ e/σ · flip · ½ (straight-through)
                Assert.Equal(want, g[i], Math.Abs(want) * 1e-4 + 1e-6);
                checkedVoxels++;
            }
            Assert.True(checkedVoxels > 100);
        }
        Assert.Contains("surface weight", Assert.Throws<BadInputException>(() => new WganTrainer(arch, Options with { SurfaceWeight = -1 })).Message);
        var data = Data();
        var opts = Options with { SurfaceWeight = 3 };
        float[] withTerm;
        (double Mean, double Sd) rock;
        using (var t = new WganTrainer(arch, opts)) { t.Step(data); t.Step(data); withTerm = Weights(t.G); rock = t.RockSurfaceValues!.Value; }
        Assert.True(rock.Mean > 0 && rock.Mean < 1 && rock.Sd > 0, $"rock {rock}");
        using var r = OneStepCheckpointedAndResumed(arch, opts, data, "surface.ckpt", card => Assert.Equal(3, card.SurfaceWeight));
        r.Step(data);
        Assert.Equal(rock, r.RockSurfaceValues!.Value);
        Assert.True(withTerm.Zip(Weights(r.G)).Max(p => Math.Abs(p.First - p.Second)) < 1e-4);
    }

    /// <summary>Fraction of the positions where a (2r+1)³ cube fits whose every voxel is pore, counted directly.</summary>
    static double ErodedFraction(Volume v, int r)
    {
        int w = 2 * r + 1; long all = 0, hit = 0;
        for (int z = 0; z + w <= v.Nz; z++)
            for (int y = 0; y + w <= v.Ny; y++)
                for (int x = 0; x + w <= v.Nx; x++)
                {
                    all++;
                    bool pore = true;
                    for (int k = 0; k < w && pore; k++)
                        for (int j = 0; j < w && pore; j++)
                            for (int i = 0; i < w && pore; i++) pore = v.Data[((z + k) * v.Ny + y + j) * v.Nx + x + i] == 1;
                    if (pore) hit++;
                }
        return (double)hit / all;
    }

    [Fact]
    public void TheTensorErosionIsTheFractionOfWindowsThatAreAllPore()
    {
        // a pore slab t planes thick across a cube of n: E(r) = (t − 2r) / (n − 2r) while t > 2r, else 0
        const int n = 20, t = 7;
        var slab = new Volume(n, n, n, 5e-6);
        for (int i = 0; i < slab.Data.Length; i++) slab.Data[i] = (byte)(i / (n * n) is >= 5 and < 5 + t ? 1 : 0);
        var e = WganTrainer.Erosion(PoreTensor(slab), [1, 2, 3, 4]).Select(x => x.item<float>()).ToArray();
        for (int r = 1; r <= 4; r++) Assert.Equal(Math.Max(0, t - 2 * r) / (double)(n - 2 * r), e[r - 1], 6);
        // random non-cubic images, counted window by window
        var rng = new Random(12);
        foreach (double phi in new[] { 0.9, 0.97 })
        {
            var v = new Volume(14, 12, 10, 5e-6);
            for (int i = 0; i < v.Data.Length; i++) v.Data[i] = (byte)(rng.NextDouble() < phi ? 1 : 0);
            var got = WganTrainer.Erosion(PoreTensor(v), [1, 2]).Select(x => x.item<float>()).ToArray();
            Assert.Equal(ErodedFraction(v, 1), got[0], 6);
            Assert.Equal(ErodedFraction(v, 2), got[1], 6);
            Assert.True(got[0] > 0, "the image tests too little");
        }
    }

    [Fact]
    public void EachVoxelsErosionGradientIsTheChangeOfItsFlip()
    {
        // a product over each window: ∂E/∂voxel is E(voxel pore) − E(voxel solid) exactly
        AssertGradientIsFlipDifference(RandomCube(3, 0.95), pore => WganTrainer.Erosion(pore, [1])[0], v => ErodedFraction(v, 1), "E");
    }

    [Fact]
    public void ThePoreSizeTermNarrowsPoresWiderThanTheRocksAndRefusesBadRadii()
    {
        // a pore slab 9 planes thick against a rock whose 5³ windows are half as often all pore:
        // descent may only shut pore voxels, never open solid ones
        const int n = 32;
        var arch = new GanArchitecture(n, 20, "lean");
        using var t = new WganTrainer(arch, Options with { PoreSizeWeight = 1, PoreSizeRadii = [2] });
        var data = new float[n * n * n];
        for (int i = 0; i < data.Length; i++) data[i] = i / (n * n) is >= 10 and < 19 ? 1f : -1f;
        using var raw = torch.tensor(data, new long[] { 1, 1, n, n, n }).requires_grad_(true);
        double e = (9 - 4) / (double)(n - 4);
        var term = t.PoreSizeTerm(raw, [e / 2]);
        Assert.Equal(1, term.item<float>(), 4);                   // ((e − e/2) / (e/2))² = 1
        term.backward();
        var g = raw.grad!.data<float>().ToArray();
        Assert.All(g, x => Assert.True(x >= 0));                  // nothing is pushed towards pore
        Assert.True(g.Count(x => x > 0) > 0);
        Assert.Contains("pore-size weight", Assert.Throws<BadInputException>(() => new WganTrainer(arch, Options with { PoreSizeWeight = -1 })).Message);
        Assert.Contains("ascending", Assert.Throws<BadInputException>(() => new WganTrainer(arch, Options with { PoreSizeWeight = 1, PoreSizeRadii = [2, 1] })).Message);
        Assert.Contains("does not fit", Assert.Throws<BadInputException>(() => new WganTrainer(arch, Options with { PoreSizeWeight = 1, PoreSizeRadii = [16] })).Message);
    }

    [Fact]
    public void ARunWithThePoreSizeTermMeasuresTheRockOnceRecordsItAndResumesExactly()
    {
        var arch = new GanArchitecture(32, 20, "lean");
        var data = Data();
        var opts = Options with { PoreSizeWeight = 50, PoreSizeRadii = [1, 2] };
        // an untrained generator's speckle has no nearly-all-pore windows, so the term's gradient is
        // ~0 there (its action is tested on images above); here: it is measured, recorded and resumed
        using (var t = new WganTrainer(arch, Options)) { t.Step(data); Assert.Null(t.RockPoreSizeValues); }
        float[] withTerm;
        double[] rock;
        using (var t = new WganTrainer(arch, opts)) { t.Step(data); t.Step(data); withTerm = Weights(t.G); rock = t.RockPoreSizeValues!; }
        Assert.True(rock[0] > rock[1] && rock[1] >= 0, $"E(1) {rock[0]}, E(2) {rock[1]}"); // wider windows survive less often
        using var r = OneStepCheckpointedAndResumed(arch, opts, data, "poresize.ckpt", card =>
        {
            Assert.Equal(50, card.PoreSizeWeight);
            Assert.Equal([1, 2], card.PoreSizeRadii!);
        });
        Assert.Equal([1, 2], r.Options.PoreSizeRadii!);
        r.Step(data);
        Assert.Equal(rock, r.RockPoreSizeValues);
        Assert.True(withTerm.Zip(Weights(r.G)).Max(p => Math.Abs(p.First - p.Second)) < 1e-4);
    }

    /// <summary>An n³ cube of solid with one spherical pore of the given radius (voxels) at its centre.</summary>
    static byte[] SpherePore(int n, double radius)
    {
        var cube = new byte[n * n * n];
        double c = (n - 1) / 2.0;
        for (int z = 0; z < n; z++)
            for (int y = 0; y < n; y++)
                for (int x = 0; x < n; x++)
                    if ((z - c) * (z - c) + (y - c) * (y - c) + (x - c) * (x - c) <= radius * radius) cube[(z * n + y) * n + x] = 1;
        return cube;
    }

    [Fact]
    public void APoreBodysDiameterShrinksWhenItsShellClosesAndGrowsWhenTheSolidAroundItOpens()
    {
        const int n = 33;
        var cube = SpherePore(n, 6);
        var slope = new float[cube.Length];
        double mean = PoreBodies.MeanDiameter(cube, n, n, n, slope);
        Assert.InRange(mean, 11.5, 13);                           // one body: twice its inscribed radius (√37 to the nearest solid centre)
        Assert.Equal(4, slope.Sum(), 4);                          // 2 / P over the inner shell, 2 / P over the outer
        Assert.All(slope, s => Assert.True(s >= 0));
        var inner = Enumerable.Range(0, cube.Length).Where(i => slope[i] > 0 && cube[i] == 1).ToArray();
        var outer = Enumerable.Range(0, cube.Length).Where(i => slope[i] > 0 && cube[i] == 0).ToArray();
        Assert.NotEmpty(inner); Assert.NotEmpty(outer);
        // the linearisation's sign and size: shutting the inner shell or opening the outer moves D by ~2
        var shut = (byte[])cube.Clone(); foreach (int i in inner) shut[i] = 0;
        var opened = (byte[])cube.Clone(); foreach (int i in outer) opened[i] = 1;
        Assert.InRange(mean - PoreBodies.MeanDiameter(shut, n, n, n), 1, 3);
        Assert.InRange(PoreBodies.MeanDiameter(opened, n, n, n) - mean, 1, 3);
        Assert.True(double.IsNaN(PoreBodies.MeanDiameter(new byte[n * n * n], n, n, n)));   // no pores, no mean
    }

    [Fact]
    public void ThePoreBodyTermNarrowsBodiesWiderThanTheRocksAndRefusesABadWeight()
    {
        const int n = 32;
        var arch = new GanArchitecture(n, 20, "lean");
        using var t = new WganTrainer(arch, Options with { PoreBodyWeight = 3 });   // a body of 2 × 6 voxels off-centre in 32³
        var cube = SpherePore(n, 6);
        var expectedSlope = new float[cube.Length];
        double mean = PoreBodies.MeanDiameter(cube, n, n, n, expectedSlope);
        using var raw = torch.tensor(cube.Select(v => v == 1 ? 0.7f : -0.4f).ToArray(), new long[] { 1, 1, n, n, n }).requires_grad_(true);
        var term = t.PoreBodyTerm(raw, (mean - 2, 0.5));          // the rock's bodies 2 voxels narrower, spread 0.5
        Assert.Equal(3 * 16, term.item<float>(), 3);              // λ ((D − D_rock) / σ)² = 3 · 4²
        term.backward();
        var g = raw.grad!.data<float>().ToArray();
        Assert.All(g, x => Assert.True(x >= 0));                  // nothing is pushed towards pore
        // the chain rule: 2λ (D − D_rock)/σ² · slope · ½ (straight-through)
        int i = Array.FindIndex(expectedSlope, s => s > 0);
        Assert.Equal(2 * 3 * 2 / 0.25 * expectedSlope[i] * 0.5, g[i], 1e-4);
        Assert.Equal(0, g[0]);                                    // a corner far from the body
        Assert.Contains("pore-body weight", Assert.Throws<BadInputException>(() => new WganTrainer(arch, Options with { PoreBodyWeight = double.NaN })).Message);
    }

    /// <summary>Two spherical pores of radius 7 joined along z by a neck of radius 3, in 40³.</summary>
    static byte[] Dumbbell(int n = 40)
    {
        var cube = new byte[n * n * n];
        int c = n / 2;
        for (int z = 0; z < n; z++)
            for (int y = 0; y < n; y++)
                for (int x = 0; x < n; x++)
                {
                    int r2 = (y - c) * (y - c) + (x - c) * (x - c);
                    bool ball = r2 + (z - 11) * (z - 11) <= 49 || r2 + (z - 29) * (z - 29) <= 49;
                    bool neck = z >= 11 && z <= 29 && r2 <= 9;
                    if (ball || neck) cube[(z * n + y) * n + x] = 1;
                }
        return cube;
    }

    [Fact]
    public void AThroatsDiameterIsTheNetworksAndNarrowsWhenTheShellsAboutItCloseAndWidensWhenTheSolidOpens()
    {
        const int n = 40;
        var cube = Dumbbell(n);
        var slope = new float[cube.Length];
        double mean = Throats.MeanDiameter(cube, n, n, n, slope);
        var net = SnowExtractor.Extract(new Volume(n, n, n, 1.0, (byte[])cube.Clone())).Network;
        Assert.Equal(2, net.PoreCount);
        Assert.Equal(1, net.ThroatCount);
        Assert.Equal(net.ThroatInscribedDiameter[0], mean, 5);   // the forward model's own value
        Assert.InRange(mean, 5, 8);                               // about the neck's width, 2 × 3 voxels
        Assert.Equal(4, slope.Sum(), 4);                          // 1 / T over each side's inner and outer shell
        Assert.All(slope, x => Assert.True(x >= 0));
        var inner = Enumerable.Range(0, cube.Length).Where(i => slope[i] > 0 && cube[i] == 1).ToArray();
        var outer = Enumerable.Range(0, cube.Length).Where(i => slope[i] > 0 && cube[i] == 0).ToArray();
        Assert.NotEmpty(inner); Assert.NotEmpty(outer);
        // the linearisation's sign and size: shutting the inner shells or opening the outer moves d by ~2
        var shut = (byte[])cube.Clone(); foreach (int i in inner) shut[i] = 0;
        var opened = (byte[])cube.Clone(); foreach (int i in outer) opened[i] = 1;
        Assert.InRange(mean - Throats.MeanDiameter(shut, n, n, n), 1, 3);
        Assert.InRange(Throats.MeanDiameter(opened, n, n, n) - mean, 1, 3);
        Assert.True(double.IsNaN(Throats.MeanDiameter(SpherePore(33, 6), 33, 33, 33)));   // one pore, no throats
        // on a rock with many throats the mean is the network's, to float precision
        var rock = GaussianBlobs.Generate(48, 0.3, 2, 3, 1.0);
        var rockNet = SnowExtractor.Extract(new Volume(48, 48, 48, 1.0, (byte[])rock.Data.Clone())).Network;
        Assert.True(rockNet.ThroatCount > 20, $"{rockNet.ThroatCount} throats");
        Assert.Equal(rockNet.ThroatInscribedDiameter.Average(), Throats.MeanDiameter((byte[])rock.Data.Clone(), 48, 48, 48), 4);
        // and the voxels the slope is built about are the ones that set the network's diameters
        var rockSnow = SnowExtractor.Extract(new Volume(48, 48, 48, 1.0, (byte[])rock.Data.Clone()));
        var sides = Throats.DeepestInterfaceVoxels(rockSnow.Regions, rockSnow.DistanceMap, rock.Data, 48, 48, 48);
        Assert.Equal(rockNet.ThroatCount, sides.Count);
        Assert.Equal(rockNet.ThroatInscribedDiameter.Average(), sides.Values.Average(v => (double)rockSnow.DistanceMap[v.Low] + rockSnow.DistanceMap[v.High]), 4);
    }

    [Fact]
    public void TheThroatTermNarrowsThroatsWiderThanTheRocksAndRefusesABadWeight()
    {
        const int n = 40;
        var arch = new GanArchitecture(32, 20, "lean");
        using var t = new WganTrainer(arch, Options with { ThroatWeight = 3 });
        var cube = Dumbbell(n);
        var expectedSlope = new float[cube.Length];
        double mean = Throats.MeanDiameter(cube, n, n, n, expectedSlope);
        using var raw = torch.tensor(cube.Select(v => v == 1 ? 0.7f : -0.4f).ToArray(), new long[] { 1, 1, n, n, n }).requires_grad_(true);
        var term = t.ThroatTerm(raw, (mean - 1, 0.5));            // the rock's throats a voxel narrower, spread 0.5
        Assert.Equal(3 * 4, term.item<float>(), 3);               // λ ((d − d_rock) / σ)² = 3 · 2²
        term.backward();
        var g = raw.grad!.data<float>().ToArray();
        Assert.All(g, x => Assert.True(x >= 0));                  // nothing is pushed towards pore
        // the chain rule: 2λ (d − d_rock)/σ² · slope · ½ (straight-through)
        int i = Array.FindIndex(expectedSlope, s => s > 0);
        Assert.Equal(2 * 3 * 1 / 0.25 * expectedSlope[i] * 0.5, g[i], 1e-4);
        Assert.Equal(0, g[0]);                                    // a corner far from the neck
        Assert.Contains("throat weight", Assert.Throws<BadInputException>(() => new WganTrainer(arch, Options with { ThroatWeight = -1 })).Message);
    }

    /// <summary>A 3×3 pore column along z (y, x in [4, 7)) through an n³ solid cube, solid on
    /// <paramref name="shutPlane"/> if given.</summary>
    static byte[] Column(int n, int shutPlane = -1)
    {
        var cube = new byte[n * n * n];
        for (int z = 0; z < n; z++)
            for (int y = 4; y < 7; y++)
                for (int x = 4; x < 7; x++) cube[(z * n + y) * n + x] = (byte)(z == shutPlane ? 0 : 1);
        return cube;
    }

    [Fact]
    public void AColumnSpansOneAxisAndTheCheapestCrossingsOpenTheFewestSolidVoxels()
    {
        // a 3×3 pore column along z through a 12³ solid cube: z spanned; crossing y or x costs the
        // 12 − 3 = 9 solid voxels between the column and the two faces, each worth 1 / (3·9)
        const int n = 12;
        var cube = Column(n);
        var slope = new float[cube.Length];
        Assert.Equal(1.0 / 3, Spanning.AxisShare(cube, n, n, n, slope), 12);
        Assert.Equal(18, slope.Count(v => v > 0));
        Assert.All(slope.Where(v => v > 0), v => Assert.Equal(1f / 27, v, 6));
        Assert.Equal(2.0 / 3, slope.Sum(), 5);                                     // one per unspanned axis, over 3
        Assert.All(Enumerable.Range(0, cube.Length).Where(i => cube[i] == 1), i => Assert.Equal(0, slope[i]));
        // opening what the slope marks spans every axis (the linearisation is exact here)
        for (int i = 0; i < cube.Length; i++) if (slope[i] > 0) cube[i] = 1;
        Assert.Equal(1.0, Spanning.AxisShare(cube, n, n, n, slope), 12);
        Assert.All(slope, v => Assert.Equal(0, v));
        // a fresh column shut by one solid plane: z needs just one voxel of it reopened
        cube = Column(n, shutPlane: 6);
        Assert.Equal(0.0, Spanning.AxisShare(cube, n, n, n, slope), 12);
        var inPlate = Enumerable.Range(0, cube.Length).Where(i => i / (n * n) == 6 && slope[i] > 0 && i / n % n is >= 4 and < 7 && i % n is >= 4 and < 7).ToArray();
        Assert.Single(inPlate);
        Assert.Equal(1f / 3, slope[inPlate[0]], 6);
        cube[inPlate[0]] = 1;
        Assert.Equal(1.0 / 3, Spanning.AxisShare(cube, n, n, n), 12);
        // all solid: a straight line of n voxels per axis
        Assert.Equal(0.0, Spanning.AxisShare(new byte[n * n * n], n, n, n, slope), 12);
        Assert.Equal(1.0, slope.Sum(), 4);
        Assert.Throws<ArgumentException>(() => Spanning.AxisShare(new byte[10], n, n, n));
    }

    [Fact]
    public void OpeningTheCheapestCrossingsOfARandomCubeSpansItAlongEveryAxis()
    {
        // independent voxels at porosity 0.2 lie below site percolation (0.31): nothing spans
        const int n = 24;
        var rng = new Random(5);
        var cube = Enumerable.Range(0, n * n * n).Select(_ => rng.NextDouble() < 0.2 ? (byte)1 : (byte)0).ToArray();
        var slope = new float[cube.Length];
        double share = Spanning.AxisShare(cube, n, n, n, slope);
        Assert.True(share < 1, $"share {share}");
        Assert.Equal(1 - share, slope.Sum(), 4);
        for (int i = 0; i < cube.Length; i++) if (slope[i] > 0) cube[i] = 1;
        Assert.Equal(1.0, Spanning.AxisShare(cube, n, n, n), 12);
    }

    [Fact]
    public void TheSpanningTermOpensOnlyTheCrossingOfAnUnspannedCubeAndRefusesABadWeight()
    {
        const int n = 12;
        var arch = new GanArchitecture(32, 20, "lean");
        using var t = new WganTrainer(arch, Options with { SpanningWeight = 3 });
        var cube = Column(n, shutPlane: 6);
        var expectedSlope = new float[cube.Length];
        double share = Spanning.AxisShare(cube, n, n, n, expectedSlope);
        Assert.Equal(0.0, share, 12);
        using var raw = torch.tensor(cube.Select(v => v == 1 ? 0.7f : -0.4f).ToArray(), new long[] { 1, 1, n, n, n }).requires_grad_(true);
        var term = t.SpanningTerm(raw, (0.5, 0.25));             // the rock spans half its axes, spread 0.25
        Assert.Equal(3 * 4, term.item<float>(), 3);               // λ ((s − s_rock) / σ)² = 3 · 2²
        term.backward();
        var g = raw.grad!.data<float>().ToArray();
        Assert.All(g, x => Assert.True(x <= 0));                  // descent only opens voxels
        // the chain rule: 2λ (s − s_rock)/σ² · slope · ½ (straight-through)
        for (int i = 0; i < g.Length; i++) Assert.Equal(2 * 3 * -0.5 / 0.0625 * expectedSlope[i] * 0.5, g[i], 1e-4);
        // a cube that spans every axis is left alone, however far above the rock
        using var open = torch.full(new long[] { 1, 1, n, n, n }, 0.7f).requires_grad_(true);
        var none = t.SpanningTerm(open, (0.5, 0.25));
        none.backward();
        Assert.All(open.grad!.data<float>().ToArray(), x => Assert.Equal(0, x));
        Assert.Contains("spanning weight", Assert.Throws<BadInputException>(() => new WganTrainer(arch, Options with { SpanningWeight = -1 })).Message);
    }

    [Fact]
    public void ARunWithTheSpanningTermMeasuresTheRockOnceRecordsItAndResumesExactly() =>
        NetworkTermMeasuresTheRockOnceAndResumes(Options with { SpanningWeight = 2 }, t => t.RockSpanningValues, o => o.SpanningWeight, c => c.SpanningWeight, minRockMean: 0, "spanning.ckpt");

    [Fact]
    public void ARunThatDivergesStopsWithAClearErrorBeforeOverwritingItsCheckpoint()
    {
        // two good iterations, checkpointed; then the critic's weights are poisoned with NaN, as a
        // diverged update leaves them: the run must stop at that step, the checkpoint as it was
        var arch = new GanArchitecture(32, 20, "lean");
        var data = Data();
        string outDir = Path.Combine(dir, "diverged");
        using var t = new WganTrainer(arch, Options);
        var run = new TrainingRun(t, data, outDir, "blobs") { CheckpointEvery = 1 };
        run.Run(2, (_, _) => { });
        using (torch.no_grad()) foreach (var w in t.D.parameters()) w.fill_(float.NaN);
        var e = Assert.Throws<TrainingDivergedException>(() => run.Run(5, (_, _) => { }));
        Assert.Equal(3, e.Stats.Iteration);
        Assert.Contains("diverged at iteration 3", e.Message);
        Assert.Contains("checkpoint is intact", e.Message);
        using var kept = WganTrainer.Resume(Path.Combine(outDir, "checkpoint.ckpt"));
        Assert.Equal(2, kept.Iteration);
        Assert.All(Weights(kept.D), w => Assert.True(float.IsFinite(w)));
    }

    [Fact]
    public void ARunAllowedToRetryResumesFromItsCheckpointAndFinishesAsAnUnbrokenRunWould()
    {
        // the same poisoning, with one retry: the run goes back to checkpoint 2 and trains 3..5 again,
        // exactly as a run never poisoned (resumes are exact); the curve holds each iteration once
        var arch = new GanArchitecture(32, 20, "lean");
        var data = Data();
        float[] unbroken;
        using (var clean = new WganTrainer(arch, Options))
        using (var cleanRun = new TrainingRun(clean, data, Path.Combine(dir, "unbroken"), "blobs") { CheckpointEvery = 1 })
        { cleanRun.Run(5, (_, _) => { }); unbroken = Weights(cleanRun.Trainer.G); }
        string outDir = Path.Combine(dir, "retried");
        var log = new List<string>();
        using var t = new WganTrainer(arch, Options);
        using var run = new TrainingRun(t, data, outDir, "blobs") { CheckpointEvery = 1, RetriesOnDivergence = 1, Log = log.Add };
        run.Run(2, (_, _) => { });
        using (torch.no_grad()) foreach (var w in t.D.parameters()) w.fill_(float.NaN);
        run.Run(5, (_, _) => { });
        Assert.NotSame(t, run.Trainer);
        Assert.Equal(5, run.Trainer.Iteration);
        Assert.Contains(log, l => l.Contains("diverged at iteration 3") && l.Contains("Resumed from iteration 2"));
        Assert.True(unbroken.Zip(Weights(run.Trainer.G)).Max(p => Math.Abs(p.First - p.Second)) < 1e-4);
        var iterations = File.ReadAllLines(Path.Combine(outDir, "curve.csv")).Skip(1).Select(l => int.Parse(l.Split(',')[0])).ToArray();
        Assert.Equal([1, 2, 3, 4, 5], iterations);
        // a second divergence with no retries left stops the run
        using (torch.no_grad()) foreach (var w in run.Trainer.D.parameters()) w.fill_(float.NaN);
        Assert.Throws<TrainingDivergedException>(() => run.Run(7, (_, _) => { }));
    }

    [Fact]
    public void ARunWithThePoreBodyTermMeasuresTheRockOnceRecordsItAndResumesExactly() =>
        NetworkTermMeasuresTheRockOnceAndResumes(Options with { PoreBodyWeight = 2 }, t => t.RockPoreBodyValues, o => o.PoreBodyWeight, c => c.PoreBodyWeight, minRockMean: 2, "porebody.ckpt");

    [Fact]
    public void ARunWithTheThroatTermMeasuresTheRockOnceRecordsItAndResumesExactly() =>
        NetworkTermMeasuresTheRockOnceAndResumes(Options with { ThroatWeight = 2 }, t => t.RockThroatValues, o => o.ThroatWeight, c => c.ThroatWeight, minRockMean: 1, "throat.ckpt");

    /// <summary>A term weighted 2 measures the rock only when on, keeps the same value across a resume,
    /// records its weight in checkpoint and card, and the resumed run steps exactly as the unbroken one.</summary>
    void NetworkTermMeasuresTheRockOnceAndResumes(TrainingOptions opts, Func<WganTrainer, (double Mean, double Sd)?> rockOf,
        Func<TrainingOptions, double> weightOf, Func<ModelCard, double?> cardWeightOf, double minRockMean, string checkpoint)
    {
        var arch = new GanArchitecture(32, 20, "lean");
        var data = Data();
        using (var t = new WganTrainer(arch, Options)) { t.Step(data); Assert.Null(rockOf(t)); }
        (double Mean, double Sd) rock;
        float[] withTerm;
        using (var t = new WganTrainer(arch, opts)) { t.Step(data); t.Step(data); withTerm = Weights(t.G); rock = rockOf(t)!.Value; }
        Assert.True(rock.Mean > minRockMean && rock.Sd > 0, $"rock {rock}");
        using var r = OneStepCheckpointedAndResumed(arch, opts, data, checkpoint, card => Assert.Equal(2, cardWeightOf(card)));
        Assert.Equal(2, weightOf(r.Options));
        r.Step(data);
        Assert.Equal(rock, rockOf(r)!.Value);
        Assert.True(withTerm.Zip(Weights(r.G)).Max(p => Math.Abs(p.First - p.Second)) < 1e-4);
    }

    [Fact]
    public void TheConductanceTermIsTheSolvesLogConductivityAndOpensTheBottleneckOfATightRock()
    {
        // straight pore channels along z, each shut by one solid plane: the rock conducts far less
        // than a target of e^−1, so descent may only open voxels (never shut one), and most of all
        // the shut voxels in the channels' way
        const int n = 32;
        var arch = new GanArchitecture(n, 20, "lean");
        using var t = new WganTrainer(arch, Options with { ConductanceWeight = 2 });
        var data = new float[2 * n * n * n];
        var cube = new byte[n * n * n];
        for (int z = 0; z < n; z++)
            for (int y = 0; y < n; y++)
                for (int x = 0; x < n; x++)
                {
                    bool channel = y % 8 < 3 && x % 8 < 3 && z != 16;
                    cube[(z * n + y) * n + x] = (byte)(channel ? 1 : 0);
                }
        for (int c = 0; c < 2; c++)
            for (int i = 0; i < cube.Length; i++) data[c * cube.Length + i] = cube[i] == 1 ? 0.8f : -0.6f;
        using var raw = torch.tensor(data, new long[] { 2, 1, n, n, n }).requires_grad_(true);
        var direct = VoxelConductance.Solve(cube, n, n, n, 0, WganTrainer.ConductanceSolid, sensitivity: true, tolerance: 1e-4);
        double phi = cube.Average(v => (double)v);
        int gap = (16 * n + 1) * n + 1;                              // a shut voxel in a channel's way
        int wall = (16 * n + 5) * n + 5;                             // the same plane, away from any channel
        int still = (8 * n + 5) * n + 5;                             // solid beside channels at one potential
        double slope = direct.Sensitivity![gap] * (1 - WganTrainer.ConductanceSolid) / direct.Conductivity;
        // against a rock line flat in porosity, then one rising with it (the cube's residual from the line)
        foreach (double rise in new[] { 0.0, 8.0 })
        {
            raw.grad?.zero_();
            var rock = new WganTrainer.RockConductivity(Mean: -1, Slope: rise, PorosityMean: 0.2, Sd: 0.5);
            var term = t.ConductanceTerm(raw, rock, axis: 0);
            double residual = Math.Log(direct.Conductivity) + 1 - rise * (phi - 0.2);
            Assert.Equal(residual, rock.Residual(Math.Log(direct.Conductivity), phi), 12);
            double expected = 2 * Math.Pow(residual / 0.5, 2);
            Assert.Equal(expected, term.item<float>(), expected * 1e-5);
            term.backward();
            var g = raw.grad!.data<float>().ToArray();
            // the chain rule: 2λ r̄/s² · ½ (batch mean) · (∂ ln σ/∂pore − rise/n) · ½ (straight-through)
            double dLdr = 2 * 2 * residual / (0.5 * 0.5) / 2;
            double want = dLdr * (slope - rise / cube.Length) * 0.5;
            Assert.Equal(want, g[gap], Math.Abs(want) * 1e-3);
            if (rise == 0)
            {
                Assert.All(g, x => Assert.True(x <= 0));           // nothing is pushed towards solid
                Assert.True(Math.Abs(g[gap]) > 20 * Math.Abs(g[wall]), $"gap {g[gap]}, wall {g[wall]}");
            }
            // where little current flows the porosity's share shows: the line's rise/n, to the digit
            double stillSlope = direct.Sensitivity![still] * (1 - WganTrainer.ConductanceSolid) / direct.Conductivity;
            double wantStill = dLdr * (stillSlope - rise / cube.Length) * 0.5;
            Assert.Equal(wantStill, g[still], Math.Abs(wantStill) * 1e-3 + 1e-9);
        }
        Assert.Contains("conductance weight", Assert.Throws<BadInputException>(() => new WganTrainer(arch, Options with { ConductanceWeight = double.NaN })).Message);
    }

    /// <summary>ln σ_eff along z of a cube whose pore indicators may be fractional, each voxel conducting
    /// solid + (1 − solid) · p · m², m the mean of p over its 3³ neighbourhood with solid outside.</summary>
    static double LocalLogConductivity(double[] p, int n)
    {
        const double solid = WganTrainer.ConductanceSolid;
        var sigma = new double[p.Length];
        for (int z = 0; z < n; z++)
            for (int y = 0; y < n; y++)
                for (int x = 0; x < n; x++)
                {
                    double sum = 0;
                    for (int dz = -1; dz <= 1; dz++)
                        for (int dy = -1; dy <= 1; dy++)
                            for (int dx = -1; dx <= 1; dx++)
                            {
                                int zz = z + dz, yy = y + dy, xx = x + dx;
                                if (zz >= 0 && zz < n && yy >= 0 && yy < n && xx >= 0 && xx < n) sum += p[(zz * n + yy) * n + xx];
                            }
                    double m = sum / 27;
                    int i = (z * n + y) * n + x;
                    sigma[i] = solid + (1 - solid) * p[i] * m * m;
                }
        return Math.Log(VoxelConductance.Solve(sigma, n, n, n, 0, tolerance: 1e-12).Conductivity);
    }

    [Fact]
    public void TheLocalConductanceTermWeightsVoxelsByThePoreAroundThemWithTheExactChainRule()
    {
        // a random 12³ rock; the term's value is ln σ_eff of the locally weighted conductivities, and
        // each voxel's gradient is the derivative of that through its own conductivity and its neighbours'
        const int n = 12;
        var arch = new GanArchitecture(32, 20, "lean");
        using var t = new WganTrainer(arch, Options with { ConductanceWeight = 1, ConductanceLocal = true });
        var rng = new Random(4);
        var p = new double[n * n * n];
        for (int i = 0; i < p.Length; i++) p[i] = rng.NextDouble() < 0.6 ? 1 : 0;
        using var raw = torch.tensor(p.Select(v => v == 1 ? 0.7f : -0.7f).ToArray(), new long[] { 1, 1, n, n, n }).requires_grad_(true);
        var rock = new WganTrainer.RockConductivity(Mean: 0, Slope: 0, PorosityMean: 0.5, Sd: 1);
        var term = t.ConductanceTerm(raw, rock, axis: 0);
        double ln = LocalLogConductivity(p, n);
        Assert.Equal(ln * ln, term.item<float>(), Math.Abs(ln * ln) * 1e-4);
        term.backward();
        var g = raw.grad!.data<float>().ToArray();
        foreach (int j in new[] { 0, 100, 777, 1200, p.Length - 1 })
        {
            const double h = 1e-4;
            var up = (double[])p.Clone(); up[j] += h;
            var down = (double[])p.Clone(); down[j] -= h;
            double dlnSigma = (LocalLogConductivity(up, n) - LocalLogConductivity(down, n)) / (2 * h);
            double want = 2 * ln * dlnSigma * 0.5;                    // 2λ r/s² · ∂ ln σ/∂p · ½ (straight-through)
            Assert.Equal(want, g[j], Math.Abs(want) * 2e-3 + 1e-6);
        }
        // a lone pore voxel deep in solid conducts next to nothing: its own conductivity is ~1/27² of a channel's
        var lone = new float[1 * n * n * n];
        lone[(6 * n + 6) * n + 6] = 1f;
        using var single = torch.tensor(lone, new long[] { 1, 1, n, n, n });
        var sigma = t.Conductivities(single).data<float>().ToArray();
        Assert.Equal(WganTrainer.ConductanceSolid + (1 - WganTrainer.ConductanceSolid) / (27.0 * 27.0), sigma[(6 * n + 6) * n + 6], 6);
    }

    [Fact]
    public void TheQuantileConductanceTermPushesEachCubeTowardsItsRankInTheRocksSpreadWhereTheMeanSeesNothing()
    {
        // a batch of two: channels along z, shut by one solid plane in the first cube and open in the
        // second. With the rock's line through the middle of the two the batch mean matches (the mean
        // term is zero and pushes nothing), but the rock's residuals {−h/2, +h/2} ask the shut cube to
        // conduct more and the open one less
        const int n = 32;
        var arch = new GanArchitecture(n, 20, "lean");
        using var t = new WganTrainer(arch, Options with { ConductanceWeight = 2, ConductanceQuantiles = true });
        var shut = new byte[n * n * n];
        var open = new byte[n * n * n];
        for (int z = 0; z < n; z++)
            for (int y = 0; y < n; y++)
                for (int x = 0; x < n; x++)
                {
                    bool channel = y % 8 < 3 && x % 8 < 3;
                    open[(z * n + y) * n + x] = (byte)(channel ? 1 : 0);
                    shut[(z * n + y) * n + x] = (byte)(channel && z != 16 ? 1 : 0);
                }
        var data = shut.Concat(open).Select(v => v == 1 ? 0.8f : -0.6f).ToArray();
        using var raw = torch.tensor(data, new long[] { 2, 1, n, n, n }).requires_grad_(true);
        var s = VoxelConductance.Solve(shut, n, n, n, 0, WganTrainer.ConductanceSolid, sensitivity: true, tolerance: 1e-4);
        var o = VoxelConductance.Solve(open, n, n, n, 0, WganTrainer.ConductanceSolid, sensitivity: true, tolerance: 1e-4);
        double lnS = Math.Log(s.Conductivity), lnO = Math.Log(o.Conductivity), h = (lnO - lnS) / 2;
        Assert.True(h > 1, $"shut {lnS}, open {lnO}");
        // the line is flat in porosity, so the two cubes' residuals are exactly ∓h
        var rock = new WganTrainer.RockConductivity(Mean: (lnS + lnO) / 2, Slope: 0, PorosityMean: 0.2, Sd: h);
        Assert.Equal(0, t.ConductanceTerm(raw, rock, axis: 0).item<float>(), 1e-4);   // the mean is met
        var residuals = new[] { -h / 2, h / 2 };
        var term = t.ConductanceTerm(raw, rock, axis: 0, residuals);
        // each cube misses its quantile (−h/2 for the shut one, +h/2 for the open one) by h/2, ½ a spread
        Assert.Equal(2 * 0.25, term.item<float>(), 1e-3);
        term.backward();
        var g = raw.grad!.data<float>().ToArray();
        int cube = n * n * n;
        int gap = (16 * n + 1) * n + 1;                              // a shut voxel in a channel's way
        // ∂/∂r = λ/b · 2e/s = 2/2 · 2(∓½)/h; through ∂ ln σ/∂pore of each cube's own solve, ½ straight-through
        double dShut = -1.0 / h, dOpen = 1.0 / h;
        double wantGap = dShut * s.Sensitivity![gap] * (1 - WganTrainer.ConductanceSolid) / s.Conductivity * 0.5;
        Assert.True(wantGap < 0);                                    // descent opens the shut plane
        Assert.Equal(wantGap, g[gap], Math.Abs(wantGap) * 1e-3);
        int inChannel = (10 * n + 1) * n + 1;                        // pore in the open cube's channel
        double wantChannel = dOpen * o.Sensitivity![inChannel] * (1 - WganTrainer.ConductanceSolid) / o.Conductivity * 0.5;
        Assert.True(wantChannel > 0);                                // descent narrows the open cube's channels
        Assert.Equal(wantChannel, g[cube + inChannel], Math.Abs(wantChannel) * 1e-3);
        // far below the rock's spread the loss grows linearly: 4|e| − 4 beyond e = 2
        raw.grad!.zero_();
        var far = t.ConductanceTerm(raw, rock, axis: 0, new[] { h * 2, h * 3 });      // e = −3 and −2
        double eShut = (-h - 2 * h) / h, eOpen = (h - 3 * h) / h;
        double want = 2 * ((4 * Math.Abs(eShut) - 4) + (4 * Math.Abs(eOpen) - 4)) / 2;
        Assert.Equal(want, far.item<float>(), want * 1e-4);
        Assert.Equal(0.5, WganTrainer.Quantile(new[] { 0.0, 1.0 }, 0.5), 12);       // halfway between 0 (at ¼) and 1 (at ¾)
        Assert.Equal(0.0, WganTrainer.Quantile(new[] { 0.0, 1.0 }, 0.1), 12);
        Assert.Equal(1.0, WganTrainer.Quantile(new[] { 0.0, 1.0 }, 0.9), 12);
        Assert.Equal(0.25, WganTrainer.Quantile(new[] { 0.0, 1.0 }, 0.375), 12);
    }

    [Fact]
    public void ARunWithTheConductanceTermMeasuresTheRockOnceRecordsItAndResumesExactly()
    {
        var arch = new GanArchitecture(32, 20, "lean");
        var data = Data();
        var opts = Options with { ConductanceWeight = 3 };
        float[] plain, withTerm;
        using (var t = new WganTrainer(arch, Options)) { t.Step(data); t.Step(data); plain = Weights(t.G); Assert.Null(t.RockConductanceValues); }
        WganTrainer.RockConductivity rock;
        using (var t = new WganTrainer(arch, opts)) { t.Step(data); t.Step(data); withTerm = Weights(t.G); rock = t.RockConductanceValues!.Value; }
        Assert.True(plain.Zip(withTerm).Max(p => Math.Abs(p.First - p.Second)) > 1e-6); // the term acts
        Assert.True(rock.Mean < 0 && rock.Sd >= 0.1 && rock.Slope > 0, $"rock {rock}");      // more porous cubes conduct more
        using var r = OneStepCheckpointedAndResumed(arch, opts, data, "conductance.ckpt", card => Assert.Equal(3, card.ConductanceWeight));
        Assert.Equal(3, r.Options.ConductanceWeight);
        r.Step(data);
        Assert.Equal(rock, r.RockConductanceValues!.Value);
        Assert.True(withTerm.Zip(Weights(r.G)).Max(p => Math.Abs(p.First - p.Second)) < 1e-4);
    }

    [Fact]
    public void ARunWithItsOwnLinealPathLengthsRecordsThemAndResumesWithThem()
    {
        var arch = new GanArchitecture(32, 20, "lean");
        var data = Data();
        var opts = Options with { LinealPathWeight = 5, LinealPathLengths = [1, 2, 6] };
        string ckpt = Path.Combine(dir, "lpl.ckpt");
        double[] rock;
        using (var t = new WganTrainer(arch, opts))
        {
            t.Step(data);
            rock = t.RockLinealPathValues!;
            Assert.Equal(3, rock.Length);
            Assert.True(rock[0] > rock[1] && rock[1] > rock[2]);
            var card = new TrainingRun(t, data, dir, "blobs").Card();
            Assert.Equal([1, 2, 6], card.LinealPathLengths!);
            t.SaveCheckpoint(ckpt, card);
        }
        using var r = WganTrainer.Resume(ckpt);
        Assert.Equal([1, 2, 6], r.Options.LinealPathLengths!);
        r.Step(data);
        Assert.Equal(rock, r.RockLinealPathValues);
    }

    [Fact]
    public void ARunWithTheLinealPathTermMeasuresTheRockOnceAndResumesExactly()
    {
        var arch = new GanArchitecture(32, 20, "lean");
        var data = Data();
        var opts = Options with { LinealPathWeight = 5 };
        float[] straight, plain;
        using (var t = new WganTrainer(arch, Options)) { t.Step(data); t.Step(data); plain = Weights(t.G); }
        double[] rock;
        using (var t = new WganTrainer(arch, opts))
        {
            t.Step(data); t.Step(data); straight = Weights(t.G);
            rock = t.RockLinealPathValues!;
        }
        Assert.True(plain.Zip(straight).Max(p => Math.Abs(p.First - p.Second)) > 1e-6); // the term acts
        // L(1) is the rock's porosity, and L falls with length
        Assert.InRange(rock[0], 0.2, 0.4);
        for (int i = 1; i < rock.Length; i++) Assert.True(rock[i] < rock[i - 1]);
        using var r = OneStepCheckpointedAndResumed(arch, opts, data, "lp.ckpt", card => Assert.Equal(5, card.LinealPathWeight));
        r.Step(data);
        Assert.Equal(rock, r.RockLinealPathValues);
        Assert.True(straight.Zip(Weights(r.G)).Max(p => Math.Abs(p.First - p.Second)) < 1e-4);
    }

    [Fact]
    public void ARunWithThePlaneProfileTermResumesExactly()
    {
        var arch = new GanArchitecture(32, 20, "lean");
        var data = Data();
        var opts = Options with { ProfileWeight = 50 };
        float[] straight, plain;
        using (var t = new WganTrainer(arch, Options)) { t.Step(data); t.Step(data); plain = Weights(t.G); }
        using (var t = new WganTrainer(arch, opts)) { t.Step(data); t.Step(data); straight = Weights(t.G); }
        Assert.True(plain.Zip(straight).Max(p => Math.Abs(p.First - p.Second)) > 1e-6); // the term acts
        string ckpt = Path.Combine(dir, "p.ckpt");
        using (var t = new WganTrainer(arch, opts))
        {
            t.Step(data);
            var card = new TrainingRun(t, data, dir, "blobs").Card();
            Assert.Equal(50, card.ProfileWeight);
            t.SaveCheckpoint(ckpt, card);
        }
        using var r = WganTrainer.Resume(ckpt);
        Assert.NotNull(r.PlaneProfile);
        r.Step(data);
        Assert.True(straight.Zip(Weights(r.G)).Max(p => Math.Abs(p.First - p.Second)) < 1e-4);
    }

    [Fact]
    public void TheLearningRateHalvesEveryHalfLifeFromTheWarmStartAndResumesOnSchedule()
    {
        var arch = new GanArchitecture(32, 20, "lean");
        var data = Data();
        string modelPath = Path.Combine(dir, "warm.model");
        using (var t = new WganTrainer(arch, Options)) { t.Step(data); t.Step(data); new GeneratorModel(t.G, new ModelCard { Architecture = arch, VoxelSize = 5e-6, Iterations = t.Iteration }).Save(modelPath); }
        var opts = Options with { GeneratorLr = 4e-4, GeneratorLrHalfLife = 2 };
        float[] constant, decayed;
        using (var m = GeneratorModel.Load(modelPath))
        using (var t = new WganTrainer(arch, Options with { GeneratorLr = 4e-4 }))
        {
            t.InitGenerator(m);
            for (int i = 0; i < 3; i++) t.Step(data);
            Assert.Equal(4e-4, t.GeneratorLearningRate, 12);
            constant = Weights(t.G);
        }
        using (var m = GeneratorModel.Load(modelPath))
        using (var t = new WganTrainer(arch, opts))
        {
            t.InitGenerator(m);
            Assert.Equal(2, t.StartIteration);
            // iterations 3, 4, 5 of a run that starts at 2: full rate, then 2^-1/2, then a half
            double[] expected = [4e-4, 4e-4 / Math.Sqrt(2), 2e-4];
            for (int i = 0; i < 3; i++)
            {
                t.Step(data);
                Assert.Equal(expected[i], t.GeneratorLearningRate, 12);
                Assert.Equal(expected[i], t.GeneratorLrAt(t.Iteration), 12);
            }
            decayed = Weights(t.G);
            Assert.Equal(4e-4 / 4, t.GeneratorLrAt(2 + 1 + 4), 12);
        }
        Assert.True(constant.Zip(decayed).Max(p => Math.Abs(p.First - p.Second)) > 1e-6); // the schedule acts
        string ckpt = Path.Combine(dir, "decay.ckpt");
        using (var m = GeneratorModel.Load(modelPath))
        using (var t = new WganTrainer(arch, opts))
        {
            t.InitGenerator(m);
            t.Step(data); t.Step(data);
            var card = new TrainingRun(t, data, dir, "blobs").Card();
            Assert.Equal((4e-4, 2.0), (card.GeneratorLr, card.GeneratorLrHalfLife));
            t.SaveCheckpoint(ckpt, card);
        }
        using var r = WganTrainer.Resume(ckpt);
        Assert.Equal(2, r.StartIteration);
        r.Step(data);
        Assert.Equal(2e-4, r.GeneratorLearningRate, 12);
        Assert.True(decayed.Zip(Weights(r.G)).Max(p => Math.Abs(p.First - p.Second)) < 1e-4);
        Assert.Contains("half-life", Assert.Throws<BadInputException>(() => new WganTrainer(arch, Options with { GeneratorLrHalfLife = -1 })).Message);
        Assert.Contains("half-life", Assert.Throws<BadInputException>(() => new WganTrainer(arch, Options with { GeneratorLrHalfLife = double.NaN })).Message);
    }

    [Fact]
    public void TheCriticsLearningRateHalvesOnItsOwnScheduleWarmsUpAtTheFullRateAndResumes()
    {
        var arch = new GanArchitecture(32, 20, "lean");
        var data = Data();
        string modelPath = Path.Combine(dir, "warm-critic.model");
        using (var t = new WganTrainer(arch, Options)) { t.Step(data); new GeneratorModel(t.G, new ModelCard { Architecture = arch, VoxelSize = 5e-6, Iterations = t.Iteration }).Save(modelPath); }
        var opts = Options with { CriticLr = 2e-4, CriticLrHalfLife = 1 };
        string ckpt = Path.Combine(dir, "critic-decay.ckpt");
        float[] critic;
        using (var m = GeneratorModel.Load(modelPath))
        using (var t = new WganTrainer(arch, opts))
        {
            t.InitGenerator(m);
            t.WarmUpCritic(data, 1);
            Assert.Equal(2e-4, t.CriticLearningRate, 12);                    // warm-up: full rate
            t.Step(data);
            Assert.Equal(2e-4, t.CriticLearningRate, 12);                    // iteration 2 of a run from 1
            Assert.Equal(Options.GeneratorLr, t.GeneratorLearningRate, 12);  // the generator's own rate untouched
            t.Step(data);
            Assert.Equal(1e-4, t.CriticLearningRate, 12);
            var card = new TrainingRun(t, data, dir, "blobs").Card();
            Assert.Equal(1.0, card.CriticLrHalfLife);
            Assert.Null(card.GeneratorLrHalfLife);
            t.SaveCheckpoint(ckpt, card);
            t.Step(data);
            Assert.Equal(5e-5, t.CriticLearningRate, 12);
            critic = Weights(t.D);
        }
        using (var r = WganTrainer.Resume(ckpt))
        {
            r.Step(data);
            Assert.Equal(5e-5, r.CriticLearningRate, 12);
            Assert.True(critic.Zip(Weights(r.D)).Max(p => Math.Abs(p.First - p.Second)) < 1e-4); // resumed exactly
        }
        using (var m = GeneratorModel.Load(modelPath))
        using (var t = new WganTrainer(arch, Options with { CriticLr = 2e-4 }))
        {
            t.InitGenerator(m);
            t.WarmUpCritic(data, 1);
            t.Step(data); t.Step(data); t.Step(data);
            Assert.Equal(2e-4, t.CriticLearningRate, 12);
            Assert.True(critic.Zip(Weights(t.D)).Max(p => Math.Abs(p.First - p.Second)) > 1e-6); // the schedule acts
        }
        Assert.Contains("critic's learning-rate half-life", Assert.Throws<BadInputException>(() => new WganTrainer(arch, Options with { CriticLrHalfLife = -1 })).Message);
        Assert.Contains("critic's learning-rate half-life", Assert.Throws<BadInputException>(() => new WganTrainer(arch, Options with { CriticLrHalfLife = double.PositiveInfinity })).Message);
    }

    [Fact]
    public void ModelFileAndLatentsRegenerateTheSameCube()
    {
        var arch = new GanArchitecture(32, 20, "lean");
        string modelPath = Path.Combine(dir, "g.model"), latPath = Path.Combine(dir, "z.csv");
        using (var t = new WganTrainer(arch, Options))
            new GeneratorModel(t.G, new ModelCard { Architecture = arch, VoxelSize = 5e-6 }).Save(modelPath);
        var rng = new Random(3);
        var zs = new List<float[]> { StandardNormal.Vector(rng, 20), StandardNormal.Vector(rng, 20) };
        Latents.Write(latPath, zs);
        var back = Latents.Read(latPath, 20);
        Assert.Equal(zs[1], back[1]);
        using var m1 = GeneratorModel.Load(modelPath);
        using var m2 = GeneratorModel.Load(modelPath);
        var a = m1.Generate(zs); var b = m2.Generate(back);
        Assert.Equal(a[0].Data, b[0].Data);
        Assert.Equal(a[1].Data, b[1].Data);
        Assert.Equal(5e-6, a[0].VoxelSize);
        Assert.Equal(m1.Sha256, m2.Sha256);
    }

    [Fact]
    public void PostProcessingWithAndWithoutTheMedianFilter()
    {
        var arch = new GanArchitecture(32, 20, "lean");
        string modelPath = Path.Combine(dir, "gm.model");
        using (var t = new WganTrainer(arch, Options))
            new GeneratorModel(t.G, new ModelCard { Architecture = arch, VoxelSize = 5e-6 }).Save(modelPath);
        using var m = GeneratorModel.Load(modelPath);
        var z = new List<float[]> { StandardNormal.Vector(new Random(8), 20) };
        var raw = m.Forward(z)[0];
        // without the filter a fixed threshold is exactly the sign of the tanh output
        var plain = m.Generate(z, threshold: 0, median: false)[0];
        Assert.Equal(raw.Select(x => x > 0 ? (byte)1 : (byte)0).ToArray(), plain.Data);
        // with it, the threshold applies to the 3³ median of the output
        var filtered = m.Generate(z, threshold: 0)[0];
        var median = PorousActors.Core.Filters.MedianFilter.Apply3(raw, 32, 32, 32);
        Assert.Equal(median.Select(x => x > 0 ? (byte)1 : (byte)0).ToArray(), filtered.Data);
        Assert.NotEqual(plain.Data, filtered.Data);
        // a card that turns the filter off is followed by every default call, and survives a save
        string offPath = Path.Combine(dir, "gm-off.model");
        new GeneratorModel(m.Network, m.Card with { MedianFilter = false }).Save(offPath);
        using var off = GeneratorModel.Load(offPath);
        Assert.False(off.Card.MedianFilter);
        Assert.Equal(plain.Data, off.Generate(z, threshold: 0)[0].Data);
        Assert.Equal(filtered.Data, off.Generate(z, threshold: 0, median: true)[0].Data);
        Assert.Null(m.Card.MedianFilter);   // older cards: the paper's filter
    }

    [Fact]
    public void WarmStartCopiesTheGeneratorAndItsIterationCount()
    {
        var arch = new GanArchitecture(32, 20, "lean");
        string modelPath = Path.Combine(dir, "w.model");
        float[] trained;
        using (var t = new WganTrainer(arch, Options))
        {
            t.Step(Data());
            trained = Weights(t.G);
            new GeneratorModel(t.G, new ModelCard { Architecture = arch, VoxelSize = 5e-6, Iterations = t.Iteration }).Save(modelPath);
        }
        using var m = GeneratorModel.Load(modelPath);
        using var fresh = new WganTrainer(arch, Options with { Seed = 99 });
        fresh.InitGenerator(m);
        Assert.Equal(trained, Weights(fresh.G));
        Assert.Equal(1, fresh.Iteration);
        fresh.Step(Data());
        Assert.Equal(2, fresh.Iteration);
        using var other = new WganTrainer(new GanArchitecture(64, 20, "lean"), Options);
        Assert.Throws<BadInputException>(() => other.InitGenerator(m));
    }

    [Fact]
    public void CorruptOrWrongFilesGetClearErrors()
    {
        string junk = Path.Combine(dir, "junk.ckpt");
        File.WriteAllText(junk, "not a zip");
        Assert.Contains("corrupt", Assert.Throws<BadInputException>(() => WganTrainer.Resume(junk)).Message);
        Assert.Contains("corrupt", Assert.Throws<BadInputException>(() => GeneratorModel.Load(junk)).Message);
        Assert.Contains("not found", Assert.Throws<BadInputException>(() => GeneratorModel.Load(Path.Combine(dir, "none.model"))).Message);

        // a model file is not a checkpoint
        var arch = new GanArchitecture(32, 20, "lean");
        string modelPath = Path.Combine(dir, "g.model");
        using (var t = new WganTrainer(arch, Options))
            new GeneratorModel(t.G, new ModelCard { Architecture = arch, VoxelSize = 5e-6 }).Save(modelPath);
        Assert.Contains("not a training checkpoint", Assert.Throws<BadInputException>(() => WganTrainer.Resume(modelPath)).Message);

        // weights that do not match the card's architecture
        string mismatched = Path.Combine(dir, "m.model");
        using (var zip = System.IO.Compression.ZipFile.Open(mismatched, System.IO.Compression.ZipArchiveMode.Create))
        {
            GeneratorModel.WriteCard(zip, new ModelCard { Architecture = new GanArchitecture(64), VoxelSize = 5e-6 });
            using var g32 = new Gan.Generator(arch);
            GeneratorModel.SaveModule(g32, zip, GeneratorModel.GeneratorEntry);
        }
        Assert.Contains("does not match", Assert.Throws<BadInputException>(() => GeneratorModel.Load(mismatched)).Message);

        using var m = GeneratorModel.Load(modelPath);
        Assert.Throws<BadInputException>(() => m.Generate([new float[5]]));
        Assert.Throws<BadInputException>(() => m.Generate([Enumerable.Repeat(float.NaN, 20).ToArray()]));
    }
}

[Collection(TorchRng.Collection)]
public class BatchNormCalibrationTests
{
    static Gan.Generator Spoiled()
    {
        manual_seed(3);
        var g = new Gan.Generator(new GanArchitecture(32));
        using var noGrad = no_grad();
        // what a short running average can leave behind: statistics far from the population's
        foreach (var bn in g.modules().OfType<TorchSharp.Modules.BatchNorm>()) { bn.running_mean!.fill_(0.5); bn.running_var!.fill_(4); }
        return g;
    }

    static (float Eval, float Train) MeanOutputs(Gan.Generator g, Tensor z)
    {
        using var noGrad = no_grad();
        g.eval();
        float e = g.forward(z).mean().item<float>();
        float t;
        using (g.PreserveBatchNormStatistics()) // a training-mode pass updates the running averages
        {
            g.train();
            t = g.forward(z).mean().item<float>(); // batch statistics, as during training
        }
        g.eval();
        return (e, t);
    }

    [Fact]
    public void CalibratedFirstLayerHasThePopulationStatisticsAndEvalMatchesTrainingMode()
    {
        using var scope = NewDisposeScope();
        using var g = Spoiled();
        manual_seed(11);
        var z = randn(32, 20);
        var (evalBefore, train) = MeanOutputs(g, z);
        g.CalibrateBatchNorm(new Random(5), latentSamples: 8192, batches: 6, batchSize: 8);
        var (evalAfter, trainAfter) = MeanOutputs(g, z);
        Assert.Equal(train, trainAfter, 5); // training-mode output does not depend on running statistics
        Assert.True(Math.Abs(evalAfter - train) < 0.25 * Math.Abs(evalBefore - train),
            $"eval mean {evalAfter} should approach training-mode mean {train} (before calibration {evalBefore})");

        // first layer: running mean/var equal an independent estimate from fresh latents
        var bn0 = g.modules().OfType<TorchSharp.Modules.BatchNorm1d>().Single();
        var fc = g.modules().OfType<TorchSharp.Modules.Linear>().Single();
        using var noGrad = no_grad();
        var y = fc.forward(randn(8192, 20));
        var sd = y.std(0);
        double meanErr = ((bn0.running_mean! - y.mean([0])).abs() / sd).max().item<float>();
        double varRatio = (bn0.running_var! / y.var(0)).mean().item<float>();
        Assert.True(meanErr < 0.1, $"running mean off by {meanErr} σ");
        Assert.InRange(varRatio, 0.95, 1.05);
    }

    [Fact]
    public void CalibrationIsReproducibleAndLeavesWeightsAndCheckpointStatisticsAlone()
    {
        using var scope = NewDisposeScope();
        using var a = Spoiled();
        using var b = Spoiled();
        var weights = a.parameters().Select(p => p.clone()).ToList();
        var before = a.buffers().Select(t => t.clone()).ToList();
        using (a.PreserveBatchNormStatistics())
        {
            a.CalibrateBatchNorm(new Random(9), 2048, 3, 4);
            Assert.Contains(a.buffers().Zip(before), p => !p.First.eq(p.Second).all().item<bool>()); // it changed something
        }
        Assert.All(a.buffers().Zip(before), p => Assert.True(p.First.eq(p.Second).all().item<bool>())); // …and put it back
        a.CalibrateBatchNorm(new Random(9), 2048, 3, 4);
        b.CalibrateBatchNorm(new Random(9), 2048, 3, 4);
        Assert.All(a.buffers().Zip(b.buffers()), p => Assert.True(p.First.eq(p.Second).all().item<bool>()));
        Assert.All(a.parameters().Zip(weights), p => Assert.True(p.First.eq(p.Second).all().item<bool>()));
    }

    [Fact]
    public void TrainingModeSamplingNormalisesByTheBatchAndLeavesTheSamplerAsItWas()
    {
        using var scope = NewDisposeScope();
        var g = Spoiled();
        g.eval();
        using var m = new GeneratorModel(g, new ModelCard { Architecture = g.Architecture, VoxelSize = 5e-6 });
        var rng = new Random(3);
        var batch = Enumerable.Range(0, 4).Select(_ => StandardNormal.Vector(rng, 20)).ToList();
        var evalBefore = m.Forward(batch);
        var buffers = g.buffers().Select(t => t.clone()).ToList();
        var asTrained = m.ForwardAsTrained(batch);
        // training mode: the network's own forward pass on the batch with batch statistics
        float[] expected;
        using (g.PreserveBatchNormStatistics())
        using (no_grad())
        {
            g.train();
            var flat = batch.SelectMany(v => v).ToArray();
            expected = g.forward(tensor(flat, new long[] { 4, 20 })).data<float>().ToArray();
            g.eval();
        }
        Assert.Equal(expected.AsSpan(0, asTrained[0].Length).ToArray(), asTrained[0]);
        Assert.True(evalBefore[0].Zip(asTrained[0]).Max(p => Math.Abs(p.First - p.Second)) > 1e-3); // not the eval-mode cube
        // a cube depends on its batch-mates
        var other = new List<float[]> { batch[0], StandardNormal.Vector(rng, 20), StandardNormal.Vector(rng, 20), StandardNormal.Vector(rng, 20) };
        Assert.True(m.ForwardAsTrained(other)[0].Zip(asTrained[0]).Max(p => Math.Abs(p.First - p.Second)) > 1e-3);
        // and the sampler is left as it was: eval mode, the same statistics, the same cubes
        Assert.All(g.buffers().Zip(buffers), p => Assert.True(p.First.eq(p.Second).all().item<bool>()));
        Assert.Equal(evalBefore[0], m.Forward(batch)[0]);
        Assert.Contains("batch of at least 2", Assert.Throws<BadInputException>(() => m.ForwardAsTrained([batch[0]])).Message);
    }
}
