using PorousActors.Core;
using PorousActors.Pnm.Flow;

namespace PorousActors.Pnm.VoxelFlow;

/// <summary>
/// The grid a voxel-level flow solve runs on, with the flow along its first axis (n0 × n1 × n2,
/// solid = 1). Two set-ups:
/// <list type="bullet">
/// <item><b>Sample</b> (<see cref="ForSample"/>): the image, turned so the flow axis comes first,
/// followed by its own mirror image along the flow, and that pair repeated along the flow. Inlet
/// and outlet faces then meet copies of themselves, so a pore cut by a face continues as it
/// would into a reservoir without the entrance losses a thin reservoir adds (a straight tube is
/// exactly Hagen–Poiseuille, as in the network model), and a sample and its mirror have the
/// same resistance, so the pair's k is the sample's. The four other faces are free-slip
/// symmetry planes: closed to flow, without wall friction, as the network model's closed faces.</item>
/// <item><b>Periodic</b> (<see cref="Periodic"/>): the image as a unit cell repeated in every
/// direction, for analytic cases (tubes, slits, sphere arrays).</item>
/// </list>
/// In both, k = ν ⟨u⟩ / g: Darcy's law with the body force g as the pressure gradient and ⟨u⟩ the
/// superficial velocity over the whole grid (solid counted as zero).
/// </summary>
public sealed class FlowDomain
{
    public int N0 { get; }
    public int N1 { get; }
    public int N2 { get; }
    public byte[] Solid { get; }
    /// <summary>Whether the lateral axes (1, 2) wrap around; otherwise their faces are free-slip
    /// planes. The flow axis always wraps.</summary>
    public bool LateralPeriodic { get; }

    FlowDomain(int n0, int n1, int n2, byte[] solid, bool lateralPeriodic)
    {
        N0 = n0; N1 = n1; N2 = n2; Solid = solid; LateralPeriodic = lateralPeriodic;
    }

    public static FlowDomain ForSample(Volume v, FlowAxis axis)
    {
        var t = Oriented(v, axis);
        int n = t.Nz, plane = t.Ny * t.Nx;
        var solid = new byte[2L * n * plane];
        for (int z = 0; z < n; z++)
            for (int i = 0; i < plane; i++)
            {
                byte s = t.Data[z * plane + i] == 0 ? (byte)1 : (byte)0;
                solid[(long)z * plane + i] = s;
                solid[(long)(2 * n - 1 - z) * plane + i] = s;
            }
        return new FlowDomain(2 * n, t.Ny, t.Nx, solid, lateralPeriodic: false);
    }

    public static FlowDomain Periodic(Volume v, FlowAxis axis)
    {
        var t = Oriented(v, axis);
        var solid = new byte[t.Data.Length];
        for (int i = 0; i < solid.Length; i++) solid[i] = t.Data[i] == 0 ? (byte)1 : (byte)0;
        return new FlowDomain(t.Nz, t.Ny, t.Nx, solid, lateralPeriodic: true);
    }

    /// <summary>The volume turned so that <paramref name="axis"/> is its first axis.</summary>
    static Volume Oriented(Volume v, FlowAxis axis) => axis switch
    {
        FlowAxis.Z => v,
        FlowAxis.Y => v.Transpose(1, 0, 2),
        _ => v.Transpose(2, 1, 0),
    };
}
