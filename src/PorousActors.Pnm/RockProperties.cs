using PorousActors.Pnm.Flow;

namespace PorousActors.Pnm;

/// <summary>
/// Properties of a rock volume, the forward model's output (SI units; permeability also in mD).
/// Permeability is given per computed axis. Keys have one meaning everywhere (targets, analyze
/// --json, campaign results, reports): <c>permeability_mD</c> is k along z (the default flow axis),
/// <c>permeability_mD_x/_y/_z</c> along that axis, and <c>permeability_mD_mean</c> the arithmetic
/// mean over the computed axes (zeros included). <see cref="PermeabilityMilliDarcy"/> is that mean.
/// Mean diameters are over all extracted pores and throats (inscribed definitions as PoreSpy's snow2).
/// </summary>
public sealed record RockProperties
{
    public required double Porosity { get; init; }
    public required double SpecificSurfacePerM { get; init; }
    public required long EulerCharacteristic26 { get; init; }
    public required long EulerCharacteristic6 { get; init; }
    public required int PoreCount { get; init; }
    public required int ThroatCount { get; init; }
    public required double MeanPoreDiameterM { get; init; }
    public required double MeanPoreEquivalentDiameterM { get; init; }
    public required double MeanThroatDiameterM { get; init; }
    public required double MeanThroatEquivalentDiameterM { get; init; }
    public required double CoordinationNumber { get; init; }
    public required IReadOnlyList<PermeabilityResult> Permeability { get; init; }
    public required IReadOnlyDictionary<string, double> TimingsMs { get; init; }

    /// <summary>Arithmetic mean of k over the computed axes (m²).</summary>
    public double PermeabilityM2 => Permeability.Count == 0 ? double.NaN : Permeability.Average(p => p.PermeabilityM2);
    public double PermeabilityMilliDarcy => PermeabilityM2 / PermeabilityResult.M2PerMilliDarcy;

    public PermeabilityResult? Along(FlowAxis axis) => Permeability.FirstOrDefault(p => p.Axis == axis);

    /// <summary>Every property's key (see <see cref="RockPropertyCatalog"/>).</summary>
    public static readonly string[] Names = [.. RockPropertyCatalog.All.Select(p => p.Key)];

    /// <summary>Value of a property by its key (see <see cref="RockPropertyCatalog"/>).</summary>
    public double Get(string name) => RockPropertyCatalog.Get(name).Read(this);
}
