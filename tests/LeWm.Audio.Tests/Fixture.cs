using LeWm.Audio.IO;

namespace LeWm.Audio.Tests;

/// <summary>Locates the committed fixture files (made by python/fixtures/make_audio_fixtures.py).</summary>
internal static class Fixture
{
    public static string Path(params string[] parts) =>
        System.IO.Path.Combine([AppContext.BaseDirectory, "Fixtures", .. parts]);

    public static NpyArray Npy(params string[] parts) => NpyFile.Read(Path(parts));

    public static string TempFile(string extension)
    {
        string folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "lewm-tests");
        Directory.CreateDirectory(folder);
        return System.IO.Path.Combine(folder, Guid.NewGuid().ToString("N") + extension);
    }
}
