using TorchSharp;
using static TorchSharp.torch;

namespace PorousActors.Gan;

/// <summary>
/// LeakyReLU(0.2) with its slope held as one long-lived <see cref="Scalar"/>. TorchSharp 0.107 turns
/// a double slope into a temporary Scalar per call; the GC may finalise that temporary while the
/// native call still reads it, which surfaced in a long benchmark as a libtorch "toFloat" check
/// failure inside leaky_relu. Same operation, same bits; no parameters, so model files are unchanged.
/// </summary>
public sealed class StableLeakyReLU() : nn.Module<Tensor, Tensor>("LeakyReLU")
{
    public const double Slope = 0.2;
    static readonly Scalar SlopeScalar = Slope.ToScalar(); // lives for the process: never finalised mid-call

    public override Tensor forward(Tensor x) => x.leaky_relu(SlopeScalar);
}
