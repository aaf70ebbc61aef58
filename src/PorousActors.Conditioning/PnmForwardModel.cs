using PorousActors.Core;
using PorousActors.Core.Metrics;
using PorousActors.Pnm;
using PorousActors.Pnm.Flow;

namespace PorousActors.Conditioning;

/// <summary>The pore-network forward model behind <see cref="IForwardModel"/>: image metrics always,
/// the SNOW network and Stokes flow only when a target needs them. An all-solid cube is a
/// well-defined rock (porosity 0, permeability 0), not an error.</summary>
public sealed class PnmForwardModel : IForwardModel
{
    public RockProperties Evaluate(Volume volume, PropertyNeeds needs)
    {
        bool empty = volume.PoreVoxelCount() == 0;
        if (needs.Network && !empty)
            return new PoreNetworkSimulator(needs.Axes).Simulate(volume);
        var m = ImageMetrics.Compute(volume, Workspace.ForThisThread);
        return new RockProperties
        {
            Porosity = m.Porosity, SpecificSurfacePerM = m.SpecificSurfacePerM,
            EulerCharacteristic26 = m.EulerCharacteristic26, EulerCharacteristic6 = m.EulerCharacteristic6,
            PoreCount = 0, ThroatCount = 0,
            MeanPoreDiameterM = empty ? 0 : double.NaN, MeanPoreEquivalentDiameterM = empty ? 0 : double.NaN,
            MeanThroatDiameterM = empty ? 0 : double.NaN, MeanThroatEquivalentDiameterM = empty ? 0 : double.NaN,
            CoordinationNumber = empty ? 0 : double.NaN,
            Permeability = empty ? needs.Axes.Select(a => new PermeabilityResult(a, 0, 0, 0, 0, 0, 0, "no pore space")).ToList() : [],
            TimingsMs = m.TimingsMs,
        };
    }
}
