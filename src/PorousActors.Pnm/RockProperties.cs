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

    /// <summary>Property names conditioning targets may use, with their JSON keys.</summary>
    public static readonly string[] Names =
    [
        "porosity", "specificSurface_per_m", "eulerCharacteristic26", "eulerCharacteristic6",
        "meanPoreDiameter_m", "meanPoreEquivalentDiameter_m", "meanThroatDiameter_m", "coordinationNumber",
        "permeability_mD", "permeability_mD_z", "permeability_mD_y", "permeability_mD_x", "permeability_mD_mean", "permeability_m2",
    ];

    /// <summary>Value of a property by its JSON key (see <see cref="Names"/>).</summary>
    public double Get(string name) => name switch
    {
        "porosity" => Porosity,
        "specificSurface_per_m" => SpecificSurfacePerM,
        "eulerCharacteristic26" => EulerCharacteristic26,
        "eulerCharacteristic6" => EulerCharacteristic6,
        "meanPoreDiameter_m" => MeanPoreDiameterM,
        "meanPoreEquivalentDiameter_m" => MeanPoreEquivalentDiameterM,
        "meanThroatDiameter_m" => MeanThroatDiameterM,
        "coordinationNumber" => CoordinationNumber,
        "permeability_mD" or "permeability_mD_z" => Along(FlowAxis.Z)?.PermeabilityMilliDarcy ?? double.NaN,
        "permeability_mD_mean" => PermeabilityMilliDarcy,
        "permeability_m2" => Along(FlowAxis.Z)?.PermeabilityM2 ?? double.NaN,
        "permeability_mD_y" => Along(FlowAxis.Y)?.PermeabilityMilliDarcy ?? double.NaN,
        "permeability_mD_x" => Along(FlowAxis.X)?.PermeabilityMilliDarcy ?? double.NaN,
        _ => throw new Core.BadInputException($"unknown property '{name}'; known: {string.Join(", ", Names)}"),
    };
}
