namespace PorousActors.Core;

/// <summary>
/// Between the stages of a whole-image analysis: a full collection, the large-object heap compacted,
/// so the next stage's arrays reuse the memory of the arrays the last stage dropped instead of
/// touching new memory. Touching memory for the first time costs a page fault per 4 KB (3–4 s per
/// GB on this project's VM against 0.05 s to reuse it). Measured on a 400³ grain pack: peak memory
/// 1.54 → 1.19 GB, page faults 569k → 435k. Below <see cref="MinVoxels"/> a collection costs more
/// than it saves and nothing is done.
/// </summary>
public static class StageMemory
{
    /// <summary>Images smaller than this (~160³) skip the collection.</summary>
    public const long MinVoxels = 1L << 22;

    public static void Recycle(long voxels)
    {
        if (voxels >= MinVoxels) Collect(keep: true);
    }

    /// <summary>A full, compacting collection, the large-object heap included. With <paramref name="keep"/>
    /// the freed memory stays with the process for the next arrays; without, it is handed back to the
    /// system (an aggressive collection), which lowers the working set but makes the next arrays
    /// touch new memory.</summary>
    public static void Collect(bool keep)
    {
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, keep ? GCCollectionMode.Forced : GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }
}
