namespace PorousActors.Core;

/// <summary>The input a message is about, so that each front end can name its own way of giving
/// it (the CLI its option) while the layers below only say what is wrong.</summary>
public enum InputField
{
    None, VoxelSize, AnyVoxelSize, PoreValue, Shape, Dtype, Dataset, Crop, Downsample,
    Journal, Port, Model, MaxEvaluations, Target, Targets, Device, InitGenerator, CampaignName, CubeFormat, Size,
}

/// <summary>
/// Input the user can fix (missing file, wrong shape, unknown dtype, NaN target...). The CLI prints
/// its message as one line, followed by the option that gives <see cref="Field"/>, and exits with
/// code 2; anything else is a failure (exit code 1).
/// </summary>
public sealed class BadInputException(string message, Exception? inner = null, InputField field = InputField.None) : Exception(message, inner)
{
    public BadInputException(string message, InputField field) : this(message, null, field) { }

    public InputField Field { get; } = field;
}
