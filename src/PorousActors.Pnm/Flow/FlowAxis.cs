namespace PorousActors.Pnm.Flow;

/// <summary>Flow axis of a permeability computation.</summary>
public enum FlowAxis { Z = 0, Y = 1, X = 2 }
