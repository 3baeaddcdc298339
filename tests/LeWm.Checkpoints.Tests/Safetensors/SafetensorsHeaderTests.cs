using System.Buffers.Binary;
using System.Text;

namespace LeWm.Checkpoints.Tests.Safetensors;

/// <summary>Malformed safetensors files are refused with the file and the key named.</summary>
public sealed class SafetensorsHeaderTests
{
    [Theory]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4, "has 4 bytes of tensor data but its safetensors header accounts for 8")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 12, "has 12 bytes of tensor data but its safetensors header accounts for 8")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8, "Tensor 'w' in '{0}' is F32 [3] (12 bytes) but its data_offsets [0, 8] span 8 bytes.")]
    [InlineData("{\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[8],\"data_offsets\":[0,8]}}", 8, "Tensor 'w' in '{0}' has dtype 'F8_E4M3', which is not supported")]
    [InlineData("{\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[2,6]}}", 6, "Tensor 'b' in '{0}' starts at data offset 2, which overlaps the tensor before it (expected 4).")]
    [InlineData("{\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[4,8]}}", 8, "Tensor 'a' in '{0}' starts at data offset 4, which leaves a gap before it (expected 0).")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,0]}}", 0, "Tensor 'w' in '{0}' has a 'shape' entry that is not a non-negative integer (-1).")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4, "Tensor 'w' in '{0}' lacks a string 'dtype', an array 'shape' or an array 'data_offsets'")]
    [InlineData("{\"__metadata__\":{\"n\":1}}", 0, "Metadata 'n' in '{0}' is a JSON Number; safetensors metadata values are strings.")]
    [InlineData("{\"w\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]},\"w\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[1,2]}}", 2, "'{0}' names 'w' twice")]
    [InlineData("{\"w\": [1, 2,}", 0, "'{0}' has a safetensors header that is not valid JSON")]
    public void Load_MalformedSafetensors_ThrowsNamingTheProblem(string header, int dataBytes, string problem)
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("bad.safetensors");
        WriteSafetensors(path, header, dataBytes);

        var error = Assert.Throws<CheckpointFormatException>(() => StateDictFile.Load(path));

        Assert.Contains(string.Format(System.Globalization.CultureInfo.InvariantCulture, problem, path), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SafetensorsCutInsideTheHeader_ThrowsSayingItIsTruncated()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("cut.safetensors");
        byte[] file = new byte[40];
        BinaryPrimitives.WriteUInt64LittleEndian(file, 500);
        file[8] = (byte)'{';
        File.WriteAllBytes(path, file);

        var error = Assert.Throws<CheckpointFormatException>(() => StateDictFile.Load(path));

        Assert.Equal(
            $"'{path}' declares a safetensors header of 500 bytes, but the file has 32 bytes after the length field (truncated or not safetensors).",
            error.Message);
    }

    [Fact]
    public void Load_SafetensorsCutInsideTheData_ThrowsNamingThePath()
    {
        using var scope = TorchSharp.torch.NewDisposeScope();
        using var folder = new TemporaryFolder();
        string path = folder.File("cut.safetensors");
        StateDictFile.SaveSafetensors(path, new Dictionary<string, TorchSharp.torch.Tensor> { ["w"] = TorchSharp.torch.ones(100) });
        byte[] whole = File.ReadAllBytes(path);
        File.WriteAllBytes(path, whole[..^10]);

        var error = Assert.Throws<CheckpointFormatException>(() => StateDictFile.Load(path));

        Assert.Equal($"'{path}' has 390 bytes of tensor data but its safetensors header accounts for 400 (truncated or padded file).", error.Message);
    }

    [Fact]
    public void ReadSafetensorsMetadata_SafetensorsCutInsideTheHeader_ThrowsNamingThePath()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("cut.safetensors");
        byte[] file = new byte[40];
        BinaryPrimitives.WriteUInt64LittleEndian(file, 500);
        file[8] = (byte)'{';
        File.WriteAllBytes(path, file);

        Assert.Throws<CheckpointFormatException>(() => StateDictFile.ReadSafetensorsMetadata(path));
    }

    [Fact]
    public void ReadSafetensorsMetadata_PyTorchCheckpoint_ThrowsSayingItIsNotSafetensors()
    {
        string path = Fixture.Path("state_dict.bin");

        var error = Assert.Throws<CheckpointFormatException>(() => StateDictFile.ReadSafetensorsMetadata(path));

        Assert.Equal($"'{path}' is a PyTorch zip checkpoint, not a safetensors file; it has no safetensors metadata.", error.Message);
    }

    private static void WriteSafetensors(string path, string header, int dataBytes)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        var file = new byte[8 + json.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)json.Length);
        json.CopyTo(file, 8);
        File.WriteAllBytes(path, file);
    }
}
