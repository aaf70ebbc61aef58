using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using PorousActors.Gan;

namespace PorousActors.Cli.Commands;

/// <summary><c>porous model info</c>: the GAN architecture and its parameter counts.</summary>
public static class ModelCommand
{
    public static Command Build(CliIO io)
    {
        var size = new Option<int>("--size") { Description = "Cube edge in voxels: 32, 64 or 128 (the paper's)", DefaultValueFactory = _ => 128 };
        var latent = new Option<int>("--latent") { Description = "Latent vector length (the paper: 20)", DefaultValueFactory = _ => 20 };
        var critic = new Option<string>("--critic") { Description = "Critic: 'paper' (full-resolution 3³ convolutions + pooling) or 'lean' (strided from the first layer, for CPU training)", DefaultValueFactory = _ => "paper" };
        var model = new Option<string?>("--model") { Description = "Describe this model file instead (its card and parameter count)" };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var info = new Command("info", "Print the generator/critic architecture and parameter counts (the paper's 128³: 5,769,889 and 820,841)") { size, latent, critic, model, json };
        info.SetAction(p => io.Guard(() =>
        {
            JsonObject o;
            if (p.GetValue(model) is { } path)
            {
                using var m = GeneratorModel.Load(path);
                o = JsonSerializer.SerializeToNode(m.Card)!.AsObject();
                o["sha256"] = m.Sha256;
                o["generatorParametersCounted"] = ParameterCount.Of(m.Network);
            }
            else
            {
                var arch = new GanArchitecture(p.GetValue(size), p.GetValue(latent), p.GetValue(critic)!);
                arch.Validate();
                using var g = new Generator(arch);
                using var d = new Critic(arch);
                o = new JsonObject
                {
                    ["size"] = arch.Size, ["latent"] = arch.Latent, ["critic"] = arch.Critic,
                    ["generatorParameters"] = ParameterCount.Of(g), ["criticParameters"] = ParameterCount.Of(d),
                    ["generator"] = g.ToString(), ["criticLayers"] = new JsonArray(d.named_modules().Where(m => m.name.Contains('.')).Select(m => (JsonNode)$"{m.name}: {m.module.GetType().Name}").ToArray()),
                };
            }
            if (p.GetValue(json)) io.Out.WriteLine(o.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            else foreach (var (k, v) in o) if (v is not JsonArray) io.Out.WriteLine($"{k,-28} {v}");
            return 0;
        }));
        return new Command("model", "Generator models: architecture and parameter counts") { info };
    }
}
