using Akka.Actor;
using Akka.TestKit.Xunit2;
using PorousActors.Actors.Generation;
using PorousActors.Conditioning;
using PorousActors.Gan;

namespace PorousActors.Actors.Tests;

/// <summary>Several generator devices behind one address: work goes to the least-loaded device,
/// and on the CPU a cube depends only on its latent, not on the device or the batch it shared.</summary>
public sealed class MultiDeviceTests : TestKit, IDisposable
{
    public MultiDeviceTests() : base(Akka.Configuration.ConfigurationFactory.ParseString(@"
        akka.loglevel = WARNING
        akka.test.single-expect-default = 10s
        porous.generator-dispatcher { type = PinnedDispatcher }")) { }

    readonly string dir = Directory.CreateTempSubdirectory("porous-dev-").FullName;
    void IDisposable.Dispose() { Directory.Delete(dir, true); base.Dispose(); }

    string TinyModel()
    {
        var arch = new GanArchitecture(32, 20, "lean");
        TorchSharp.torch.manual_seed(5);
        using var g = new Generator(arch);
        string path = Path.Combine(dir, "g.model");
        new GeneratorModel(g, new ModelCard { Architecture = arch, VoxelSize = 5e-6 }).Save(path);
        return path;
    }

    [Fact]
    public async Task TwoCpuDevicesShareTheWorkAndCubesAreBitIdenticalPerLatent()
    {
        string model = TinyModel();
        var devices = GanGenerator.ForDevices(model, Devices.Resolve("cpu,cpu"));
        Assert.Equal(2, devices.Count);
        var pool = Sys.ActorOf(GeneratorActor.ForDevices(devices.Cast<IGenerator>().ToList(), batchSize: 3, batchWait: TimeSpan.FromMilliseconds(5)));
        // requests of 1, 2 and 4 latents from several chains, so batches mix in different ways
        var rng = new Random(9);
        var probes = Enumerable.Range(0, 6).Select(_ => CreateTestProbe()).ToList();
        var sent = new Dictionary<(int Probe, long Id), List<float[]>>();
        for (int i = 0; i < probes.Count; i++)
        {
            var zs = Enumerable.Range(0, 1 + i % 3 + (i == 5 ? 1 : 0)).Select(_ => Core.StandardNormal.Vector(rng, 20)).ToList();
            sent[(i, i)] = zs;
            pool.Tell(new GenerateRequest(i, zs, probes[i]));
        }
        using var reference = GeneratorModel.Load(model);
        for (int i = 0; i < probes.Count; i++)
        {
            var r = probes[i].ExpectMsg<GenerateResponse>(TimeSpan.FromSeconds(60));
            var zs = sent[(i, r.RequestId)];
            Assert.Equal(zs.Count, r.Cubes.Count);
            for (int k = 0; k < zs.Count; k++) Assert.Equal(reference.Generate([zs[k]])[0].Data, r.Cubes[k].Data);
        }
        var stats = await pool.Ask<GeneratorStats>(GetGeneratorStats.Instance, TimeSpan.FromSeconds(10));
        Assert.Equal(sent.Values.Sum(z => z.Count), stats.Cubes);
        Assert.NotNull(stats.PerDevice);
        Assert.All(stats.PerDevice!, d => Assert.True(d.Cubes > 0, $"{d.Device} got no work"));
        foreach (var d in devices) d.Model.Dispose();
    }

    [Fact]
    public void UnknownOrUnavailableDevicesAreBadInput()
    {
        Assert.Throws<Core.BadInputException>(() => Devices.Resolve("tpu"));
        if (!TorchSharp.torch.cuda.is_available()) Assert.Contains("CUDA is not available", Assert.Throws<Core.BadInputException>(() => Devices.Resolve("cuda:0")).Message);
        Assert.Single(Devices.Resolve("auto"));
    }
}
