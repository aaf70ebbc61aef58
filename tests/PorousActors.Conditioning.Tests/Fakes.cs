using PorousActors.Conditioning;
using PorousActors.Core;
using PorousActors.Pnm;

namespace PorousActors.Conditioning.Tests;

/// <summary>A generator whose cube porosity is a known smooth function of the latent:
/// φ = 0.05 + 0.9 Φ(mean of z / 0.5)... bounded in (0.05, 0.95), so 0.99 is unreachable.</summary>
public sealed class FakeGenerator(int latentSize = 8, int size = 12) : IGenerator
{
    public int LatentSize => latentSize;
    public int Calls;

    public static double PorosityOf(float[] z) => 0.05 + 0.9 * NormalCdf(z.Take(3).Sum() / Math.Sqrt(3));

    public IReadOnlyList<Volume> Generate(IReadOnlyList<float[]> latents)
    {
        Interlocked.Increment(ref Calls);
        return latents.Select(z =>
        {
            var v = new Volume(size, size, size, 1e-6);
            int n = (int)Math.Round(PorosityOf(z) * v.Count);
            for (int i = 0; i < n; i++) v.Data[i] = 1;
            return v;
        }).ToList();
    }

    static double NormalCdf(double x) => 0.5 * (1 + Erf(x / Math.Sqrt(2)));

    static double Erf(double x)
    {
        // Abramowitz-Stegun 7.1.26
        double t = 1 / (1 + 0.3275911 * Math.Abs(x));
        double y = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-x * x);
        return x >= 0 ? y : -y;
    }
}

/// <summary>Porosity only, straight from the voxels.</summary>
public sealed class PorosityOnly : IForwardModel
{
    public RockProperties Evaluate(Volume v, PropertyNeeds needs) => new PnmForwardModel().Evaluate(v, PropertyNeeds.ImageOnly);
}

/// <summary>
/// Cubes that carry two independent properties: porosity (from z₀..z₂, as <see cref="FakeGenerator"/>)
/// and a "permeability" from where the pore block starts (from z₃..z₅), so a φ + k chain has to
/// search both. The forward model counts its runs.
/// </summary>
public sealed class TwoPropertyGenerator(int latentSize = 8, int size = 12) : IGenerator
{
    public int LatentSize => latentSize;

    public IReadOnlyList<Volume> Generate(IReadOnlyList<float[]> latents) => latents.Select(z =>
    {
        var v = new Volume(size, size, size, 1e-6);
        int n = (int)Math.Round(FakeGenerator.PorosityOf(z) * v.Count);
        double shift = FakeGenerator.PorosityOf(z.Skip(3).ToArray()); // in (0.05, 0.95)
        int start = (int)Math.Round(shift * (v.Count - n));
        for (int i = 0; i < n; i++) v.Data[start + i] = 1;
        return v;
    }).ToList();
}

public sealed class CountingTwoPropertyModel : IForwardModel
{
    public int Runs;

    public RockProperties Evaluate(Volume v, PropertyNeeds needs)
    {
        Interlocked.Increment(ref Runs);
        var p = new PnmForwardModel().Evaluate(v, PropertyNeeds.ImageOnly);
        int start = Array.IndexOf(v.Data, (byte)1);
        double k = 1000 * (0.2 + (start < 0 ? 0 : start / (double)v.Count)); // mD, 200..1200
        return p with { Permeability = [new Pnm.Flow.PermeabilityResult(Pnm.Flow.FlowAxis.Z, k * Pnm.Flow.PermeabilityResult.M2PerMilliDarcy, 0, 0, 0, 0, 0, null)] };
    }
}
