using System.Text.Json;
using System.Text.Json.Serialization;

namespace PorousActors.Core.IO;

/// <summary>
/// The JSON file beside a <c>name.raw</c> volume: shape [Z, Y, X], dtype, voxelSize (m) and the
/// value that marks pore voxels.
/// </summary>
public sealed record VolumeSidecar(
    [property: JsonPropertyName("shape")] int[] Shape,
    [property: JsonPropertyName("dtype")] string Dtype,
    [property: JsonPropertyName("voxelSize")] double? VoxelSize,
    [property: JsonPropertyName("poreValue")] double? PoreValue)
{
    static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    public static string PathFor(string rawPath) => Path.ChangeExtension(rawPath, ".json");

    /// <summary>The sidecar of a binary volume as our writers store it: uint8, 1 = pore.</summary>
    public static VolumeSidecar ForBinary(Volume v) => new([v.Nz, v.Ny, v.Nx], "uint8", v.VoxelSize, 1);

    public static VolumeSidecar Read(string path)
    {
        VolumeSidecar? s;
        try { s = JsonSerializer.Deserialize<VolumeSidecar>(File.ReadAllText(path)); }
        catch (JsonException e) { throw new BadInputException($"{path}: not a valid volume sidecar JSON ({e.Message.Split('\n')[0]})"); }
        if (s is null || s.Shape is null || s.Shape.Length != 3 || s.Dtype is null)
            throw new BadInputException($"{path}: sidecar must hold \"shape\": [Z, Y, X] and \"dtype\"");
        return s;
    }

    public void Write(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Options));
}
