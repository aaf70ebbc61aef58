using PorousActors.Core;
using PorousActors.Core.Generators;
using TorchSharp;
using static TorchSharp.torch;

namespace PorousActors.Gan.Tests;

/// <summary>The fully convolutional generator (#18): a latent grid, no edges, any output size.</summary>
[Collection(TorchRng.Collection)]
public sealed class ConvolutionalGeneratorTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("porous-conv-").FullName;
    public void Dispose() => Directory.Delete(dir, true);

    static readonly GanArchitecture Conv32 = new(32, 4, "lean", "convolutional");

    static Gan.Generator Untrained(GanArchitecture arch, int seed)
    {
        lock (TorchRandom.GlobalGate)
        {
            manual_seed(seed);
            var g = new Gan.Generator(arch);
            g.eval();
            return g;
        }
    }

    static float MaxAbsDiff(Tensor a, Tensor b) => (a - b).abs().max().item<float>();

    [Fact]
    public void ShiftingTheLatentGridByOneCellShiftsTheRockBySixteenVoxels()
    {
        // a stationary generator: no voxel depends on where the grid ends, so moving the grid one
        // cell moves the output 16 voxels, exactly; an edge effect anywhere would break this
        using var scope = NewDisposeScope();
        using var g = Untrained(Conv32, 3);
        using var noGrad = no_grad();
        manual_seed(11);
        var a = randn(new long[] { 1, 4, 7, 6, 6 });                     // L = 7 along z, 6 across
        var shifted = cat([a[.., .., 1..], randn(new long[] { 1, 4, 1, 6, 6 })], 2); // drop the first z cell, add a new last one
        var ya = g.forward(a);
        var yb = g.forward(shifted);
        Assert.Equal(new long[] { 1, 1, 16 * 5 - 30, 16 * 4 - 30, 16 * 4 - 30 }, ya.shape);
        long n = ya.shape[2];
        float same = MaxAbsDiff(ya[.., .., 16..], yb[.., .., ..(int)(n - 16)]);
        Assert.True(same < 1e-5f, $"shifted outputs differ by {same}");
        // the same along x, the other way: prepend a cell, drop the last
        var right = cat([randn(new long[] { 1, 4, 7, 6, 1 }), a[.., .., .., .., ..5]], 4);
        var yc = g.forward(right);
        long m = ya.shape[4];
        float sameX = MaxAbsDiff(yc[.., .., .., .., 16..], ya[.., .., .., .., ..(int)(m - 16)]);
        Assert.True(sameX < 1e-5f, $"shifted outputs differ by {sameX}");
    }

    [Fact]
    public void ALatentCellChangesOnlyTheRockNearIt()
    {
        using var scope = NewDisposeScope();
        using var g = Untrained(Conv32, 4);
        using var noGrad = no_grad();
        manual_seed(12);
        var a = randn(new long[] { 1, 4, 10, 6, 6 });   // output 98 voxels along z
        var b = a.clone();
        b[.., .., 2] = randn(new long[] { 1, 4, 6, 6 }); // a new third z-layer of cells
        var diff = (g.forward(a) - g.forward(b)).abs().amax([0, 1, 3, 4]).data<float>().ToArray();
        // latent cell 2 feeds stem cells 0-2 (3³, no padding); stem cell i reaches output voxels
        // 16i − 30 … 16i + 15 through the four doublings, so voxels 48 and beyond cannot change
        Assert.Equal(98, diff.Length);
        Assert.True(diff[..48].Max() > 1e-3f, "the changed cell changed nothing");
        Assert.All(diff[48..], d => Assert.True(d < 1e-6f, $"a far voxel changed by {d}"));
    }

    [Fact]
    public void TransferredDoublingsMatchThePaperGeneratorAwayFromItsEdges()
    {
        using var scope = NewDisposeScope();
        using var paper = Untrained(new GanArchitecture(32, 4, "lean"), 5);
        using var conv = Untrained(Conv32, 6);
        conv.TransferFromPaper(paper);
        paper.eval(); conv.eval();
        using var noGrad = no_grad();
        manual_seed(13);
        var h = randn(new long[] { 1, GanArchitecture.GeneratorChannels, 4, 4, 4 });
        var yp = paper.Doublings(h);   // 64³, padding 1: the outer voxels saw part of their inputs
        var yc = conv.Doublings(h);    // 34³, padding 2: only voxels that saw all of theirs
        Assert.Equal(64, yp.shape[2]);
        Assert.Equal(34, yc.shape[2]);
        // each padding-1 layer keeps one more voxel per side: offset 1 + 2 + 4 + 8 = 15
        var inner = yp[.., .., 15..49, 15..49, 15..49];
        Assert.True(MaxAbsDiff(inner, yc) < 1e-5f);
        Assert.Throws<ArgumentException>(() => paper.TransferFromPaper(conv));
    }

    [Fact]
    public void AModelMakesAnySizeFromItsLatentGridAndTheLatentsRegenerateIt()
    {
        string modelPath = Path.Combine(dir, "conv.model");
        using (var t = new WganTrainer(Conv32, new TrainingOptions { Batch = 2, CriticSteps = 1, Seed = 3 }))
            new GeneratorModel(t.G, new ModelCard { Architecture = Conv32, VoxelSize = 5e-6 }).Save(modelPath);
        foreach (int size in new[] { 32, 48, 80 })
        {
            using var m = GeneratorModel.Load(modelPath, size: size);
            int grid = Conv32.LatentGrid(size);
            // the smallest grid leaving a voxel per side for the median filter
            Assert.True(GanArchitecture.ConvolutionalOutputEdge(grid) >= size + 2 && GanArchitecture.ConvolutionalOutputEdge(grid - 1) < size + 2);
            Assert.Equal(4 * grid * grid * grid, m.Latent);
            var z = StandardNormal.Vector(new Random(size), m.Latent);
            var cube = m.Generate([z])[0];
            Assert.Equal((size, size, size), (cube.Nz, cube.Ny, cube.Nx));
            using var again = GeneratorModel.Load(modelPath, size: size);
            Assert.Equal(cube.Data, again.Generate([z])[0].Data);
        }
        Assert.Throws<BadInputException>(() => GeneratorModel.Load(modelPath, size: 8));
        Assert.Throws<BadInputException>(() => GeneratorModel.Load(modelPath, size: GanArchitecture.MaxConvolutionalSize + 1));
    }

    [Fact]
    public void ThePaperGeneratorRefusesOtherSizes()
    {
        var arch = new GanArchitecture(32, 20, "lean");
        string modelPath = Path.Combine(dir, "paper.model");
        using (var t = new WganTrainer(arch, new TrainingOptions { Batch = 2, CriticSteps = 1, Seed = 3 }))
            new GeneratorModel(t.G, new ModelCard { Architecture = arch, VoxelSize = 5e-6 }).Save(modelPath);
        var e = Assert.Throws<BadInputException>(() => GeneratorModel.Load(modelPath, size: 64));
        Assert.Contains("convolutional", e.Message);
        using var m = GeneratorModel.Load(modelPath, size: 32);
        Assert.Equal(20, m.Latent);
    }

    [Fact]
    public void TrainsResumesAndRecordsItsWarmStart()
    {
        var data = new TrainingData([GaussianBlobs.Generate(40, 0.3, 2, 1, 5e-6)], 32, 8);
        var options = new TrainingOptions { Batch = 2, CriticSteps = 2, Seed = 7, EmaDecay = 0.9 };
        string paperPath = Path.Combine(dir, "paper32.model"), ckpt = Path.Combine(dir, "conv.ckpt");
        var paperArch = new GanArchitecture(32, 4, "lean");
        using (var t = new WganTrainer(paperArch, options))
        {
            t.Step(data);
            new GeneratorModel(t.G, new ModelCard { Architecture = paperArch, VoxelSize = 5e-6, Iterations = 1 }).Save(paperPath);
        }
        float[] straight;
        using (var paper = GeneratorModel.Load(paperPath))
        using (var t = new WganTrainer(Conv32, options))
        {
            t.InitGenerator(paper, "paper32.model");
            Assert.Equal(0, t.Iteration); // a new network: its own count
            Assert.Contains("paper32.model", t.InitialisedFrom);
            var s = t.Step(data);
            Assert.True(double.IsFinite(s.CriticLoss) && double.IsFinite(s.GeneratorLoss));
            t.SaveCheckpoint(ckpt, new ModelCard { Architecture = Conv32, VoxelSize = 5e-6 });
            t.Step(data);
            straight = t.G.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();
        }
        using var r = WganTrainer.Resume(ckpt);
        Assert.Contains("paper32.model", r.InitialisedFrom);
        Assert.True(r.Architecture.IsConvolutional);
        r.Step(data);
        var resumed = r.G.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();
        Assert.True(straight.Zip(resumed).Max(p => Math.Abs(p.First - p.Second)) < 1e-4);
        // the other way round is refused
        using var conv = new GeneratorModel(new Gan.Generator(Conv32), new ModelCard { Architecture = Conv32, VoxelSize = 5e-6 });
        using var paperTrainer = new WganTrainer(paperArch, options);
        Assert.Throws<BadInputException>(() => paperTrainer.InitGenerator(conv));
    }

    [Fact]
    public void LocalDeformationChangesTheRockInsideItsBoxOnly()
    {
        string modelPath = Path.Combine(dir, "local.model");
        using (var g = Untrained(Conv32, 8))
            new GeneratorModel(g, new ModelCard { Architecture = Conv32, VoxelSize = 5e-6, Threshold = 0 }).Save(modelPath);
        using var m = GeneratorModel.Load(modelPath, size: 128);
        var mask = m.LatentEntriesInside((10, 118), (0, 128), (0, 128));
        Assert.Contains(true, mask);
        Assert.Contains(false, mask);
        var rng = new Random(4);
        var z0 = StandardNormal.Vector(rng, m.Latent);
        var z1 = Conditioning.ConditioningChain.Combine(z0, StandardNormal.Vector(rng, m.Latent), 0.9, mask);
        for (int i = 0; i < mask.Length; i++) if (!mask[i]) Assert.Equal(z0[i], z1[i]);
        // the generator's output (before the median filter and threshold, which are local too)
        var before = m.Forward([z0])[0];
        var after = m.Forward([z1])[0];
        int plane = 128 * 128;
        float changedInside = 0;
        for (int z = 0; z < 128; z++)
        {
            bool inside = z >= 10 && z < 118;
            float diff = 0;
            for (int i = z * plane; i < (z + 1) * plane; i++) diff = Math.Max(diff, Math.Abs(before[i] - after[i]));
            if (inside) changedInside = Math.Max(changedInside, diff);
            else Assert.True(diff < 1e-6f, $"plane z = {z}, outside the box, changed by {diff}");
        }
        Assert.True(changedInside > 1e-3f, $"the rock inside the box changed by only {changedInside}");
        // and the binary rock outside the box is the same voxel for voxel
        var a = m.Generate([z0])[0].Data; var b = m.Generate([z1])[0].Data;
        for (int i = 0; i < 10 * plane; i++) Assert.Equal(a[i], b[i]);
        for (int i = 118 * plane; i < a.Length; i++) Assert.Equal(a[i], b[i]);
        // a box narrower than a cell's reach owns no latent cell
        Assert.Throws<BadInputException>(() => m.LatentEntriesInside((40, 100), (0, 128), (0, 128)));
    }

    [Fact]
    public void ACubeIsPostProcessedAsTheSameBlockInsideALargerVolume()
    {
        // sizes 30 and 32 share a 6-cell grid (34 voxels): the 30³ cube must be the centre of the
        // 32³ one voxel for voxel, median filter and threshold included (no face effect of its own)
        string modelPath = Path.Combine(dir, "faces.model");
        using (var g = Untrained(Conv32, 9))
            new GeneratorModel(g, new ModelCard { Architecture = Conv32, VoxelSize = 5e-6, Threshold = 0 }).Save(modelPath);
        using var m30 = GeneratorModel.Load(modelPath, size: 30);
        using var m32 = GeneratorModel.Load(modelPath, size: 32);
        Assert.Equal(m30.Latent, m32.Latent);
        var z = StandardNormal.Vector(new Random(6), m30.Latent);
        // a threshold at the median of the raw output, so both phases are plentiful in an untrained net
        var raw = m32.Forward([z])[0];
        float t = raw.OrderBy(v => v).ElementAt(raw.Length / 2);
        var small = m30.Generate([z], threshold: t)[0];
        var big = m32.Generate([z], threshold: t)[0];
        Assert.InRange(Core.Metrics.Porosity.Compute(big), 0.2, 0.8);
        Assert.Equal(big.Crop(1, 1, 1, 30, 30, 30).Data, small.Data);
    }
}
