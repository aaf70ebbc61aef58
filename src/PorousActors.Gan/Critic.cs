using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace PorousActors.Gan;

/// <summary>The WGAN critic: cube (batch × 1 × N³) → one unbounded score per cube.</summary>
public sealed class Critic : Module<Tensor, Tensor>
{
    readonly Sequential body;

    public Critic(GanArchitecture arch) : base(nameof(Critic))
    {
        arch.Validate();
        var layers = new List<(string, Module<Tensor, Tensor>)>();
        if (arch.Critic == "paper")
        {
            int[] ch = [1, 4, 16, 64];
            for (int i = 0; i < 3; i++)
            {
                layers.Add(($"conv{i}", Conv3d(ch[i], ch[i + 1], 3, padding: 1)));
                layers.Add(($"norm{i}", InstanceNorm3d(ch[i + 1], affine: true)));
                layers.Add(($"act{i}", new StableLeakyReLU()));
                layers.Add(($"pool{i}", MaxPool3d(2)));
            }
            for (int i = 0; i < arch.CriticStridedLayers; i++)
            {
                layers.Add(($"down{i}", Conv3d(64, 64, 4, stride: 2, padding: 1)));
                layers.Add(($"downnorm{i}", InstanceNorm3d(64, affine: true)));
                layers.Add(($"downact{i}", new StableLeakyReLU()));
            }
        }
        else
        {
            // Lean: every layer halves the grid, N³ → 2³, channels 16, 32, 64, 64...
            int n = arch.Size, cin = 1, i = 0;
            while (n > 2)
            {
                int cout = Math.Min(64, 16 << i);
                layers.Add(($"down{i}", Conv3d(cin, cout, 4, stride: 2, padding: 1)));
                if (i > 0) layers.Add(($"downnorm{i}", InstanceNorm3d(cout, affine: true)));
                layers.Add(($"downact{i}", new StableLeakyReLU()));
                cin = cout; n /= 2; i++;
            }
        }
        layers.Add(("score", Conv3d(64, 1, 4, stride: 2, padding: 1)));
        body = Sequential(layers);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => body.forward(x).view(-1);
}
