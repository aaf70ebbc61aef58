namespace PorousActors.Gan;

/// <summary>
/// libtorch's global random generator is shared by the whole process. Training draws its noise from
/// each trainer's own <c>torch.Generator</c>; only module construction (initial weights) still uses
/// the global one, seeded and used under <see cref="GlobalGate"/> so that runs in one process never
/// interleave their draws.
/// </summary>
public static class TorchRandom
{
    public static readonly object GlobalGate = new();
}
