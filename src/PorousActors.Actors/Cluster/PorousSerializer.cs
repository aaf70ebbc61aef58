using System.Text.Json;
using Akka.Actor;
using Akka.Serialization;
using PorousActors.Actors.Flow;
using PorousActors.Actors.Generation;
using PorousActors.Actors.Simulation;
using PorousActors.Conditioning;
using PorousActors.Core;
using PorousActors.Pnm;
using PorousActors.Pnm.Flow;

namespace PorousActors.Actors.Cluster;

/// <summary>
/// Binary serializer for the messages that cross nodes. Volumes travel bit-packed (a 128³ binary
/// cube is 256 KiB), latents as raw floats, actor references as their serialized paths, rock
/// properties as JSON. Each manifest carries a version (…1) so nodes of different releases refuse
/// rather than misread each other's messages.
/// </summary>
public sealed class PorousSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public override int Identifier => 471_100;

    const string GenerateRequestV1 = "GQ1", GenerateResponseV1 = "GR1", EvaluateV1 = "EV1", EvaluatedV1 = "ED1",
        BrokerHereV1 = "BH1", ReadyForWorkV1 = "RW1", WorkDoneV1 = "WD1";
    static readonly JsonSerializerOptions Json = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public override string Manifest(object o) => o switch
    {
        GenerateRequest => GenerateRequestV1,
        GenerateResponse => GenerateResponseV1,
        Evaluate => EvaluateV1,
        Evaluated => EvaluatedV1,
        BrokerHere => BrokerHereV1,
        ReadyForWork => ReadyForWorkV1,
        WorkDone => WorkDoneV1,
        _ => throw new ArgumentException($"{GetType().Name} cannot serialize {o.GetType()}"),
    };

    public override byte[] ToBinary(object obj)
    {
        using var ms = new MemoryStream();
        using var w = new BinaryWriter(ms);
        switch (obj)
        {
            case GenerateRequest r:
                w.Write(r.RequestId); WriteLatents(w, r.Latents); w.Write(Serialization.SerializedActorPath(r.ReplyTo));
                break;
            case GenerateResponse r:
                w.Write(r.RequestId); w.Write(r.Cubes.Count);
                foreach (var v in r.Cubes) WriteVolume(w, v);
                break;
            case Evaluate e:
                w.Write(e.RequestId); w.Write(e.Index); WriteVolume(w, e.Cube);
                w.Write(e.Needs.Network); w.Write(e.Needs.Axes.Count); foreach (var a in e.Needs.Axes) w.Write((int)a);
                w.Write(Serialization.SerializedActorPath(e.ReplyTo)); w.Write(e.Attempt);
                break;
            case Evaluated e:
                w.Write(e.RequestId); w.Write(e.Index);
                w.Write(e.Properties is null ? "" : JsonSerializer.Serialize(e.Properties, Json));
                w.Write(e.Error ?? "");
                break;
            case BrokerHere h: w.Write(Serialization.SerializedActorPath(h.Broker)); break;
            case ReadyForWork r: w.Write(r.Slots); break;
            case WorkDone d: w.Write(d.RequestId); w.Write(d.Index); w.Write(Serialization.SerializedActorPath(d.ReplyTo)); break;
            default: throw new ArgumentException($"{GetType().Name} cannot serialize {obj.GetType()}");
        }
        w.Flush();
        return ms.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        using var r = new BinaryReader(new MemoryStream(bytes));
        switch (manifest)
        {
            case GenerateRequestV1:
                return new GenerateRequest(r.ReadInt64(), ReadLatents(r), Resolve(r.ReadString()));
            case GenerateResponseV1:
            {
                long id = r.ReadInt64(); int n = r.ReadInt32();
                var cubes = new Volume[n];
                for (int i = 0; i < n; i++) cubes[i] = ReadVolume(r);
                return new GenerateResponse(id, cubes);
            }
            case EvaluateV1:
            {
                long id = r.ReadInt64(); int index = r.ReadInt32(); var cube = ReadVolume(r);
                bool network = r.ReadBoolean(); int na = r.ReadInt32();
                var axes = new List<FlowAxis>(); for (int i = 0; i < na; i++) axes.Add((FlowAxis)r.ReadInt32());
                return new Evaluate(id, index, cube, new PropertyNeeds(network, axes), Resolve(r.ReadString()), r.ReadInt32());
            }
            case EvaluatedV1:
            {
                long id = r.ReadInt64(); int index = r.ReadInt32();
                string props = r.ReadString(), error = r.ReadString();
                return new Evaluated(id, index, props.Length == 0 ? null : JsonSerializer.Deserialize<RockProperties>(props, Json), error.Length == 0 ? null : error);
            }
            case BrokerHereV1: return new BrokerHere(Resolve(r.ReadString()));
            case ReadyForWorkV1: return new ReadyForWork(r.ReadInt32());
            case WorkDoneV1: return new WorkDone(r.ReadInt64(), r.ReadInt32(), Resolve(r.ReadString()));
            default: throw new System.Runtime.Serialization.SerializationException($"unknown message manifest '{manifest}' (a node of another PorousActors version?)");
        }
    }

    IActorRef Resolve(string path) => system.Provider.ResolveActorRef(path);

    static void WriteLatents(BinaryWriter w, IReadOnlyList<float[]> latents)
    {
        w.Write(latents.Count);
        w.Write(latents.Count == 0 ? 0 : latents[0].Length);
        foreach (var z in latents) foreach (var x in z) w.Write(x);
    }

    static List<float[]> ReadLatents(BinaryReader r)
    {
        int n = r.ReadInt32(), len = r.ReadInt32();
        var list = new List<float[]>(n);
        for (int i = 0; i < n; i++) { var z = new float[len]; for (int k = 0; k < len; k++) z[k] = r.ReadSingle(); list.Add(z); }
        return list;
    }

    /// <summary>Shape, voxel size, then 8 voxels per byte (bit i of byte j is voxel 8j + i).</summary>
    public static void WriteVolume(BinaryWriter w, Volume v)
    {
        w.Write(v.Nz); w.Write(v.Ny); w.Write(v.Nx); w.Write(v.VoxelSize);
        var packed = new byte[(v.Count + 7) / 8];
        for (int i = 0; i < v.Count; i++) if (v.Data[i] != 0) packed[i >> 3] |= (byte)(1 << (i & 7));
        w.Write(packed);
    }

    public static Volume ReadVolume(BinaryReader r)
    {
        int nz = r.ReadInt32(), ny = r.ReadInt32(), nx = r.ReadInt32();
        double vs = r.ReadDouble();
        var v = new Volume(nz, ny, nx, vs);
        var packed = r.ReadBytes((v.Count + 7) / 8);
        for (int i = 0; i < v.Count; i++) v.Data[i] = (byte)((packed[i >> 3] >> (i & 7)) & 1);
        return v;
    }
}
