using PorousActors.Pnm.Flow;

namespace PorousActors.Pnm;

/// <summary>What the forward model must run to know a property.</summary>
public enum PropertyStage { Image, Network, Flow }

/// <summary>Which values a property can take, for checking targets.</summary>
public enum PropertyRange { Any, NonNegative, Positive, Fraction }

/// <summary>
/// One rock property, described once: its key (targets, `analyze --json`, campaign results and
/// reports all use it), unit, a short name for target ids, what must be computed to know it, which
/// values it can take, whether its errors are measured on a log scale, and how to read it.
/// </summary>
public sealed record RockProperty(
    string Key, string Unit, string ShortName, PropertyStage Stage, IReadOnlyList<FlowAxis> Axes, PropertyRange Range,
    bool LogScale, bool Targetable, string Meaning, Func<RockProperties, double> Read);

/// <summary>The properties of <see cref="RockProperties"/>: adding one is a change here (and the value in RockProperties).</summary>
public static class RockPropertyCatalog
{
    static readonly FlowAxis[] None = [], Z = [FlowAxis.Z], Y = [FlowAxis.Y], X = [FlowAxis.X], All3 = [FlowAxis.Z, FlowAxis.Y, FlowAxis.X];

    static double K(RockProperties r, FlowAxis a) => r.Along(a)?.PermeabilityMilliDarcy ?? double.NaN;

    public static readonly IReadOnlyList<RockProperty> All =
    [
        new("porosity", "(–)", "phi", PropertyStage.Image, None, PropertyRange.Fraction, false, true, "pore voxels / all voxels", r => r.Porosity),
        new("specificSurface_per_m", "(1/m)", "sv", PropertyStage.Image, None, PropertyRange.NonNegative, false, true, "pore–solid interface area per bulk volume", r => r.SpecificSurfacePerM),
        new("eulerCharacteristic26", "", "chi26", PropertyStage.Image, None, PropertyRange.Any, false, true, "Euler characteristic of the pore phase, 26-connected", r => r.EulerCharacteristic26),
        new("eulerCharacteristic6", "", "chi6", PropertyStage.Image, None, PropertyRange.Any, false, true, "Euler characteristic of the pore phase, 6-connected", r => r.EulerCharacteristic6),
        new("meanPoreDiameter_m", "(m)", "dp", PropertyStage.Network, None, PropertyRange.NonNegative, false, true, "mean inscribed pore diameter", r => r.MeanPoreDiameterM),
        new("meanPoreEquivalentDiameter_m", "(m)", "dpe", PropertyStage.Network, None, PropertyRange.NonNegative, false, true, "mean volume-equivalent pore diameter", r => r.MeanPoreEquivalentDiameterM),
        new("meanThroatDiameter_m", "(m)", "dt", PropertyStage.Network, None, PropertyRange.NonNegative, false, true, "mean inscribed throat diameter", r => r.MeanThroatDiameterM),
        new("coordinationNumber", "", "z", PropertyStage.Network, None, PropertyRange.NonNegative, false, true, "mean throats per pore", r => r.CoordinationNumber),
        new("permeability_mD", "(mD)", "k", PropertyStage.Flow, Z, PropertyRange.Positive, true, true, "absolute permeability along z (the default flow axis)", r => K(r, FlowAxis.Z)),
        new("permeability_mD_z", "(mD)", "kz", PropertyStage.Flow, Z, PropertyRange.Positive, true, true, "absolute permeability along z", r => K(r, FlowAxis.Z)),
        new("permeability_mD_y", "(mD)", "ky", PropertyStage.Flow, Y, PropertyRange.Positive, true, true, "absolute permeability along y", r => K(r, FlowAxis.Y)),
        new("permeability_mD_x", "(mD)", "kx", PropertyStage.Flow, X, PropertyRange.Positive, true, true, "absolute permeability along x", r => K(r, FlowAxis.X)),
        new("permeability_mD_mean", "(mD)", "kmean", PropertyStage.Flow, All3, PropertyRange.Positive, true, true, "arithmetic mean of k over the computed axes, zeros included", r => r.PermeabilityMilliDarcy),
        new("permeability_m2", "(m²)", "km2", PropertyStage.Flow, Z, PropertyRange.Positive, false, false, "absolute permeability along z in m² (targets use mD)", r => r.Along(FlowAxis.Z)?.PermeabilityM2 ?? double.NaN),
    ];

    static readonly Dictionary<string, RockProperty> ByKey = All.ToDictionary(p => p.Key);

    public static RockProperty? Find(string key) => ByKey.GetValueOrDefault(key);

    public static RockProperty Get(string key) => Find(key)
        ?? throw new Core.BadInputException($"unknown property '{key}'; known: {string.Join(", ", All.Select(p => p.Key))}");

    /// <summary>The unit in brackets, e.g. "(mD)"; empty for counts; for keys outside the catalog
    /// (report columns such as meanThroatEquivalentDiameter_m) read from the key's suffix.</summary>
    public static string Unit(string key) => Find(key)?.Unit ?? key switch
    {
        var k when k.EndsWith("_mD", StringComparison.Ordinal) => "(mD)",
        var k when k.EndsWith("_m2", StringComparison.Ordinal) => "(m²)",
        var k when k.EndsWith("_per_m", StringComparison.Ordinal) => "(1/m)",
        var k when k.EndsWith("_m", StringComparison.Ordinal) => "(m)",
        _ => "",
    };
}
