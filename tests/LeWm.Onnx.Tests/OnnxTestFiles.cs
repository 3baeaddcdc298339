using LeWm.Audio.IO;
using LeWm.Audio.Mel;

namespace LeWm.Onnx.Tests;

/// <summary>
/// The LeWm.Vocos fixtures (python/fixtures/make_vocos_fixtures.py: a PyTorch reference of Vocos with the published
/// key names, random weights, in the published folder layout), temporary folders, and the comparison the parity
/// tests share.
/// </summary>
internal static class OnnxTestFiles
{
    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    public static LogMel FixtureMel(string name)
    {
        NpyArray mel = NpyFile.Read(Path.Combine(Fixture(name), "mel.npy"));
        return new LogMel(mel.Data, mel.Shape[^2], mel.Shape[^1]);
    }

    public static float[] FixtureArray(string name, string file) => NpyFile.Read(Path.Combine(Fixture(name), file)).Data;

    public static string TempFolder()
    {
        string folder = Path.Combine(Path.GetTempPath(), "lewm-onnx-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>A new temporary folder holding a copy of every file of <paramref name="source"/> (an export to edit).</summary>
    public static string CopyOfFolder(string source)
    {
        string folder = TempFolder();
        foreach (string file in Directory.EnumerateFiles(source))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        return folder;
    }

    public static LogMel RandomMel(int bands, int frames, int seed)
    {
        var random = new Random(seed);
        var values = new float[bands * frames];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)((random.NextDouble() * 8.0) - 6.0); // natural-log mel energies, roughly e^-6 .. e^2
        }

        return new LogMel(values, bands, frames);
    }

    public static string? FindRepositoryFile(string relative)
    {
        for (DirectoryInfo? folder = new(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            string candidate = Path.Combine(folder.FullName, relative);
            if (File.Exists(Path.Combine(folder.FullName, "LeWm.Sdk.sln")) && File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Returns max |expected − actual| / max |expected| and asserts the lengths agree.</summary>
    public static double RelativeError(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double peak = 0;
        double worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            peak = Math.Max(peak, Math.Abs(expected[i]));
            worst = Math.Max(worst, Math.Abs((double)expected[i] - actual[i]));
        }

        Assert.True(peak > 0, "The reference is all zeros; the comparison would say nothing.");
        return worst / peak;
    }
}
