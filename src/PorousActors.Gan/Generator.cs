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
                layers.Add(($"act{i + 1}", LeakyReLU(0.2)));
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
        var h = nn.functional.leaky_relu(bn0.forward(fc.forward(z)), 0.2);
        return up.forward(h.view(-1, GanArchitecture.GeneratorChannels, g, g, g));
    }
}
