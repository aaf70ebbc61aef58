using static TorchSharp.torch.nn;

namespace PorousActors.Gan;

public static class ParameterCount
{
    public static long Of(Module m) => m.parameters().Sum(p => p.numel());
}
