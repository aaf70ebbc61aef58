using PorousActors.Conditioning;
using PorousActors.Core;

namespace PorousActors.Gan;

/// <summary>
/// A trained generator on one device behind <see cref="IGenerator"/>. On CPU each latent runs as its
/// own forward pass: a 64³ cube costs the same alone or in a batch there, and per-cube passes keep
/// every cube bit-identical whatever other chains' latents share the batch or which CPU "device"
/// ran it (which a resumed campaign relies on). On a GPU the batch runs as one pass (cubes can then
/// differ in the last bits with the batch composition; see README).
/// </summary>
public sealed class GanGenerator(GeneratorModel model, bool? perSample = null) : IGenerator
{
    readonly bool perSample = perSample ?? model.Device.type == TorchSharp.DeviceType.CPU;
    public string DeviceName => Devices.Name(Model.Device);
    string IGenerator.Device => DeviceName;

    /// <summary>One generator per device, each with its own copy of the model's weights on that device.</summary>
    public static IReadOnlyList<GanGenerator> ForDevices(string modelPath, IReadOnlyList<TorchSharp.torch.Device> devices, int? size = null) =>
        devices.Select(d => new GanGenerator(GeneratorModel.Load(modelPath, d, size))).ToList();

    readonly object gate = new();
    public GeneratorModel Model { get; } = model;
    public int LatentSize => Model.Latent;

    public IReadOnlyList<Volume> Generate(IReadOnlyList<float[]> latents)
    {
        lock (gate) // one forward pass at a time per model
        {
            if (!perSample) return latents.Chunk(Model.CubesPerPass).SelectMany(chunk => Model.Generate(chunk)).ToList();
            return latents.Select(z => Model.Generate([z])[0]).ToList();
        }
    }
}
