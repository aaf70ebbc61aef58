using System.Globalization;

namespace PorousActors.Core.IO;

/// <summary>Lengths typed by users: plain metres (5.345e-6) or a number with a unit (5.345um,
/// 5.345 µm, 2.25e3nm, 0.005mm).</summary>
public static class Length
{
    static readonly (string Unit, double Metres)[] Units =
        [("nm", 1e-9), ("um", 1e-6), ("µm", 1e-6), ("μm", 1e-6), ("micron", 1e-6), ("mm", 1e-3), ("cm", 1e-2), ("m", 1)];

    public static double Parse(string text, string what = "voxel size")
    {
        string t = text.Trim();
        foreach (var (unit, metres) in Units)
        {
            if (!t.EndsWith(unit, StringComparison.OrdinalIgnoreCase)) continue;
            string number = t[..^unit.Length].Trim();
            if (double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double v)) return v * metres;
        }
        if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double m)) return m;
        throw new BadInputException($"{what} '{text}' is not a length: give metres (5.345e-6) or a number with nm, um, mm or cm (5.345um)", InputField.VoxelSize);
    }
}
