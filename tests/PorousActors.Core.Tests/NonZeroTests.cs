namespace PorousActors.Core.Tests;

public class NonZeroTests
{
    [Fact]
    public void WalksEveryNonZeroElementInOrder()
    {
        var rng = new Random(3);
        var bytes = new byte[1000];
        var ints = new int[1000];
        for (int i = 0; i < bytes.Length; i++) if (rng.Next(17) == 0) { bytes[i] = (byte)rng.Next(1, 256); ints[i] = rng.Next(1, 9) * (rng.Next(2) == 0 ? 1 : -1); }
        bytes[^1] = 1; // a mark in the last place
        var expectedBytes = Enumerable.Range(0, bytes.Length).Where(i => bytes[i] != 0).ToList();
        var expectedInts = Enumerable.Range(0, ints.Length).Where(i => ints[i] != 0).ToList();
        var found = new List<int>();
        for (int i = NonZero.Next<byte>(bytes, 0); i >= 0; i = NonZero.Next<byte>(bytes, i + 1)) found.Add(i);
        Assert.Equal(expectedBytes, found);
        found.Clear();
        for (int i = NonZero.Next<int>(ints, 0); i >= 0; i = NonZero.Next<int>(ints, i + 1)) found.Add(i);
        Assert.Equal(expectedInts, found);
        Assert.Equal(-1, NonZero.Next<byte>(new byte[5], 0));
        Assert.Equal(-1, NonZero.Next<byte>(bytes, bytes.Length));
    }
}
