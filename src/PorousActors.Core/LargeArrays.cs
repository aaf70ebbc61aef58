using System.Runtime.InteropServices;
namespace PorousActors.Core;

/// <summary>
/// Voxel-sized arrays whose memory is first touched in 2 MB pages rather than 4 KB ones.
/// Touching fresh memory costs a page fault per page, and on this project's VM a 4 KB fault costs
/// ~10 µs (3–4 s per GB): a fresh 128³ analysis spent about a quarter of its time in the kernel.
/// Linux's transparent huge pages, in their usual "madvise" mode, serve 2 MB pages to memory that
/// asks for them with <c>madvise(MADV_HUGEPAGE)</c>; the array is therefore allocated without the
/// runtime's zeroing (which would touch it first), advised, and then cleared by us when asked.
/// Elsewhere (another OS, huge pages off, a failing call) it is an ordinary array. The values are
/// the same either way; only the time differs. It is off unless <c>POROUS_HUGE_PAGES=1</c> asks
/// for it: measured on this VM it first saved a little, then cost more than it saved (below).
/// </summary>
public static class LargeArrays
{
    /// <summary>Arrays smaller than this are allocated as usual (they hold at most one whole 2 MB page).</summary>
    public const long MinBytes = 4L << 20;
    /// <summary>Zeroed arrays above this stay the runtime's: it hands out fresh memory already zero
    /// without touching it, so a sparsely written one (a peak-label image: one voxel in ~3,000) stays
    /// mostly unbacked, while clearing it ourselves in 2 MB pages would back all of it (Berea 400³:
    /// peak 1.18 → 1.44 GB). Arrays a kernel writes in full (zeroed: false) are advised at any size.</summary>
    public const long MaxZeroedBytes = 64L << 20;
    const long HugePage = 2L << 20;
    const int MadvHugePage = 14;

    // Off unless asked for (POROUS_HUGE_PAGES=1). Measured with fresh processes on this 2-core VM,
    // alternating runs: one core, 200³: 3.0–3.3 s with them, 1.4–1.8 s without; two cores, 200³:
    // 1.5–2.1 s against 0.95–1.09 s, Berea 400³ along three axes 12.4–14.1 s against 8.9–9.5 s, 128³
    // no difference (3 Dec 2026; the VM runs a DAMON page-out scheme, kdamond, which may be why).
    static readonly bool Enabled = OperatingSystem.IsLinux() && Environment.GetEnvironmentVariable("POROUS_HUGE_PAGES") is "1";
    static bool failed;

    /// <summary>Whether large arrays are advised to take huge pages in this process (Linux,
    /// <c>POROUS_HUGE_PAGES=1</c>, and madvise has not failed).</summary>
    public static bool HugePages => Enabled && !failed;

    /// <summary>A new array of <paramref name="length"/> elements; zeroed unless told otherwise (then
    /// its contents are whatever the memory held: the caller writes every element before reading it).
    /// <paramref name="hugePages"/> overrides the process's setting for this array (null: follow it).</summary>
    public static unsafe T[] Allocate<T>(long length, bool zeroed = true, bool? hugePages = null) where T : unmanaged
    {
        long bytes = length * sizeof(T);
        bool advise = (hugePages ?? Enabled) && OperatingSystem.IsLinux();
        if (!advise || failed || bytes < MinBytes || length > Array.MaxLength || (zeroed && bytes > MaxZeroedBytes)) return new T[length];
        var a = GC.AllocateUninitializedArray<T>((int)length);
        fixed (T* p = a)
        {
            long start = ((long)p + HugePage - 1) & ~(HugePage - 1), end = ((long)p + bytes) & ~(HugePage - 1);
            try
            {
                if (end > start && madvise((nint)start, (nuint)(end - start), MadvHugePage) != 0) failed = true;
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { failed = true; }
        }
        if (zeroed) Clear(a);
        return a;
    }

    /// <summary>Zeroes an array in parallel chunks, so a large one's first-touch faults are shared by the cores.</summary>
    public static void Clear<T>(T[] a) where T : unmanaged
    {
        const int chunk = 1 << 20;
        int chunks = (int)((a.LongLength + chunk - 1) / chunk);
        Parallel.For(0, chunks, KernelParallelism.Options, c =>
        {
            int from = c * chunk;
            Array.Clear(a, from, (int)Math.Min(chunk, a.LongLength - from));
        });
    }

    [DllImport("libc", SetLastError = true)]
    static extern int madvise(nint address, nuint length, int advice);
}
