using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using static TorchSharp.torch;

namespace LeWm.Checkpoints.Tests.Safetensors;

/// <summary>SaveSafetensors writes the Hugging Face layout exactly, and Load reads back what it wrote.</summary>
public sealed class SafetensorsWriterTests
{
    [Fact]
    public void SaveSafetensors_Float32Float16Int64_RoundTripsExactValuesAndShapes()
    {
        using var scope = NewDisposeScope();
        using var folder = new TemporaryFolder();
        string path = folder.File("model.safetensors");
        var tensors = new Dictionary<string, Tensor>
        {
            ["encoder.weight"] = tensor(new[] { 1.5f, -2.25f, float.MaxValue, float.Epsilon, 0f, -0f }).reshape(2, 3),
            ["encoder.half"] = tensor(new[] { 0.5f, 65504f, -1e-3f }).to(float16),
            ["steps"] = tensor(new[] { long.MinValue, -1L, 0L, long.MaxValue }),
        };

        StateDictFile.SaveSafetensors(path, tensors);
        Dictionary<string, Tensor> loaded = StateDictFile.Load(path);

        Assert.Equal(tensors.Keys.Order(StringComparer.Ordinal), loaded.Keys);
        foreach ((string key, Tensor original) in tensors)
        {
            Assert.Equal(original.dtype, loaded[key].dtype);
            Assert.Equal(original.shape, loaded[key].shape);
            Assert.True(TensorValues.Same(original, loaded[key]), key);
        }

        Assert.Equal(BitConverter.SingleToInt32Bits(-0f), BitConverter.SingleToInt32Bits(loaded["encoder.weight"][1, 2].item<float>()));
    }

    [Theory]
    [InlineData(ScalarType.BFloat16)]
    [InlineData(ScalarType.Float64)]
    [InlineData(ScalarType.Int32)]
    [InlineData(ScalarType.Int16)]
    [InlineData(ScalarType.Int8)]
    [InlineData(ScalarType.Byte)]
    [InlineData(ScalarType.Bool)]
    public void SaveSafetensors_OtherDTypes_RoundTrip(ScalarType type)
    {
        using var scope = NewDisposeScope();
        using var folder = new TemporaryFolder();
        string path = folder.File("model.safetensors");
        Tensor original = tensor(new[] { 0f, 1f, 2f, 3f, 4f, 5f }).reshape(3, 2).to(type);

        StateDictFile.SaveSafetensors(path, new Dictionary<string, Tensor> { ["t"] = original });
        Tensor loaded = StateDictFile.Load(path)["t"];

        Assert.Equal(type, loaded.dtype);
        Assert.True(TensorValues.Same(original, loaded));
    }

    [Fact]
    public void SaveSafetensors_NonContiguousScalarAndEmpty_RoundTrip()
    {
        using var scope = NewDisposeScope();
        using var folder = new TemporaryFolder();
        string path = folder.File("model.safetensors");
        Tensor transposed = arange(12, dtype: float32).reshape(3, 4).t();
        var tensors = new Dictionary<string, Tensor>
        {
            ["transposed"] = transposed,
            ["scalar"] = tensor(3.25f),
            ["empty"] = zeros(0, 3),
        };

        StateDictFile.SaveSafetensors(path, tensors);
        Dictionary<string, Tensor> loaded = StateDictFile.Load(path);

        Assert.Equal(new long[] { 4, 3 }, loaded["transposed"].shape);
        Assert.Equal(transposed.contiguous().data<float>().ToArray(), loaded["transposed"].data<float>().ToArray());
        Assert.Empty(loaded["scalar"].shape);
        Assert.Equal(3.25f, loaded["scalar"].item<float>());
        Assert.Equal(new long[] { 0, 3 }, loaded["empty"].shape);
    }

    [Fact]
    public void SaveSafetensors_Metadata_ReadSafetensorsMetadataReturnsIt()
    {
        using var scope = NewDisposeScope();
        using var folder = new TemporaryFolder();
        string path = folder.File("model.safetensors");
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["lewm.config"] = "{\"bands\": 100, \"name\": \"ह\"}" };

        StateDictFile.SaveSafetensors(path, new Dictionary<string, Tensor> { ["w"] = ones(2) }, metadata);

