using System.Diagnostics;
using PorousActors.Core.Metrics;
using PorousActors.Pnm;
using PorousActors.Pnm.Extraction;
using PorousActors.Pnm.Flow;

// The work of `porous analyze FILE --axis z` without --json: image metrics, SNOW network, Stokes
// flow along z, connected porosity, chord lengths. Prints the values to compare with porous's and
// the stage timings (ms).
if (args.Length != 1) { Console.Error.WriteLine("usage: porous-native-probe VOLUME.raw"); return 2; }
var sw = Stopwatch.StartNew();
var v = PorousActors.Core.IO.VolumeIO.ReadBinary(args[0]);
double read = sw.Elapsed.TotalMilliseconds;
var props = new PoreNetworkSimulator([FlowAxis.Z]).Simulate(v, out SnowExtractor.Result _);
var stage = Stopwatch.StartNew();
var connected = Porosity.ConnectedAll(v);
double connectedMs = stage.Elapsed.TotalMilliseconds;
stage.Restart();
double chordZ = ChordLength.Mean(ChordLength.Histogram(v, 0)) * v.VoxelSize;
ChordLength.Histogram(v, 1); ChordLength.Histogram(v, 2);
double chordsMs = stage.Elapsed.TotalMilliseconds;
Console.WriteLine($"porosity {props.Porosity} permeability_mD {props.Get("permeability_mD")} poreCount {props.PoreCount} throatCount {props.ThroatCount} connectedPorosity_z {connected[0]} chordLength_mean_m_z {chordZ}");
Console.WriteLine($"timings_ms read {read:F1} " + string.Join(" ", props.TimingsMs.Select(t => $"{t.Key} {t.Value:F1}")) + $" connectedPorosity {connectedMs:F1} chordLengths {chordsMs:F1} total {sw.Elapsed.TotalMilliseconds:F1}");
return 0;
