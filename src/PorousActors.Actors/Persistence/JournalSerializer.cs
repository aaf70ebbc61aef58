using System.Text;
using System.Text.Json;
using Akka.Actor;
using Akka.Serialization;
using PorousActors.Actors.Campaigns;
using PorousActors.Actors.Chains;

namespace PorousActors.Actors.Persistence;

/// <summary>
/// The journal's own format for persisted events and snapshots: JSON with fixed field names and a
/// versioned manifest per event ("chain-step/1", "chain-completed/1", "campaign-started/1"),
/// independent of CLR type and property names, so renaming a record never breaks recovery of an
/// existing journal. A future format change adds "/2" and keeps reading "/1". Events written
/// before this serializer existed (Akka's default JSON, which stores type names) still recover
/// through that serializer, whose id is stored with each event.
/// </summary>
public sealed class JournalSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public override int Identifier => 471_101;

    public const string ChainStepV1 = "chain-step/1", ChainCompletedV1 = "chain-completed/1", CampaignStartedV1 = "campaign-started/1";

    public override string Manifest(object o) => o switch
    {
        ChainStepPersisted => ChainStepV1,
        ChainCompleted => ChainCompletedV1,
        CampaignStarted => CampaignStartedV1,
        _ => throw new ArgumentException($"{GetType().Name} cannot serialize {o.GetType()}"),
    };

    public override byte[] ToBinary(object obj)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            switch (obj)
            {
                case ChainStepPersisted e: WriteStep(w, e); break;
                case ChainCompleted e:
                    w.WriteStartObject();
                    w.WritePropertyName("result"); WriteResult(w, e.Result);
                    if (e.Checksum is not null) w.WriteString("checksum", e.Checksum);
                    w.WriteEndObject();
                    break;
                case CampaignStarted e: WriteDefinition(w, e.Definition); break;
                default: throw new ArgumentException($"{GetType().Name} cannot serialize {obj.GetType()}");
            }
        }
        return ms.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        using var doc = JsonDocument.Parse(bytes);
        var r = doc.RootElement;
        return manifest switch
        {
            ChainStepV1 => ReadStep(r),
            ChainCompletedV1 => new ChainCompleted(ReadResult(r.GetProperty("result")), r.TryGetProperty("checksum", out var c) ? c.GetString() : null),
            CampaignStartedV1 => new CampaignStarted(ReadDefinition(r)),
            _ => throw new System.Runtime.Serialization.SerializationException($"unknown journal event '{manifest}' (written by a newer PorousActors?)"),
        };
    }

    static void WriteStep(Utf8JsonWriter w, ChainStepPersisted e)
    {
        w.WriteStartObject();
        w.WriteNumber("step", e.Step);
        WriteFloats(w, "latent", e.Latent);
        if (e.Error is { } err) w.WriteNumber("error", err); else w.WriteNull("error");
        WriteProperties(w, e.Properties);
        w.WriteNumber("evaluations", e.Evaluations);
        w.WriteNumber("t", e.T);
        w.WriteString("status", e.Status);
        w.WriteNumber("elapsedSeconds", e.ElapsedSeconds);
        if (e.Checksum is not null) w.WriteString("checksum", e.Checksum);
        if (e.LastFailure is not null) w.WriteString("lastFailure", e.LastFailure);
        w.WriteEndObject();
    }

    static ChainStepPersisted ReadStep(JsonElement r) => new(
        r.GetProperty("step").GetInt32(), ReadFloats(r.GetProperty("latent")),
        r.GetProperty("error").ValueKind == JsonValueKind.Null ? null : r.GetProperty("error").GetDouble(),
        ReadProperties(r.GetProperty("properties")), r.GetProperty("evaluations").GetInt32(), r.GetProperty("t").GetDouble(),
        r.GetProperty("status").GetString()!, r.GetProperty("elapsedSeconds").GetDouble(),
        r.TryGetProperty("checksum", out var c) ? c.GetString() : null,
        r.TryGetProperty("lastFailure", out var f) ? f.GetString() : null);

    static void WriteResult(Utf8JsonWriter w, ChainResult x)
    {
        w.WriteStartObject();
        w.WriteString("id", x.Id); w.WriteString("targets", x.Targets); w.WriteNumber("seed", x.Seed);
        w.WriteString("status", x.Status); w.WriteNumber("steps", x.Steps); w.WriteNumber("evaluations", x.Evaluations);
        if (x.Error is { } err) w.WriteNumber("error", err); else w.WriteNull("error");
        WriteProperties(w, x.Properties);
        w.WriteNumber("seconds", x.Seconds);
        WriteFloats(w, "latent", x.Latent);
        if (x.AllProperties is { } all) WriteProperties(w, all, "allProperties"); // optional: absent in older events
        w.WriteEndObject();
    }

    static ChainResult ReadResult(JsonElement r) => new(
        r.GetProperty("id").GetString()!, r.GetProperty("targets").GetString()!, r.GetProperty("seed").GetInt64(),
        r.GetProperty("status").GetString()!, r.GetProperty("steps").GetInt32(), r.GetProperty("evaluations").GetInt32(),
        r.GetProperty("error").ValueKind == JsonValueKind.Null ? null : r.GetProperty("error").GetDouble(),
        ReadProperties(r.GetProperty("properties")), r.GetProperty("seconds").GetDouble(), ReadFloats(r.GetProperty("latent")),
        r.TryGetProperty("allProperties", out var all) ? ReadProperties(all) : null);

    static void WriteDefinition(Utf8JsonWriter w, CampaignDefinition d)
    {
        w.WriteStartObject();
        w.WriteString("name", d.Name); w.WriteString("model", d.Model); w.WriteString("modelSha256", d.ModelSha256);
        w.WriteString("policy", d.Policy); w.WriteNumber("maxEvaluations", d.MaxEvaluations); w.WriteNumber("concurrency", d.Concurrency);
        w.WriteStartArray("chains");
        foreach (var c in d.Chains)
        {
            w.WriteStartObject();
            w.WriteString("id", c.Id); w.WriteString("targets", c.Targets); w.WriteNumber("seed", c.Seed);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (d.CubeFormat != "raw") w.WriteString("cubeFormat", d.CubeFormat); // optional: absent in older events
        if (d.Size is { } size) w.WriteNumber("size", size);                   // optional: the model's own size when absent
        if (d.Prior is { } prior) { w.WritePropertyName("prior"); w.WriteRawValue(prior.ToJson()); } // optional: no latent prior when absent
        if (d.Surrogate is { } surrogate) { w.WritePropertyName("surrogate"); w.WriteRawValue(surrogate.ToJson()); } // optional: none when absent
        w.WriteEndObject();
    }

    static CampaignDefinition ReadDefinition(JsonElement r) => new(
        r.GetProperty("name").GetString()!, r.GetProperty("model").GetString()!, r.GetProperty("modelSha256").GetString()!,
        r.GetProperty("policy").GetString()!, r.GetProperty("maxEvaluations").GetInt32(), r.GetProperty("concurrency").GetInt32(),
        r.GetProperty("chains").EnumerateArray().Select(c => new ChainSpec(c.GetProperty("id").GetString()!, c.GetProperty("targets").GetString()!, c.GetProperty("seed").GetInt64())).ToList(),
        r.TryGetProperty("cubeFormat", out var f) ? f.GetString()! : "raw",
        r.TryGetProperty("size", out var size) ? size.GetInt32() : null,
        r.TryGetProperty("prior", out var prior) ? Conditioning.LatentPrior.FromJson(prior.GetRawText(), "the campaign's latent prior") : null,
        r.TryGetProperty("surrogate", out var surrogate) ? Conditioning.LatentSurrogate.FromJson(surrogate.GetRawText(), "the campaign's latent surrogate") : null);

    // floats and doubles as round-trip text; NaN and infinities as strings JSON can hold
    static void WriteFloats(Utf8JsonWriter w, string name, float[] xs)
    {
        w.WriteStartArray(name);
        foreach (var x in xs) w.WriteNumberValue(x);
        w.WriteEndArray();
    }

    static float[] ReadFloats(JsonElement a) => a.EnumerateArray().Select(e => e.GetSingle()).ToArray();

    static void WriteProperties(Utf8JsonWriter w, Dictionary<string, double> p, string name = "properties")
    {
        w.WriteStartObject(name);
        foreach (var (k, v) in p)
        {
            if (double.IsFinite(v)) w.WriteNumber(k, v);
            else w.WriteString(k, double.IsNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
        }
        w.WriteEndObject();
    }

    static Dictionary<string, double> ReadProperties(JsonElement o) => o.EnumerateObject().ToDictionary(p => p.Name,
        p => p.Value.ValueKind == JsonValueKind.String ? double.Parse(p.Value.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : p.Value.GetDouble());
}