        Assert.Equal(metadata, StateDictFile.ReadSafetensorsMetadata(path));
    }

    [Fact]
    public void ReadSafetensorsMetadata_FileWithoutMetadata_ReturnsEmpty()
    {
        using var scope = NewDisposeScope();
        using var folder = new TemporaryFolder();
        string path = folder.File("model.safetensors");
        StateDictFile.SaveSafetensors(path, new Dictionary<string, Tensor> { ["w"] = ones(2) });

        Assert.Empty(StateDictFile.ReadSafetensorsMetadata(path));
    }

    [Fact]
    public void SaveSafetensors_Header_IsSpacePaddedJsonWithSortedKeysAndContiguousOffsets()
    {
        using var scope = NewDisposeScope();
        using var folder = new TemporaryFolder();
        string path = folder.File("model.safetensors");
        var tensors = new Dictionary<string, Tensor>
        {
            ["z.last"] = ones(3, dtype: float16),
            ["a.first"] = ones(2, 5),
            ["m.middle"] = ones(1, dtype: int64),
            ["B.upper"] = ones(7, dtype: ScalarType.Byte),
        };

        StateDictFile.SaveSafetensors(path, tensors, new Dictionary<string, string> { ["format"] = "pt" });
        byte[] file = File.ReadAllBytes(path);

        long headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(file);
        Assert.Equal(0, (8 + headerLength) % 8);
        string header = Encoding.UTF8.GetString(file, 8, (int)headerLength);
        Assert.StartsWith("{", header, StringComparison.Ordinal);
        Assert.Matches("^[^ ]*\\} *$", header);
        using JsonDocument json = JsonDocument.Parse(header);
        string[] names = json.RootElement.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(["__metadata__", "B.upper", "a.first", "m.middle", "z.last"], names);
        long expectedBegin = 0;
        foreach (string name in names.Skip(1))
        {
            JsonElement entry = json.RootElement.GetProperty(name);
            long[] offsets = entry.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            Assert.Equal(expectedBegin, offsets[0]);
            Assert.Equal(tensors[name].NumberOfElements * tensors[name].ElementSize, offsets[1] - offsets[0]);
            Assert.Equal(tensors[name].shape, entry.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray());
            expectedBegin = offsets[1];
        }

        Assert.Equal(file.Length - 8 - headerLength, expectedBegin);
        Assert.Equal("U8", json.RootElement.GetProperty("B.upper").GetProperty("dtype").GetString());
        Assert.Equal("F16", json.RootElement.GetProperty("z.last").GetProperty("dtype").GetString());
    }

    [Fact]
    public void SaveSafetensors_TwoTensors_WritesTheReferenceBytes()
    {
        using var scope = NewDisposeScope();
        using var folder = new TemporaryFolder();
        string path = folder.File("model.safetensors");

        StateDictFile.SaveSafetensors(path, new Dictionary<string, Tensor>
        {
            ["b"] = tensor(new[] { 258L }),
            ["a"] = tensor(new[] { 1f, -2f }),
        });

        // The safetensors layout for {"a": float32 [1, -2], "b": int64 [258]}: 108 bytes of compact JSON padded with
        // spaces to 112, so that 8 + 112 is a multiple of 8; then the data, little-endian, in key order. (Python's
        // writer orders tensors by dtype size first; any order that tiles the data section reads the same.)
        const string json = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[8,16]}}";
        byte[] header = Encoding.ASCII.GetBytes(json.PadRight(112));
        byte[] expected =
        [
            112, 0, 0, 0, 0, 0, 0, 0, .. header,
            0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0,
            0x02, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        ];
        Assert.Equal(expected, File.ReadAllBytes(path));
    }

    [Fact]
    public void SaveSafetensors_ExistingFile_IsReplacedWithoutLeftovers()
    {
        using var scope = NewDisposeScope();
        using var folder = new TemporaryFolder();
        string path = folder.File("model.safetensors");
        File.WriteAllText(path, "old content");

        StateDictFile.SaveSafetensors(path, new Dictionary<string, Tensor> { ["w"] = full(3, 7f) });

        Assert.Equal(new[] { 7f, 7f, 7f }, StateDictFile.Load(path)["w"].data<float>().ToArray());
        Assert.Equal([path], Directory.GetFiles(folder.FullPath));
    }

    [Fact]
    public void SaveSafetensors_ReservedMetadataKeyAsTensorName_ThrowsArgumentException()
    {
        using var scope = NewDisposeScope();
        using var folder = new TemporaryFolder();

        var error = Assert.Throws<ArgumentException>(() =>
            StateDictFile.SaveSafetensors(folder.File("m.safetensors"), new Dictionary<string, Tensor> { ["__metadata__"] = ones(1) }));

        Assert.Contains("'__metadata__' is reserved", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SaveSafetensors_ComplexTensor_ThrowsNamingKeyAndDType()
    {
        using var scope = NewDisposeScope();
        using var folder = new TemporaryFolder();
        string path = folder.File("m.safetensors");

        var error = Assert.Throws<ArgumentException>(() =>
            StateDictFile.SaveSafetensors(path, new Dictionary<string, Tensor> { ["spectrum"] = ones(2, dtype: complex64) }));

        Assert.Contains("Tensor 'spectrum' is ComplexFloat32", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
    }
}
