using PorousActors.Core;

namespace PorousActors.Core.Tests;

public class LargeArraysTests
{
    [Fact]
    public void ALargeArrayIsZeroedEvenWhereTheMemoryHeldValuesBefore()
    {
        // dirty a few large arrays, let them die and be collected, then ask again: the runtime's
        // zeroing is skipped for these arrays, so the zeros must come from LargeArrays itself
        for (int round = 0; round < 3; round++)
        {
            var dirty = LargeArrays.Allocate<long>(3_000_000, zeroed: false);
            Array.Fill(dirty, -1L);
            GC.KeepAlive(dirty);
        }
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        for (int round = 0; round < 3; round++)
        {
            var a = LargeArrays.Allocate<long>(3_000_000 + round);
            Assert.Equal(3_000_000 + round, a.Length);
            Assert.Equal(-1, Array.FindIndex(a, x => x != 0));
            Array.Fill(a, -1L);
        }
    }

    [Fact]
    public void SmallArraysAreOrdinaryZeroedArrays()
    {
        var a = LargeArrays.Allocate<float>(1000, zeroed: false);
        Assert.Equal(1000, a.Length);
        Assert.All(a, x => Assert.Equal(0f, x));
    }

    [Fact]
    public void WorkspaceAndVolumeArraysComeZeroed()
    {
        var ws = new Workspace();
        var labels = ws.Get<int>("labels", 2_000_000);
        Array.Fill(labels, 7);
        var other = ws.Get<int>("labels", 2_000_001); // a new length: a fresh array
        Assert.Equal(-1, Array.FindIndex(other, x => x != 0));
        Array.Fill(other, 7);
        var again = ws.Get<int>("labels", 2_000_001); // the same length: reused, and cleared again
        Assert.Same(other, again);
        Assert.Equal(-1, Array.FindIndex(again, x => x != 0));
        var v = new Volume(160, 160, 160, 1e-6);
        Assert.Equal(-1, Array.FindIndex(v.Data, x => x != 0));
    }

    [Fact]
    public void OnLinuxWithHugePagesOnRequestTheArraysMemoryIsAdvised()
    {
        string mode = File.Exists("/sys/kernel/mm/transparent_hugepage/enabled")
            ? File.ReadAllText("/sys/kernel/mm/transparent_hugepage/enabled") : "";
        // off unless POROUS_HUGE_PAGES=1 asks for them (measured slower on this project's VM)
        string? setting = Environment.GetEnvironmentVariable("POROUS_HUGE_PAGES");
        Assert.Equal(OperatingSystem.IsLinux() && setting == "1", LargeArrays.HugePages);
        var plain = LargeArrays.Allocate<byte>(16L << 20, hugePages: false);
        Assert.Equal(16L << 20, plain.LongLength);
        if (OperatingSystem.IsLinux()) Assert.DoesNotContain(" hg", Flags(plain) ?? "");
        if (!OperatingSystem.IsLinux() || !(mode.Contains("[madvise]") || mode.Contains("[always]")))
            return; // elsewhere the array is an ordinary one, which the other tests cover
        // asked for, the mapping holding the middle of the array carries the "hg" (MADV_HUGEPAGE)
        // flag and the array is zeroed all the same; a few tries, since a compacting collection on
        // another test's thread may move an array at once
        bool advised = false;
        for (int attempt = 0; attempt < 3 && !advised; attempt++)
        {
            var b = LargeArrays.Allocate<byte>(16L << 20, hugePages: true);
            Assert.Equal(16L << 20, b.LongLength);
            Assert.Equal(-1, Array.FindIndex(b, x => x != 0));
            advised = Flags(b)?.Contains(" hg") == true;
        }
        Assert.True(advised, "no array's memory carried the huge-page advice");
    }

    static unsafe string? Flags(byte[] a)
    {
        fixed (byte* p = a)
        {
            long mid = (long)p + a.LongLength / 2;
            bool inside = false;
            foreach (var line in File.ReadLines("/proc/self/smaps"))
            {
                if (line.Length > 0 && char.IsAsciiHexDigit(line[0]) && line.Contains('-') && line.IndexOf(' ') > 0)
                {
                    var range = line[..line.IndexOf(' ')].Split('-');
                    if (range.Length != 2) continue;
                    long lo = Convert.ToInt64(range[0], 16), hi = Convert.ToInt64(range[1], 16);
                    inside = lo <= mid && mid < hi;
                }
                else if (inside && line.StartsWith("VmFlags:")) return line;
            }
            return null;
        }
    }
}
