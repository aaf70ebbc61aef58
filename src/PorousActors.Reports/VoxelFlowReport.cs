using System.Globalization;
using System.Text;
using System.Text.Json;

namespace PorousActors.Reports;

/// <summary>
/// Network k against voxel-level (lattice-Boltzmann) k on the same sub-cubes: a log–log scatter
/// with the 1:1 line, the bias (geometric mean and median of k_network / k_voxel) and scatter
/// (standard deviation of log10 of that ratio), the correlation of log k, and the solve costs.
/// </summary>
public static class VoxelFlowReport
{
    public sealed record Row(int Z0, int Y0, int X0, double Porosity, double NetworkMilliDarcy, double VoxelMilliDarcy,
        int Steps, bool Converged, double Seconds, double Mlups, long FluidNodes);

    public static string Write(string dir, string title, int size, double voxelSize, IReadOnlyList<Row> rows)
    {
        Directory.CreateDirectory(dir);
        var c = CultureInfo.InvariantCulture;
        Core.IO.CsvTable.Write(Path.Combine(dir, "cubes.csv"),
            ["z0", "y0", "x0", "porosity", "k_network_mD", "k_voxel_mD", "lbm_steps", "lbm_converged", "lbm_seconds", "lbm_mlups", "fluid_nodes"],
            rows.Select(r => new[]
            {
                r.Z0.ToString(c), r.Y0.ToString(c), r.X0.ToString(c), r.Porosity.ToString("R", c), r.NetworkMilliDarcy.ToString("R", c),
                r.VoxelMilliDarcy.ToString("R", c), r.Steps.ToString(c), r.Converged.ToString(), r.Seconds.ToString("F2", c), r.Mlups.ToString("F2", c), r.FluidNodes.ToString(c),
            }));

        // Cubes where either model finds no flow cannot enter a log ratio: counted, not hidden.
        var both = rows.Where(r => r.NetworkMilliDarcy > 0 && r.VoxelMilliDarcy > 0).ToList();
        var ratio = both.Select(r => r.NetworkMilliDarcy / r.VoxelMilliDarcy).ToList();
        var logRatio = ratio.Select(Math.Log10).ToList();
        double meanLog = logRatio.Count > 0 ? logRatio.Average() : double.NaN;
        double sdLog = logRatio.Count > 1 ? Math.Sqrt(logRatio.Sum(x => (x - meanLog) * (x - meanLog)) / (logRatio.Count - 1)) : double.NaN;
        var summary = new Dictionary<string, object?>
        {
            ["cubes"] = rows.Count,
            ["cubeSize_voxels"] = size,
            ["voxelSize_m"] = voxelSize,
            ["cubesWithFlowInBoth"] = both.Count,
            ["cubesZeroInNetworkOnly"] = rows.Count(r => r.NetworkMilliDarcy <= 0 && r.VoxelMilliDarcy > 0),
            ["cubesZeroInVoxelOnly"] = rows.Count(r => r.VoxelMilliDarcy <= 0 && r.NetworkMilliDarcy > 0),
            ["lbmNotConverged"] = rows.Count(r => !r.Converged),
            ["ratioNetworkToVoxel_geometricMean"] = Math.Pow(10, meanLog),
            ["ratioNetworkToVoxel_median"] = Statistics.Quantile(ratio, 0.5),
            ["ratioNetworkToVoxel_q10"] = Statistics.Quantile(ratio, 0.1),
            ["ratioNetworkToVoxel_q90"] = Statistics.Quantile(ratio, 0.9),
            ["log10RatioStdDev"] = sdLog,
            ["pearsonLogK"] = Statistics.Pearson(both.Select(r => Math.Log10(r.NetworkMilliDarcy)).ToList(), both.Select(r => Math.Log10(r.VoxelMilliDarcy)).ToList()),
            ["lbmSecondsMedian"] = Statistics.Quantile(rows.Select(r => r.Seconds).ToList(), 0.5),
            ["lbmSecondsMax"] = rows.Max(r => r.Seconds),
            ["lbmStepsMedian"] = Statistics.Quantile(rows.Select(r => (double)r.Steps).ToList(), 0.5),
            ["lbmMlupsMedian"] = Statistics.Quantile(rows.Select(r => r.Mlups).ToList(), 0.5),
        };
        // undefined statistics (too few cubes with flow) are written as null, not as a number
        var json = summary.ToDictionary(kv => kv.Key, kv => kv.Value is double d && !double.IsFinite(d) ? null : kv.Value);
        File.WriteAllText(Path.Combine(dir, "summary.json"), JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true }));

        Scatter(Path.Combine(dir, "network-vs-voxel.png"), both, size, voxelSize);
        string G(object? o) => o is double d ? d.ToString("G3", c) : Convert.ToString(o, c) ?? "";
        var md = new StringBuilder();
        md.AppendLine($"# {title}").AppendLine();
        md.AppendLine($"{rows.Count} sub-cubes of {size}³ voxels ({voxelSize * 1e6:G4} µm), k along z from the SNOW network (Stokes flow) and from a voxel-level lattice-Boltzmann solve of the same image (D3Q19 TRT, sample mirrored along the flow, free-slip sides).").AppendLine();
        md.AppendLine("![network vs voxel](network-vs-voxel.png)").AppendLine();
        md.AppendLine("| quantity | value |").AppendLine("|---|---|");
        foreach (var (k, v) in summary) md.AppendLine($"| {k} | {G(v)} |");
        md.AppendLine().AppendLine("Ratio = k_network / k_voxel; scatter = standard deviation of log10 of the ratio. Per-cube values in `cubes.csv`.");
        File.WriteAllText(Path.Combine(dir, "report.md"), md.ToString());
        return Path.Combine(dir, "report.md");
    }

    static void Scatter(string path, IReadOnlyList<Row> rows, int size, double voxelSize)
    {
        var plt = new ScottPlot.Plot();
        if (rows.Count > 0)
        {
            var x = rows.Select(r => Math.Log10(r.VoxelMilliDarcy)).ToArray();
            var y = rows.Select(r => Math.Log10(r.NetworkMilliDarcy)).ToArray();
            var pts = plt.Add.ScatterPoints(x, y);
            pts.LegendText = $"{rows.Count} cubes";
            double lo = Math.Min(x.Min(), y.Min()) - 0.1, hi = Math.Max(x.Max(), y.Max()) + 0.1;
            var line = plt.Add.Line(lo, lo, hi, hi);
            line.LegendText = "1:1";
            line.LinePattern = ScottPlot.LinePattern.Dashed;
        }
        plt.Axes.Left.TickGenerator = LogTicks.Generator();
        plt.Axes.Bottom.TickGenerator = LogTicks.Generator();
        plt.XLabel("k voxel-level, lattice Boltzmann (mD)");
        plt.YLabel("k pore network, SNOW + Stokes flow (mD)");
        plt.Title($"Permeability along z of {size}³ sub-cubes ({voxelSize * 1e6:G4} µm voxels)");
        plt.ShowLegend();
        plt.SavePng(path, 640, 560);
    }
}
