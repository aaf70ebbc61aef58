namespace PorousActors.Conditioning;

/// <summary>Which parts of the forward model a target set needs.</summary>
public sealed record PropertyNeeds(bool Network, IReadOnlyList<Pnm.Flow.FlowAxis> Axes)
{
    public static readonly PropertyNeeds ImageOnly = new(false, []);
}
