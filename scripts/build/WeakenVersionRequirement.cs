// MSBuild inline task (RoslynCodeTaskFactory, see Directory.Build.targets): marks one symbol-version
// requirement (GLIBCXX_3.4.32) of every libLibTorchSharp.so under a build output folder as weak
// (VER_FLG_WEAK in the vna_flags of its Elf64_Vernaux entry in .gnu.version_r). The dynamic loader
// then accepts a libstdc++ that lacks the version (Debian 12, Ubuntu 22.04) instead of refusing to
// load. Needs no compiler and no patchelf; touches only output-folder copies; idempotent; does nothing
// where the system's libstdc++ already provides the version.
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public class PorousWeakenGlibcxxRequirement : Task
{
    [Required] public string Directory { get; set; } = "";
    [Required] public string Version { get; set; } = "";

    const uint ShtGnuVerneed = 0x6ffffffe;
    const ushort VerFlgWeak = 0x2;

    static readonly string[] LibStdCxxPaths =
    {
        "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/usr/lib64/libstdc++.so.6", "/lib64/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
    };

    public override bool Execute()
    {
        if (!System.IO.Directory.Exists(Directory)) return true;
        string[] libs = System.IO.Directory.GetFiles(Directory, "libLibTorchSharp.so", SearchOption.AllDirectories);
        if (libs.Length == 0) return true;
        if (SystemHasVersion()) return true;
        foreach (string lib in libs)
        {
            try
            {
                int changed = Weaken(lib, Version);
                if (changed < 0) Log.LogMessage(MessageImportance.Low, $"{lib}: does not require {Version}");
                else if (changed > 0) Log.LogMessage(MessageImportance.Normal, $"{lib}: {Version} requirement marked weak");
            }
            catch (Exception e)
            {
                Log.LogError($"could not mark {Version} weak in {lib}: {e.Message}");
                return false;
            }
        }
        return true;
    }

    bool SystemHasVersion()
    {
        byte[] needle = Encoding.ASCII.GetBytes(Version + "\0");
        foreach (string path in LibStdCxxPaths)
        {
            if (!File.Exists(path)) continue;
            byte[] bytes = File.ReadAllBytes(path);
            return IndexOf(bytes, needle) >= 0;
        }
        return false; // no libstdc++ found where we look: patching is harmless (weak only relaxes a check)
    }

    static int IndexOf(byte[] hay, byte[] needle)
    {
        for (int i = Array.IndexOf(hay, needle[0]); i >= 0 && i <= hay.Length - needle.Length; i = Array.IndexOf(hay, needle[0], i + 1))
        {
            int j = 1;
            while (j < needle.Length && hay[i + j] == needle[j]) j++;
            if (j == needle.Length) return i;
        }
        return -1;
    }

    /// <summary>Returns the number of entries changed (0 when already weak), or -1 when the file does
    /// not name the version at all.</summary>
    static int Weaken(string path, string version)
    {
        byte[] buf = File.ReadAllBytes(path);
        if (buf.Length < 64 || buf[0] != 0x7f || buf[1] != (byte)'E' || buf[2] != (byte)'L' || buf[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (buf[4] != 2 || buf[5] != 1) throw new InvalidDataException("not a 64-bit little-endian ELF file");
        ulong shoff = BitConverter.ToUInt64(buf, 0x28);
        int shentsize = BitConverter.ToUInt16(buf, 0x3A);
        int shnum = BitConverter.ToUInt16(buf, 0x3C);
        int found = 0, changed = 0;
        for (int i = 0; i < shnum; i++)
        {
            int sh = checked((int)shoff + i * shentsize);
            if (BitConverter.ToUInt32(buf, sh + 4) != ShtGnuVerneed) continue;
            int secOffset = checked((int)BitConverter.ToUInt64(buf, sh + 0x18));
            int link = (int)BitConverter.ToUInt32(buf, sh + 0x28);
            int count = (int)BitConverter.ToUInt32(buf, sh + 0x2C);
            int strtab = checked((int)BitConverter.ToUInt64(buf, checked((int)shoff + link * shentsize) + 0x18));
            int p = secOffset;
            for (int n = 0; n < count; n++)
            {
                int vnCnt = BitConverter.ToUInt16(buf, p + 2);
                int vnAux = (int)BitConverter.ToUInt32(buf, p + 8);
                int vnNext = (int)BitConverter.ToUInt32(buf, p + 12);
                int a = p + vnAux;
                for (int k = 0; k < vnCnt; k++)
                {
                    int name = strtab + (int)BitConverter.ToUInt32(buf, a + 8);
                    int end = Array.IndexOf(buf, (byte)0, name);
                    if (Encoding.ASCII.GetString(buf, name, end - name) == version)
                    {
                        found++;
                        ushort flags = BitConverter.ToUInt16(buf, a + 4);
                        if ((flags & VerFlgWeak) == 0)
                        {
                            BitConverter.GetBytes((ushort)(flags | VerFlgWeak)).CopyTo(buf, a + 4);
                            changed++;
                        }
                    }
                    a += (int)BitConverter.ToUInt32(buf, a + 12);
                }
                if (vnNext == 0) break;
                p += vnNext;
            }
        }
        if (found == 0) return -1;
        if (changed > 0)
        {
            // The build copies the file from the read-only NuGet cache mode; write a fresh file so
            // neither a hard link back to the cache nor the mode can bite.
            File.SetAttributes(path, FileAttributes.Normal);
            string tmp = path + ".porous-tmp";
            File.WriteAllBytes(tmp, buf);
            File.Delete(path);
            File.Move(tmp, path);
        }
        return changed;
    }
}
