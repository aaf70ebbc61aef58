using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using PorousActors.Actors.Generation;
using PorousActors.Actors.Simulation;
using PorousActors.Conditioning;
using PorousActors.Pnm;

namespace PorousActors.Actors.Chains;

/// <summary>What a campaign asks of one chain.</summary>
public sealed record ChainSpec(string Id, string Targets, long Seed);
