using System.Text.Json;

namespace PorousActors.Core.IO;

/// <summary>
/// The JSON file beside a <c>name.raw</c> volume: shape [Z, Y, X], dtype, voxelSize (m) and the
/// value that marks pore voxels.
/// </summary>
/// <remarks>Read with <see cref="JsonDocument"/> and written with <see cref="Utf8JsonWriter"/>, not the
/// reflection serializer: four fields do not need it, and a fresh `porous analyze` would otherwise
/// JIT-compile ~120 of its methods (its converters for every primitive type) before reading a voxel.</remarks>
public sealed record VolumeSidecar(int[] Shape, string Dtype, double? VoxelSize, double? PoreValue)
{
    public static string PathFor(string rawPath) => Path.ChangeExtension(rawPath, ".json");

    /// <summary>The sidecar of a binary volume as our writers store it: uint8, 1 = pore.</summary>
    public static VolumeSidecar ForBinary(Volume v) => new([v.Nz, v.Ny, v.Nx], "uint8", v.VoxelSize, 1);

    public static VolumeSidecar Read(string path)
    {
        int[]? shape = null; string? dtype = null; double? voxel = null, pore = null;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new BadInputException($"{path}: a volume sidecar is a JSON object");
            foreach (var p in doc.RootElement.EnumerateObject())
                switch (p.Name)
                {
                    case "shape" when p.Value.ValueKind == JsonValueKind.Array: shape = p.Value.EnumerateArray().Select(e => e.GetInt32()).ToArray(); break;
                    case "shape" when p.Value.ValueKind != JsonValueKind.Null: throw new BadInputException($"{path}: \"shape\" must be an array [Z, Y, X]");
                    case "dtype" when p.Value.ValueKind != JsonValueKind.Null: dtype = p.Value.GetString(); break;
                    case "voxelSize" when p.Value.ValueKind != JsonValueKind.Null: voxel = p.Value.GetDouble(); break;
                    case "poreValue" when p.Value.ValueKind != JsonValueKind.Null: pore = p.Value.GetDouble(); break;
                }
        }
        catch (JsonException e) { throw new BadInputException($"{path}: not a valid volume sidecar JSON ({e.Message.Split('\n')[0]})"); }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        { throw new BadInputException($"{path}: not a valid volume sidecar JSON (a field of the wrong type: {e.Message.Split('\n')[0]})"); }
        if (shape is null || shape.Length != 3 || dtype is null)
            throw new BadInputException($"{path}: sidecar must hold \"shape\": [Z, Y, X] and \"dtype\"");
        return new VolumeSidecar(shape, dtype, voxel, pore);
    }

    public void Write(string path)
    {
        using var fs = File.Create(path);
        using var w = new Utf8JsonWriter(fs, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteStartArray("shape");
        foreach (int n in Shape) w.WriteNumberValue(n);
        w.WriteEndArray();
        w.WriteString("dtype", Dtype);
        if (VoxelSize is { } v) w.WriteNumber("voxelSize", v); else w.WriteNull("voxelSize");
        if (PoreValue is { } p) w.WriteNumber("poreValue", p); else w.WriteNull("poreValue");
        w.WriteEndObject();
    }
}
