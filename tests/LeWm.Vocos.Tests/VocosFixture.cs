using LeWm.Audio.IO;
using LeWm.Audio.Mel;

namespace LeWm.Vocos.Tests;

/// <summary>
/// The committed fixtures made by python/fixtures/make_vocos_fixtures.py: a PyTorch reference of the Vocos
/// architecture with the published key names, random weights, saved as the published folder layout.
/// </summary>
internal static class VocosFixture
{
    public static string Folder(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    public static LogMel Mel(string name)
    {
        NpyArray mel = NpyFile.Read(Path.Combine(Folder(name), "mel.npy"));
        return new LogMel(mel.Data, mel.Shape[^2], mel.Shape[^1]);
    }

    public static float[] Audio(string name, string file = "audio.npy") =>
        NpyFile.Read(Path.Combine(Folder(name), file)).Data;

    public static string TempFolder()
    {
        string folder = Path.Combine(Path.GetTempPath(), "lewm-vocos-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>Copies a fixture folder so a test can damage its copy.</summary>
    public static string CopyOf(string name)
    {
        string target = TempFolder();
        foreach (string file in Directory.GetFiles(Folder(name)))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        return target;
    }
}
