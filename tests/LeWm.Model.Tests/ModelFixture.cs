using System.Text.Json;
using LeWm.Audio.IO;
using static TorchSharp.torch;

namespace LeWm.Model.Tests;

/// <summary>The committed fixtures made by python/fixtures/make_model_fixtures.py from the PyTorch reference.</summary>
internal static class ModelFixture
{
    public static string PathOf(string relative) => Path.Combine(AppContext.BaseDirectory, "Fixtures", relative);

    public static Dictionary<string, long[]> Keys(string preset)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(PathOf($"keys_{preset}.json")));
        return document.RootElement.EnumerateObject().ToDictionary(
            p => p.Name, p => p.Value.EnumerateArray().Select(e => e.GetInt64()).ToArray(), StringComparer.Ordinal);
    }

    public static Tensor Float(string relative)
    {
        NpyArray array = NpyFile.Read(PathOf(relative));
        return tensor(array.Data, [.. array.Shape.Select(s => (long)s)]);
    }

    public static Tensor Long(string relative)
    {
        using Tensor values = Float(relative);
        return values.to(ScalarType.Int64);
    }
}
