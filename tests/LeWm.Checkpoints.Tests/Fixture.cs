using System.Text.Json;

namespace LeWm.Checkpoints.Tests;

/// <summary>Locates the committed fixtures (made by python/fixtures/make_checkpoint_fixtures.py) and reads their expectations.</summary>
internal static class Fixture
{
    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    /// <summary>The tensors of state_dict.bin as PyTorch sees them, in the file's order.</summary>
    public static IReadOnlyList<ExpectedTensor> ExpectedStateDict()
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(Path("state_dict.expected.json")));
        var tensors = new List<ExpectedTensor>();
        foreach (JsonProperty property in document.RootElement.EnumerateObject())
        {
            JsonElement value = property.Value;
            string dtype = value.GetProperty("dtype").GetString()!;
            long[] shape = value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            JsonElement values = value.GetProperty("values");
            bool integral = dtype is "int64" or "bool";
            double[] reals = integral ? [] : values.EnumerateArray().Select(e => e.GetDouble()).ToArray();
            long[] integers = integral ? values.EnumerateArray().Select(e => e.GetInt64()).ToArray() : [];
            tensors.Add(new ExpectedTensor(property.Name, dtype, shape, reals, integers));
        }

        return tensors;
    }
}

/// <summary>One tensor of state_dict.expected.json: values in C order, as float64 or as int64 (bool as 0/1).</summary>
internal sealed record ExpectedTensor(string Name, string DType, long[] Shape, double[] Reals, long[] Integers);
