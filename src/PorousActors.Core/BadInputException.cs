namespace PorousActors.Core;

/// <summary>
/// Input the user can fix (missing file, wrong shape, unknown dtype, NaN target...). The CLI prints
/// its message as one line and exits with code 2; anything else is a failure (exit code 1).
/// </summary>
public sealed class BadInputException(string message, Exception? inner = null) : Exception(message, inner);
