using System.Globalization;

namespace PorousActors.Reports;

/// <summary>Tick labels for an axis that plots log10 of a positive quantity (k in mD): the plain
/// number, three significant digits, no exponent.</summary>
public static class LogTicks
{
    public static string Label(double log10)
    {
        double v = Math.Pow(10, log10);
        if (!(v > 0) || !double.IsFinite(v)) return "";
        double rounded = Math.Round(v / Math.Pow(10, Math.Floor(Math.Log10(v)) - 2)) * Math.Pow(10, Math.Floor(Math.Log10(v)) - 2);
        return rounded.ToString(rounded >= 100 ? "#,0" : "0.###", CultureInfo.InvariantCulture);
    }

    public static ScottPlot.TickGenerators.NumericAutomatic Generator() => new() { LabelFormatter = Label };
}
