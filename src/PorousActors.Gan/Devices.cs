using PorousActors.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace PorousActors.Gan;

/// <summary>
/// Which devices run the network: <c>auto</c> (every visible GPU, else the CPU), <c>cpu</c>,
/// <c>cuda</c> (every GPU) or <c>cuda:N</c>; several joined by ','. The code paths are the same on
/// every device apart from the device itself. On this project's machines only the CPU is tested
/// (TorchSharp-cuda-linux cannot be restored here).
/// </summary>
public static class Devices
{
    public static IReadOnlyList<Device> Resolve(string? spec)
    {
        var list = new List<Device>();
        foreach (var part in (string.IsNullOrWhiteSpace(spec) ? "auto" : spec).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string s = part.ToLowerInvariant();
            if (s == "auto")
            {
                int n = cuda.is_available() ? cuda.device_count() : 0;
                if (n == 0) list.Add(CPU);
                else for (int i = 0; i < n; i++) list.Add(new Device(DeviceType.CUDA, i));
            }
            else if (s == "cpu") list.Add(CPU);
            else if (s == "cuda" || s.StartsWith("cuda:"))
            {
                if (!cuda.is_available())
                    throw new BadInputException($"device '{part}': CUDA is not available here (build with -p:TorchBackend=cuda on a machine with an NVIDIA GPU, or run on the CPU)", InputField.Device);
                int count = cuda.device_count();
                if (s == "cuda") for (int i = 0; i < count; i++) list.Add(new Device(DeviceType.CUDA, i));
                else if (int.TryParse(s[5..], out int i) && i >= 0 && i < count) list.Add(new Device(DeviceType.CUDA, i));
                else throw new BadInputException($"device '{part}': this machine has CUDA devices 0..{count - 1}");
            }
            else throw new BadInputException($"device '{part}' is not auto, cpu, cuda or cuda:N");
        }
        if (list.Count == 0) throw new BadInputException("no device given");
        return list;
    }

    /// <summary>The single device a one-device command (train, generate, condition…) runs on: the first one.</summary>
    public static Device One(string? spec) => Resolve(spec)[0];

    public static string Name(Device d) => d.type == DeviceType.CUDA ? $"cuda:{d.index}" : "cpu";

    /// <summary>What torch sees here, for torch-check.</summary>
    public static IReadOnlyList<string> Visible()
    {
        var names = new List<string> { $"cpu ({get_num_threads()} threads)" };
        if (cuda.is_available()) for (int i = 0; i < cuda.device_count(); i++) names.Add($"cuda:{i}");
        return names;
    }
}
