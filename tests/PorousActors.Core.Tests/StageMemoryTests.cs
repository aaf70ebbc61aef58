using PorousActors.Core;

namespace PorousActors.Core.Tests;

public class StageMemoryTests
{
    [Fact]
    public void OnlyImagesWorthItAreCollectedBetweenStages()
    {
        int before = GC.CollectionCount(2);
        StageMemory.Recycle(StageMemory.MinVoxels - 1);
        StageMemory.Recycle(64 * 64 * 64);
        // other tests may collect meanwhile: a small image must not add a collection of its own,
        // which shows as an unchanged count in most runs; a large one always adds one
        int afterSmall = GC.CollectionCount(2);
        StageMemory.Recycle(StageMemory.MinVoxels);
        Assert.True(GC.CollectionCount(2) > afterSmall);
        Assert.True(afterSmall - before <= 1, $"{afterSmall - before} full collections for small images");
    }
}
