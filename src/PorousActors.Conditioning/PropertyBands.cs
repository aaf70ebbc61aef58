using System.Globalization;
using PorousActors.Core;
using PorousActors.Pnm;

namespace PorousActors.Conditioning;

/// <summary>A property's 10th–90th percentile band over a sample of cubes (usable values only).</summary>
public sealed record PropertyBand(string Property, double P10, double P90, int UsableCubes, int SampledCubes)
{
    public double Width => P90 - P10;

    /// <summary>A tolerance that is <paramref name="fraction"/> of the band's width.</summary>
    public double Tolerance(double fraction) => fraction * Width;
}

/// <summary>
/// Where targets come from: sampled cubes' properties, their 10th–90th percentile bands, and targets
/// drawn inside a band (used by `campaign targets`, the demo and the conditioning benchmark).
/// </summary>
public static class PropertyBands
{
    /// <summary>Rock properties of <paramref name="count"/> cubes generated from N(0, I) latents drawn
    /// from <paramref name="rng"/>, in batches of 10 (progress after each). The latents drawn are
    /// appended to <paramref name="latents"/> when given (a latent prior is fitted on both).</summary>
    public static List<RockProperties> Sample(Func<IReadOnlyList<float[]>, IReadOnlyList<Volume>> generate, int latentSize, Random rng, int count,
        PropertyNeeds needs, IForwardModel forward, Action<int>? progress = null, List<float[]>? latents = null)
    {
        var result = new List<RockProperties>(count);
        while (result.Count < count)
        {
            int b = Math.Min(10, count - result.Count);
            var batch = Enumerable.Range(0, b).Select(_ => StandardNormal.Vector(rng, latentSize)).ToList();
            latents?.AddRange(batch);
            result.AddRange(generate(batch).Select(v => forward.Evaluate(v, needs)));
            progress?.Invoke(result.Count);
        }
        return result;
    }

    /// <summary>Values a chain can aim at: finite, and for a property that must be positive (k: a cube
    /// that does not percolate has 0 mD or none) above zero.</summary>
    public static List<double> Usable(IEnumerable<double> values, string property)
    {
        bool positive = RockPropertyCatalog.Find(property)?.Range == PropertyRange.Positive;
        return values.Where(x => double.IsFinite(x) && !(positive && x <= 0)).ToList();
    }

    /// <summary>The band of <paramref name="property"/> over <paramref name="sample"/>; refused when fewer
    /// than 10 cubes have a usable value or the band is empty.</summary>
    public static PropertyBand Of(string property, IReadOnlyList<RockProperties> sample)
    {
        var usable = Usable(sample.Select(r => r.Get(property)), property);
        if (usable.Count < 10)
            throw new BadInputException($"{property}: only {usable.Count} of {sample.Count} sampled cubes have a usable value; the model cannot be conditioned on it");
        var band = new PropertyBand(property, Quantiles.Of(usable, 0.10), Quantiles.Of(usable, 0.90), usable.Count, sample.Count);
        if (!(band.Width > 0)) throw new BadInputException($"{property}: the 10th–90th percentile band is empty ({band.P10:G4}–{band.P90:G4})");
        return band;
    }

    /// <summary><paramref name="count"/> targets drawn uniformly inside the band, each with the tolerance
    /// <paramref name="toleranceFraction"/> × band width, ids SHORTNAME001…, seeds from <paramref name="nextSeed"/>.</summary>
    public static List<(string Id, string Target, long Seed)> DrawUniform(PropertyBand band, int count, double toleranceFraction, Random rng, Func<long> nextSeed)
    {
        double tol = band.Tolerance(toleranceFraction);
        string shortName = RockPropertyCatalog.Find(band.Property)?.ShortName ?? band.Property;
        var list = new List<(string, string, long)>(count);
        for (int i = 0; i < count; i++)
        {
            double t = band.P10 + rng.NextDouble() * band.Width;
            list.Add(($"{shortName}{i + 1:D3}", string.Create(CultureInfo.InvariantCulture, $"{band.Property}={t:G6}:{tol:G4}"), nextSeed()));
        }
        return list;
    }
}
