using System.Text;
using PorousActors.Core.IO;
using PureHDF;

namespace PorousActors.Core.Tests;

/// <summary>MATLAB and HDF5 input. The .mat fixtures were written by GNU Octave 7.3.0
/// (Fixtures/make-mat-fixtures.m); rock(i,j,k) = (i-1) + 4(j-1) + 20(k-1), so every voxel names
/// its own MATLAB position and any axis mix-up shows.</summary>
public sealed class MatFormatTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("porous-mat-").FullName;
    public void Dispose() => Directory.Delete(dir, true);

    static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    /// <summary>scipy.io.loadmat's order: MATLAB size [4 5 6] is (Z, Y, X) = (4, 5, 6), rock(z+1, y+1, x+1) at (z, y, x).</summary>
    static void AssertRock(GrayVolume g, Func<int, int, int, float> expected)
    {
        Assert.Equal((4, 5, 6), (g.Nz, g.Ny, g.Nx));
        for (int z = 0; z < 4; z++)
            for (int y = 0; y < 5; y++)
                for (int x = 0; x < 6; x++)
                    Assert.Equal(expected(z, y, x), g[g.Index(z, y, x)], 5);
    }

    static float Rock(int z, int y, int x) => z + 4 * y + 20 * x;

    [Fact]
    public void OctaveV6FileWithOneVariableIsReadInLoadmatOrder()
    {
        AssertRock(VolumeIO.ReadGray(Fixture("rock-v6.mat")), Rock);
    }

    [Fact]
    public void CompressedV7FileWithSeveralVariablesNeedsANameAndReadsEachType()
    {
        string path = Fixture("several-v7.mat");
        var e = Assert.Throws<BadInputException>(() => VolumeIO.ReadGray(path));
        Assert.Contains("rock (4x5x6)", e.Message);
        Assert.Contains("mask (4x5x6)", e.Message);
        Assert.Equal(InputField.Dataset, e.Field);

        AssertRock(VolumeIO.ReadGray(path, new ReadOptions(Dataset: "rock")), Rock);
        AssertRock(VolumeIO.ReadGray(path, new ReadOptions(Dataset: "mask")), (z, y, x) => (z + y + x) % 2 == 0 ? 1 : 0);
        AssertRock(VolumeIO.ReadGray(path, new ReadOptions(Dataset: "porosity")), (z, y, x) => Rock(z, y, x) / 119f);

        Assert.Contains("not 3-D", Assert.Throws<BadInputException>(() => VolumeIO.ReadGray(path, new ReadOptions(Dataset: "note"))).Message);
        Assert.Contains("no variable 'grain'", Assert.Throws<BadInputException>(() => VolumeIO.ReadGray(path, new ReadOptions(Dataset: "grain"))).Message);
    }

    [Fact]
    public void MaskFromAMatFileBecomesABinaryVolumeWithTheStatedPoreValue()
    {
        var v = VolumeIO.ReadBinary(Fixture("several-v7.mat"), new ReadOptions(Dataset: "mask", VoxelSize: 2e-6, PoreValue: 1));
        Assert.Equal(60, v.Data.Count(b => b == 1));
        Assert.Equal(2e-6, v.VoxelSize);
    }

    [Fact]
    public void MatlabV73FileIsTransposedLikeV5AndPlainHdf5IsTakenInStoredOrder()
    {
        // MATLAB v7.3 stores size [4 5 6] as HDF5 dims (6, 5, 4), column-major, behind a 512-byte header
        var colMajor = new ushort[120];
        for (int k = 0; k < 6; k++) for (int j = 0; j < 5; j++) for (int i = 0; i < 4; i++) colMajor[(k * 5 + j) * 4 + i] = (ushort)(i + 4 * j + 20 * k);
        string mat = Path.Combine(dir, "rock-v73.mat");
        new H5File { ["rock"] = new H5Dataset(colMajor, fileDims: [6, 5, 4]) }.Write(mat, new H5WriteOptions(UserBlockSize: 512));
        using (var f = File.OpenWrite(mat)) f.Write(Encoding.ASCII.GetBytes("MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Sun Nov 29 2026 HDF5 schema 1.00 ."));
        AssertRock(VolumeIO.ReadGray(mat), Rock);

        // h5py's order: a C-ordered (4, 5, 6) dataset is (Z, Y, X) as stored
        var cOrder = new float[120];
        for (int z = 0; z < 4; z++) for (int y = 0; y < 5; y++) for (int x = 0; x < 6; x++) cOrder[(z * 5 + y) * 6 + x] = Rock(z, y, x);
        string h5 = Path.Combine(dir, "rock.h5");
        new H5File
        {
            ["scan"] = new H5Group { ["segmented"] = new H5Dataset(cOrder, fileDims: [4, 5, 6]) },
            ["line"] = new H5Dataset(new double[] { 1, 2, 3 }),
        }.Write(h5);
        AssertRock(VolumeIO.ReadGray(h5), Rock);
        AssertRock(VolumeIO.ReadGray(h5, new ReadOptions(Dataset: "/scan/segmented")), Rock);
        Assert.Contains("not 3-D", Assert.Throws<BadInputException>(() => VolumeIO.ReadGray(h5, new ReadOptions(Dataset: "line"))).Message);
    }

    [Fact]
    public void NotAMatFileOrATruncatedOneIsAOneLineError()
    {
        string text = Path.Combine(dir, "notes.mat");
        File.WriteAllText(text, "these are not voxels");
        Assert.Contains("too short", Assert.Throws<BadInputException>(() => VolumeIO.ReadGray(text)).Message);

        var bytes = File.ReadAllBytes(Fixture("rock-v6.mat"));
        string cut = Path.Combine(dir, "cut.mat");
        File.WriteAllBytes(cut, bytes[..200]);
        var e = Assert.Throws<BadInputException>(() => VolumeIO.ReadGray(cut));
        Assert.StartsWith(cut, e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void Int8NpyIsRead()
    {
        // NumPy's int8: a segmentation saved as -1 (solid) / 1 (pore)
        string path = Path.Combine(dir, "signed.npy");
        string header = "{'descr': '|i1', 'fortran_order': False, 'shape': (2, 2, 2), }";
        header = header.PadRight(64 - 10 - 1) + "\n";
        using (var f = File.Create(path))
        {
            f.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
            f.Write(BitConverter.GetBytes((ushort)header.Length));
            f.Write(Encoding.ASCII.GetBytes(header));
            f.Write([0xff, 1, 0xff, 1, 1, 1, 0xff, 0xff]);
        }
        var g = VolumeIO.ReadGray(path);
        Assert.Equal(new float[] { -1, 1, -1, 1, 1, 1, -1, -1 }, g.ToFloats());
        var v = VolumeIO.ReadBinary(path, new ReadOptions(VoxelSize: 1e-6, PoreValue: 1));
        Assert.Equal(4, v.Data.Count(b => b == 1));
    }
}
