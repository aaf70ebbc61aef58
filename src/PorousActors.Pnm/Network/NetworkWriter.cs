using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PorousActors.Pnm.Network;

/// <summary>
/// Writes a network in SI units as OpenPNM-style JSON arrays ("pore.coords", "throat.conns", ...;
/// only pore.*, throat.* and param.* keys, so OpenPNM's Network.update() takes the dict as read),
/// as two CSV tables (NAME.pores.csv, NAME.throats.csv) that pandas reads directly, or as a legacy
/// VTK polydata file for ParaView (pores as points, throats as lines, with their diameters).
/// Coordinates are (x, y, z) in metres of voxel centres with x the image's last (fastest) axis;
/// PoreSpy calls array axis 0 "x", so its coordinates on the same array are (z, y, x) of ours.
/// </summary>
public static class NetworkWriter
{
    /// <param name="poreSpyOrder">write coordinates and face labels in PoreSpy's order (its "x" is the
    /// array's first axis, our z), so the file lines up with a snow2 network of the same array</param>
    public static void Write(PoreNetwork net, string path, bool poreSpyOrder = false)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        switch (Path.GetExtension(path).ToLowerInvariant())
        {
            case ".json": WriteJson(net, path, poreSpyOrder); break;
            case ".csv": WriteCsv(net, path); break;
            case ".vtk": WriteVtk(net, path); break;
            default: throw new Core.BadInputException($"{path}: network files are .json (OpenPNM), .csv (pandas) or .vtk (ParaView)");
        }
    }

    static void WriteJson(PoreNetwork net, string path, bool poreSpyOrder)
    {
        double vs = net.VoxelSize;
        JsonArray Arr(IEnumerable<double> xs) => new(xs.Select(x => (JsonNode)x).ToArray());
        // ours: (x, y, z) with x the last array axis; PoreSpy's: (array axis 0, 1, 2)
        int c0 = poreSpyOrder ? 0 : 2, c2 = poreSpyOrder ? 2 : 0;
        var coords = new JsonArray(Enumerable.Range(0, net.PoreCount).Select(p => (JsonNode)new JsonArray(
            net.PoreCentroid[3 * p + c0] * vs, net.PoreCentroid[3 * p + 1] * vs, net.PoreCentroid[3 * p + c2] * vs)).ToArray());
        var conns = new JsonArray(Enumerable.Range(0, net.ThroatCount).Select(t => (JsonNode)new JsonArray(net.ThroatConns[2 * t], net.ThroatConns[2 * t + 1])).ToArray());
        var root = new JsonObject
        {
            ["param.voxel_size_m"] = vs,
            ["param.image_shape_zyx"] = new JsonArray(net.ImageShape.Z, net.ImageShape.Y, net.ImageShape.X),
            ["param.coordinate_order"] = poreSpyOrder
                ? "PoreSpy's: array axis 0, 1, 2 (its x, y, z); face labels follow it"
                : "x, y, z with x the image's last axis (PoreSpy's on the same array: z, y, x)",
            ["pore.coords"] = coords,
            ["pore.region_label"] = new JsonArray(net.PoreRegionLabel.Select(l => (JsonNode)l).ToArray()),
            ["pore.volume"] = Arr(net.PoreVolume.Select(x => x * vs * vs * vs)),
            ["pore.inscribed_diameter"] = Arr(net.PoreInscribedDiameter.Select(x => x * vs)),
            ["pore.equivalent_diameter"] = Arr(net.PoreEquivalentDiameter.Select(x => x * vs)),
            ["throat.conns"] = conns,
            ["throat.inscribed_diameter"] = Arr(net.ThroatInscribedDiameter.Select(x => x * vs)),
            ["throat.equivalent_diameter"] = Arr(net.ThroatEquivalentDiameter.Select(x => x * vs)),
            ["throat.cross_sectional_area"] = Arr(net.ThroatArea.Select(x => x * vs * vs)),
            ["throat.perimeter"] = Arr(net.ThroatPerimeter.Select(x => x * vs)),
            ["throat.total_length"] = Arr(net.ThroatTotalLength.Select(x => x * vs)),
        };
        foreach (Face f in Enum.GetValues<Face>())
        {
            string label = f.ToString().ToLowerInvariant();
            if (poreSpyOrder) label = label[0] switch { 'z' => "x" + label[1..], 'x' => "z" + label[1..], _ => label };
            root[$"pore.{label}"] = new JsonArray(Enumerable.Range(0, net.PoreCount).Select(p => (JsonNode)net.Touches(p, f)).ToArray());
        }
        File.WriteAllText(path, root.ToJsonString());
    }

    static void WriteVtk(PoreNetwork net, string path)
    {
        double vs = net.VoxelSize;
        string S(double x) => x.ToString("R", CultureInfo.InvariantCulture);
        var sb = new StringBuilder("# vtk DataFile Version 3.0\nPorousActors pore network (SI units: m)\nASCII\nDATASET POLYDATA\n");
        sb.Append("POINTS ").Append(net.PoreCount).Append(" double\n");
        for (int p = 0; p < net.PoreCount; p++)
            sb.Append(S(net.PoreCentroid[3 * p + 2] * vs)).Append(' ').Append(S(net.PoreCentroid[3 * p + 1] * vs)).Append(' ').Append(S(net.PoreCentroid[3 * p] * vs)).Append('\n');
        sb.Append("VERTICES ").Append(net.PoreCount).Append(' ').Append(2 * net.PoreCount).Append('\n');
        for (int p = 0; p < net.PoreCount; p++) sb.Append("1 ").Append(p).Append('\n');
        sb.Append("LINES ").Append(net.ThroatCount).Append(' ').Append(3 * net.ThroatCount).Append('\n');
        for (int t = 0; t < net.ThroatCount; t++) sb.Append("2 ").Append(net.ThroatConns[2 * t]).Append(' ').Append(net.ThroatConns[2 * t + 1]).Append('\n');
        sb.Append("POINT_DATA ").Append(net.PoreCount).Append("\nSCALARS pore_inscribed_diameter_m double 1\nLOOKUP_TABLE default\n");
        for (int p = 0; p < net.PoreCount; p++) sb.Append(S(net.PoreInscribedDiameter[p] * vs)).Append('\n');
        sb.Append("CELL_DATA ").Append(net.PoreCount + net.ThroatCount).Append("\nSCALARS diameter_m double 1\nLOOKUP_TABLE default\n");
        for (int p = 0; p < net.PoreCount; p++) sb.Append(S(net.PoreInscribedDiameter[p] * vs)).Append('\n');
        for (int t = 0; t < net.ThroatCount; t++) sb.Append(S(net.ThroatInscribedDiameter[t] * vs)).Append('\n');
        File.WriteAllText(path, sb.ToString());
    }

    static void WriteCsv(PoreNetwork net, string path)
    {
        double vs = net.VoxelSize;
        string S(double x) => x.ToString("R", CultureInfo.InvariantCulture);
        string stem = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, Path.GetFileNameWithoutExtension(path));
        string I(long x) => x.ToString(CultureInfo.InvariantCulture);
        Core.IO.CsvTable.Write(stem + ".pores.csv",
            ["pore", "region_label", "x_m", "y_m", "z_m", "volume_m3", "inscribed_diameter_m", "equivalent_diameter_m", "zmin", "zmax", "ymin", "ymax", "xmin", "xmax"],
            Enumerable.Range(0, net.PoreCount).Select(p => (IReadOnlyList<string>)[I(p), I(net.PoreRegionLabel[p]),
                S(net.PoreCentroid[3 * p + 2] * vs), S(net.PoreCentroid[3 * p + 1] * vs), S(net.PoreCentroid[3 * p] * vs),
                S(net.PoreVolume[p] * vs * vs * vs), S(net.PoreInscribedDiameter[p] * vs), S(net.PoreEquivalentDiameter[p] * vs),
                .. Enumerable.Range(0, 6).Select(f => net.PoreFaceArea[6 * p + f] > 0 ? "1" : "0")]));
        Core.IO.CsvTable.Write(stem + ".throats.csv",
            ["throat", "pore1", "pore2", "inscribed_diameter_m", "equivalent_diameter_m", "cross_sectional_area_m2", "perimeter_m", "total_length_m"],
            Enumerable.Range(0, net.ThroatCount).Select(t => new[] { I(t), I(net.ThroatConns[2 * t]), I(net.ThroatConns[2 * t + 1]),
                S(net.ThroatInscribedDiameter[t] * vs), S(net.ThroatEquivalentDiameter[t] * vs), S(net.ThroatArea[t] * vs * vs), S(net.ThroatPerimeter[t] * vs), S(net.ThroatTotalLength[t] * vs) }));
    }
}
