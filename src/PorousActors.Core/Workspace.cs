namespace PorousActors.Core;

/// <summary>
/// Arrays one thread reuses from one forward-model evaluation to the next: a worker evaluating
/// cube after cube of one size then allocates its voxel arrays (about 29 bytes per voxel) once,
/// not every time. Arrays handed out by name stay valid until the same name is asked for again on
/// the same thread, so results that outlive an evaluation must be copied or use fresh arrays
/// (kernels take a null workspace for that).
/// </summary>
public sealed class Workspace
{
    [ThreadStatic] static Workspace? current;

    /// <summary>The calling thread's workspace.</summary>
    public static Workspace ForThisThread => current ??= new Workspace();

    readonly Dictionary<string, Array> arrays = [];

    /// <summary>An array of exactly <paramref name="length"/> elements, zeroed unless told otherwise.</summary>
    public T[] Get<T>(string name, long length, bool zeroed = true) where T : unmanaged
    {
        if (arrays.TryGetValue(name, out var a) && a is T[] t && t.LongLength == length)
        {
            if (zeroed) Array.Clear(t);
            return t;
        }
        var fresh = LargeArrays.Allocate<T>(length, zeroed);
        arrays[name] = fresh;
        return fresh;
    }

    /// <summary>An array of at least <paramref name="length"/> elements (for sizes that vary between
    /// evaluations of one cube size, such as per-pore lists), zeroed on its first
    /// <paramref name="length"/> elements unless told otherwise.</summary>
    public T[] GetAtLeast<T>(string name, long length, bool zeroed = true) where T : unmanaged
    {
        if (arrays.TryGetValue(name, out var a) && a is T[] t && t.LongLength >= length)
        {
            if (zeroed) Array.Clear(t, 0, (int)length);
            return t;
        }
        var fresh = LargeArrays.Allocate<T>(Math.Max(length, 16), zeroed);
        arrays[name] = fresh;
        return fresh;
    }
}

/// <summary>Helpers for kernels that take an optional workspace.</summary>
public static class WorkspaceArrays
{
    /// <summary>From the workspace when there is one, else a fresh array.</summary>
    public static T[] Array<T>(this Workspace? ws, string name, long length, bool zeroed = true) where T : unmanaged
        => ws is null ? LargeArrays.Allocate<T>(length, zeroed) : ws.Get<T>(name, length, zeroed);

    public static T[] AtLeast<T>(this Workspace? ws, string name, long length, bool zeroed = true) where T : unmanaged
        => ws is null ? LargeArrays.Allocate<T>(length, zeroed) : ws.GetAtLeast<T>(name, length, zeroed);
}
