using Akka.Actor;
using Akka.TestKit.Xunit2;
using PorousActors.Actors.Cluster;
using PorousActors.Actors.Flow;
using PorousActors.Actors.Generation;
using PorousActors.Actors.Simulation;
using PorousActors.Conditioning;
using PorousActors.Core.Generators;
using PorousActors.Pnm.Flow;

namespace PorousActors.Actors.Tests;

public class SerializerTests : TestKit
{
    T RoundTrip<T>(T message) where T : notnull
    {
        var s = new PorousSerializer((ExtendedActorSystem)Sys);
        return (T)s.FromBinary(s.ToBinary(message), s.Manifest(message));
    }

    [Fact]
    public void CubesTravelBitPackedAndUnchanged()
    {
        var cube = OverlappingSpheres.Generate(13, 0.3, 3, 1, 5.345e-6); // 2197 voxels: not a multiple of 8
        var s = new PorousSerializer((ExtendedActorSystem)Sys);
        var msg = new GenerateResponse(42, [cube, cube.Flip(0)]);
        var bytes = s.ToBinary(msg);
        Assert.True(bytes.Length < 2 * (13 * 13 * 13 / 8 + 40), $"{bytes.Length} bytes");
        var back = (GenerateResponse)s.FromBinary(bytes, s.Manifest(msg));
        Assert.Equal(42, back.RequestId);
        Assert.Equal(cube.Data, back.Cubes[0].Data);
        Assert.Equal(cube.VoxelSize, back.Cubes[0].VoxelSize);
        Assert.Equal(cube.Flip(0).Data, back.Cubes[1].Data);
    }

    [Fact]
    public void RequestsAndResultsRoundTripWithTheirReplyAddresses()
    {
        var z = ConditioningChain.Draw(3, 1, 20);
        var q = RoundTrip(new GenerateRequest(7, [z, z], TestActor));
        Assert.Equal(z, q.Latents[1]);
        Assert.Equal(TestActor, q.ReplyTo);

        var cube = GaussianBlobs.Generate(16, 0.3, 2, 1, 1e-6);
        var e = RoundTrip(new Evaluate(9, 2, cube, new PropertyNeeds(true, [FlowAxis.X]), TestActor, 1));
        Assert.Equal((9L, 2, 1), (e.RequestId, e.Index, e.Attempt));
        Assert.Equal([FlowAxis.X], e.Needs.Axes);
        Assert.Equal(cube.Data, e.Cube.Data);

        var props = new PnmForwardModel().Evaluate(cube, new PropertyNeeds(true, [FlowAxis.Z]));
        var r = RoundTrip(new Evaluated(9, 2, props, null));
        Assert.Equal(props.PermeabilityM2, r.Properties!.PermeabilityM2);
        Assert.Equal(props.MeanThroatDiameterM, r.Properties.MeanThroatDiameterM);
        var failed = RoundTrip(new Evaluated(1, 0, null, "boom"));
        Assert.Null(failed.Properties);
        Assert.Equal("boom", failed.Error);
    }

    [Fact]
    public void WorkPullingMessagesRoundTrip()
    {
        Assert.Equal(TestActor, RoundTrip(new BrokerHere(TestActor)).Broker);
        Assert.Equal(3, RoundTrip(new ReadyForWork(3)).Slots);
        var d = RoundTrip(new WorkDone(11, 4, TestActor));
        Assert.Equal((11L, 4, TestActor), (d.RequestId, d.Index, d.ReplyTo));
    }

    [Fact]
    public void UnknownManifestIsRefused()
    {
        var s = new PorousSerializer((ExtendedActorSystem)Sys);
        Assert.Throws<System.Runtime.Serialization.SerializationException>(() => s.FromBinary([1, 2, 3], "GR9"));
    }
}
