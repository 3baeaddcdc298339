namespace LeWm.WebApp.Tests;

/// <summary>Where tests leave files for people to look at: <c>artifacts/test-results/</c> at the repository root.</summary>
internal static class TestArtifacts
{
    /// <summary>Gets the folder, created when missing.</summary>
    public static string Folder { get; } = Create();

    /// <summary>Writes a file into <see cref="Folder"/> atomically (a temporary file renamed into place).</summary>
    /// <param name="name">The file name.</param>
    /// <param name="bytes">The contents.</param>
    /// <returns>The file's full path.</returns>
    public static string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(Folder, name);
        string temporary = path + ".tmp";
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, path, overwrite: true);
        return path;
    }

    private static string Create()
    {
        // The repository root holds LeWm.Sdk.sln; the tests run from tests/LeWm.WebApp.Tests/bin/...
        DirectoryInfo? folder = new(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "LeWm.Sdk.sln")))
        {
            folder = folder.Parent;
        }

        string root = folder?.FullName ?? AppContext.BaseDirectory;
        string results = Path.Combine(root, "artifacts", "test-results");
        Directory.CreateDirectory(results);
        return results;
    }
}
