using System.Diagnostics;
using PorousActors.Pnm.VoxelFlow;
using TorchSharp;
using static TorchSharp.torch;

namespace PorousActors.Gan;

/// <summary>
/// The voxel-level lattice-Boltzmann Stokes solver of <see cref="LatticeBoltzmann"/> on torch
/// tensors, so it runs on a GPU as well as on the CPU: the same fluid-node pull table (one gather
/// streams every population, walls and free-slip faces included), the same TRT collision with a
/// linear equilibrium, written as whole-array operations over the nodes. Only the device differs
/// between CPU and GPU runs.
/// </summary>
public sealed class TorchLatticeBoltzmann(Device device) : IVoxelFlowSolver
{
    public string Name => "torch:" + Devices.Name(device);

    public VoxelFlowResult Solve(FlowDomain d, VoxelFlowOptions o, IProgress<VoxelFlowProgress>? progress = null, CancellationToken ct = default)
    {
        var sw = Stopwatch.StartNew();
        var (_, pullTable) = LatticeBoltzmann.BuildNodes(d);
        int n = pullTable.Length / D3Q19.Q;
        if (n == 0) return new VoxelFlowResult(0, 0, true, 0, 0, sw.Elapsed.TotalSeconds, Name, "no fluid voxels: permeability is 0");

        using var scope = NewDisposeScope();
        var pull = tensor(pullTable.Select(x => (long)x).ToArray(), dtype: int64, device: device);
        var c = tensor(D3Q19.C0.Concat(D3Q19.C1).Concat(D3Q19.C2).Select(x => (float)x).ToArray(), dtype: float32, device: device).reshape(3, D3Q19.Q);
        var w = tensor(D3Q19.W.Select(x => (float)x).ToArray(), dtype: float32, device: device).reshape(D3Q19.Q, 1);
        var opposite = tensor(Enumerable.Range(0, D3Q19.Q).Select(q => (long)D3Q19.Opposite(q)).ToArray(), dtype: int64, device: device);
        double forceScale = (1 - 0.5 / o.TauMinus) * 3 * o.BodyForce;
        var force = tensor(Enumerable.Range(0, D3Q19.Q).Select(q => (float)(forceScale * D3Q19.W[q] * D3Q19.C0[q])).ToArray(), dtype: float32, device: device).reshape(D3Q19.Q, 1);
        var halfForce = tensor(new[] { (float)(0.5 * o.BodyForce), 0f, 0f }, dtype: float32, device: device).reshape(3, 1);
        var wp = tensor((float)(1 / o.TauPlus), dtype: float32, device: device);
        var wm = tensor((float)(1 / o.TauMinus), dtype: float32, device: device);
        var three = tensor(3f, dtype: float32, device: device);
        var half = tensor(0.5f, dtype: float32, device: device);
        var f = zeros(D3Q19.Q, n, dtype: float32, device: device); // deviations from rest, post-collision

        var monitor = new ConvergenceMonitor(o, progress);
        int step = 0;
        double flux = 0, speed = 0; // of the last measured state
        while (step < o.MaxSteps)
        {
            ct.ThrowIfCancellationRequested();
            for (int s = 0; s < o.CheckEvery && step < o.MaxSteps; s++, step++)
            {
                using var stepScope = NewDisposeScope();
                var fin = f.reshape(-1).take(pull).reshape(D3Q19.Q, n);           // stream (pull)
                var rho = fin.sum(0, keepdim: true);                                  // 1 × n
                var u = c.matmul(fin).PlusInPlace(halfForce);                        // 3 × n, half the force
                var cu = c.t().matmul(u);                                             // 19 × n
                var fo = fin.index_select(0, opposite);
                var sym = fin.Plus(fo).mul_(half).MinusInPlace(w.mul(rho));
                var anti = fin.Minus(fo).mul_(half).MinusInPlace(w.mul(cu).mul_(three));
                var next = fin.Minus(sym.mul_(wp)).MinusInPlace(anti.mul_(wm)).PlusInPlace(force);
                f.Dispose();
                f = next.MoveToOuterDisposeScope();
            }
            using (NewDisposeScope())
            {
                var fin = f.reshape(-1).take(pull).reshape(D3Q19.Q, n);
                var u = c.matmul(fin).PlusInPlace(halfForce);
                flux = u[0].sum().ToDouble();
                speed = u.square().sum(0, keepdim: false).sqrt().sum().ToDouble(); // named: a bare 0 binds to sum(ScalarType)
            }
            if (monitor.Record(step, DarcyMeasure.Permeability(d, o, flux))) break;
        }
        f.Dispose();
        return monitor.Result(step, n, sw.Elapsed.TotalSeconds, Name, flux > 0 ? speed / flux : double.NaN);
    }
}
