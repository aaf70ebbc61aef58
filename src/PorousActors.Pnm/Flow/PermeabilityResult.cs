namespace PorousActors.Pnm.Flow;

/// <summary>Absolute permeability along one axis, with what the solve needed to say about it.</summary>
public sealed record PermeabilityResult(
    FlowAxis Axis,
    double PermeabilityM2,
    double SolverResidual,
    int SolverIterations,
    int ConnectedPores,
    int TrimmedPores,
    double FlowRate,
    string? Note)
{
    public const double M2PerMilliDarcy = 9.869233e-16;
    public double PermeabilityMilliDarcy => PermeabilityM2 / M2PerMilliDarcy;
}
