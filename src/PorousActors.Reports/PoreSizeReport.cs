using System.Globalization;
using System.Text;

namespace PorousActors.Reports;

/// <summary>
/// Pore- and throat-size distributions of one rock, as the field plots them: the local-thickness
/// pore-size distribution (fraction of pore volume per diameter) beside the network's inscribed
/// pore and throat diameters (fraction of pores / throats per diameter bin). PREFIX.csv holds
/// all three; PREFIX.png plots them on one diameter axis (µm).
/// </summary>
public static class PoreSizeReport
{
    /// <param name="localThickness">pore volume fraction for diameter 2R voxels at index R</param>
    /// <param name="poreDiameters">network inscribed pore diameters (m); empty without a network</param>
    /// <param name="throatDiameters">network inscribed throat diameters (m)</param>
    public static (string Csv, string Png) Write(string prefix, double voxelSize, double[] localThickness,
        IReadOnlyList<double> poreDiameters, IReadOnlyList<double> throatDiameters)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(prefix));
        if (dir is not null) Directory.CreateDirectory(dir);
        var c = CultureInfo.InvariantCulture;
        int bins = localThickness.Length;
        double binUm = 2 * voxelSize * 1e6; // one bin per voxel of radius
        double[] Hist(IReadOnlyList<double> d)
        {
            var h = new double[bins + 1];
            foreach (var x in d) h[Math.Clamp((int)Math.Round(x * 1e6 / binUm), 0, bins)]++;
            for (int i = 0; i < h.Length; i++) h[i] /= Math.Max(1, d.Count);
            return h;
        }
        var pores = Hist(poreDiameters); var throats = Hist(throatDiameters);
        string csvPath = prefix + ".csv", pngPath = prefix + ".png";
        Core.IO.CsvTable.Write(csvPath, ["diameter_um", "local_thickness_pore_volume_fraction", "network_pore_fraction", "network_throat_fraction"],
            Enumerable.Range(0, bins + 1).Select(r => new[] { (r * binUm).ToString("G6", c), (r < bins ? localThickness[r] : 0).ToString("G6", c), pores[r].ToString("G6", c), throats[r].ToString("G6", c) }));

        var plt = new ScottPlot.Plot();
        var xs = Enumerable.Range(0, bins + 1).Select(r => r * binUm).ToArray();
        var lt = plt.Add.Scatter(xs, Enumerable.Range(0, bins + 1).Select(r => r < bins ? localThickness[r] : 0).ToArray());
        lt.LegendText = "local thickness (fraction of pore volume)";
        if (poreDiameters.Count > 0) { var s = plt.Add.Scatter(xs, pores); s.LegendText = $"network pores, inscribed (fraction of {poreDiameters.Count})"; }
        if (throatDiameters.Count > 0) { var s = plt.Add.Scatter(xs, throats); s.LegendText = $"network throats, inscribed (fraction of {throatDiameters.Count})"; }
        plt.XLabel("diameter (µm)");
        plt.YLabel("fraction per bin");
        plt.Title($"Pore and throat size distributions ({voxelSize * 1e6:G4} µm voxels, bins of {binUm:G3} µm)");
        plt.ShowLegend();
        plt.SavePng(pngPath, 760, 480);
        return (csvPath, pngPath);
    }
}
