using System.Globalization;
using PorousActors.Core;

namespace PorousActors.Gan;

/// <summary>
/// Latent vectors as plain text: one latent per line, comma-separated floats written with 9
/// significant digits, which round-trip float32 exactly, so a cube can be regenerated bit for bit.
/// Random latents come from <see cref="StandardNormal.Vector"/>.
/// </summary>
public static class Latents
{
    public static void Write(string path, IEnumerable<float[]> latents) => File.WriteAllLines(path, latents.Select(Format));

    /// <summary>One latent as a line of the latents file.</summary>
    public static string Format(float[] z) => string.Join(",", z.Select(v => v.ToString("G9", CultureInfo.InvariantCulture)));

    public static List<float[]> Read(string path, int expectedLength)
    {
        if (!File.Exists(path)) throw new BadInputException($"{path}: latent file not found");
        var list = new List<float[]>();
        int lineNo = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line) || line.TrimStart().StartsWith('#')) continue;
            var parts = line.Split(',', StringSplitOptions.TrimEntries);
            if (parts.Length != expectedLength)
                throw new BadInputException($"{path}, line {lineNo}: {parts.Length} values, the model's latent has {expectedLength}");
            var z = new float[expectedLength];
            for (int i = 0; i < parts.Length; i++)
                if (!float.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out z[i]) || !float.IsFinite(z[i]))
                    throw new BadInputException($"{path}, line {lineNo}: '{parts[i]}' is not a finite number");
            list.Add(z);
        }
        if (list.Count == 0) throw new BadInputException($"{path}: no latents in the file");
        return list;
    }
}
