namespace LeWm.Samples.WebApp;

/// <summary>The page served at <c>/</c>, embedded in the assembly (<c>Page/index.html</c>).</summary>
internal static class IndexPage
{
    /// <summary>Gets the page's UTF-8 bytes.</summary>
    public static byte[] Html { get; } = Load();

    private static byte[] Load()
    {
        const string name = "LeWm.Samples.WebApp.index.html";
        using Stream stream = typeof(IndexPage).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The embedded page '{name}' is missing from the assembly.");
        using var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        return bytes.ToArray();
    }
}
