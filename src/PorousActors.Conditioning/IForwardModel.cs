using PorousActors.Core;
using PorousActors.Pnm;

namespace PorousActors.Conditioning;

/// <summary>Volume → properties. <paramref name="needs"/> says which groups the targets use, so a
/// porosity-only chain need not extract a pore network.</summary>
public interface IForwardModel
{
    RockProperties Evaluate(Volume volume, PropertyNeeds needs);
}
