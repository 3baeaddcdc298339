using System.Text.Json.Nodes;
using LeWm.Audio;
using LeWm.Audio.Mel;
using LeWm.Inference;
using LeWm.Onnx.Export;
using Xunit.Abstractions;

namespace LeWm.Onnx.Tests;

/// <summary>Bad folders, bad graphs, bad input and unavailable execution providers: each a typed exception.</summary>
public sealed class OnnxVocoderLoadingTests(ITestOutputHelper output)
{
    private static string ExportedFixture()
    {
        string folder = OnnxTestFiles.TempFolder();
        VocosOnnxExporter.Export(OnnxTestFiles.Fixture("small-center"), folder);
        return folder;
    }

    [Fact]
    public void Load_MissingFolder_ThrowsDirectoryNotFound()
    {
        string missing = Path.Combine(OnnxTestFiles.TempFolder(), "nothing-here");
        Assert.Throws<DirectoryNotFoundException>(() => OnnxVocoder.Load(missing));
    }

    [Fact]
    public void Load_MissingGraph_ThrowsOnnxModelExceptionNamingIt()
    {
        string folder = ExportedFixture();
        File.Delete(Path.Combine(folder, VocosOnnxExporter.GraphFileName));

        OnnxModelException e = Assert.Throws<OnnxModelException>(() => OnnxVocoder.Load(folder));
        Assert.Contains(VocosOnnxExporter.GraphFileName, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingConfig_ThrowsOnnxModelException()
    {
        string folder = ExportedFixture();
        File.Delete(Path.Combine(folder, OnnxVocoderConfig.FileName));

        OnnxModelException e = Assert.Throws<OnnxModelException>(() => OnnxVocoder.Load(folder));
        Assert.Contains("config.json", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ConfigOfAnotherConfiguration_ThrowsOnnxModelException()
    {
        string folder = ExportedFixture();
        string configPath = Path.Combine(folder, OnnxVocoderConfig.FileName);
        JsonNode json = JsonNode.Parse(File.ReadAllText(configPath))!;
        json["n_mels"] = 80;
        File.WriteAllText(configPath, json.ToJsonString());

        OnnxModelException e = Assert.Throws<OnnxModelException>(() => OnnxVocoder.Load(folder));
        Assert.Contains("n_mels", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_GraphThatIsNotOnnx_ThrowsOnnxModelException()
    {
        string folder = ExportedFixture();
        File.WriteAllBytes(Path.Combine(folder, VocosOnnxExporter.GraphFileName), [1, 2, 3, 4, 5, 6, 7, 8]);

        Assert.Throws<OnnxModelException>(() => OnnxVocoder.Load(folder));
    }

    [Fact]
    public void Load_GraphWithAnOpsetTheRuntimeLacks_ThrowsOnnxModelException()
    {
        string folder = ExportedFixture();
        string graphPath = Path.Combine(folder, VocosOnnxExporter.GraphFileName);
        global::Onnx.ModelProto model = global::Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(graphPath));
        model.OpsetImport[0].Version = 99;
        File.WriteAllBytes(graphPath, Google.Protobuf.MessageExtensions.ToByteArray(model));

        OnnxModelException e = Assert.Throws<OnnxModelException>(() => OnnxVocoder.Load(folder));
        Assert.Contains(graphPath, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_CudaWithTheCpuRuntimePackage_ThrowsExecutionProviderExceptionNamingTheGpuPackage()
    {
        string folder = ExportedFixture();

        ExecutionProviderException e = Assert.Throws<ExecutionProviderException>(
            () => OnnxVocoder.Load(folder, new OnnxOptions { Device = ComputeDevice.Cuda(0) }));
        output.WriteLine(e.Message);
        Assert.Contains("Microsoft.ML.OnnxRuntime.Gpu", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NegativeThreads_ThrowsArgumentException()
    {
        string folder = ExportedFixture();
        Assert.Throws<ArgumentException>(() => OnnxVocoder.Load(folder, new OnnxOptions { IntraOpThreads = -1 }));
    }

    [Fact]
    public async Task VocodeAsync_WrongBands_ThrowsArgumentException()
    {
        using OnnxVocoder vocoder = OnnxVocoder.Load(ExportedFixture());
        LogMel mel = OnnxTestFiles.RandomMel(vocoder.MelBands + 1, 10, seed: 1);

        await Assert.ThrowsAsync<ArgumentException>(() => vocoder.VocodeAsync([mel]));
    }

    [Fact]
    public async Task VocodeAsync_NaN_ThrowsAudioFormatException()
    {
        using OnnxVocoder vocoder = OnnxVocoder.Load(ExportedFixture());
        LogMel mel = OnnxTestFiles.RandomMel(vocoder.MelBands, 10, seed: 1);
        mel.Values[17] = float.NaN;

        await Assert.ThrowsAsync<AudioFormatException>(() => vocoder.VocodeAsync([mel]));
    }

    [Fact]
    public async Task VocodeAsync_EmptyBatchOrNoFrames_ThrowsArgumentException()
    {
        using OnnxVocoder vocoder = OnnxVocoder.Load(ExportedFixture());

        await Assert.ThrowsAsync<ArgumentException>(() => vocoder.VocodeAsync([]));
        await Assert.ThrowsAsync<ArgumentException>(() => vocoder.VocodeAsync([new LogMel([], vocoder.MelBands, 0)]));
    }

    [Fact]
    public async Task VocodeAsync_AfterDispose_ThrowsObjectDisposed()
    {
        OnnxVocoder vocoder = OnnxVocoder.Load(ExportedFixture());
        vocoder.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => vocoder.VocodeAsync([OnnxTestFiles.RandomMel(vocoder.MelBands, 4, seed: 1)]));
    }

    [Fact]
    public void Export_IntoAVocosFolder_ThrowsArgumentException()
    {
        string folder = OnnxTestFiles.TempFolder();
        foreach (string file in Directory.GetFiles(OnnxTestFiles.Fixture("small-center")))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        Assert.Throws<ArgumentException>(() => VocosOnnxExporter.Export(folder, folder));
        Assert.False(File.Exists(Path.Combine(folder, VocosOnnxExporter.GraphFileName)));
    }

    [Fact]
    public void Export_Folder_WritesSelfDescribingConfigAndIsRecognisedAsOnnx()
    {
        string folder = ExportedFixture();

        OnnxVocoderConfig config = OnnxVocoderConfig.Load(Path.Combine(folder, OnnxVocoderConfig.FileName));
        Assert.Equal("vocos", config.Kind);
        Assert.Equal(17, config.Opset);
        Assert.Equal(VocosOnnxExporter.GraphFileName, config.Graph);
        Assert.True(OnnxVocoder.IsOnnxFolder(folder));
        Assert.False(OnnxVocoder.IsOnnxFolder(OnnxTestFiles.Fixture("small-center")));
        Assert.Empty(Directory.GetFiles(folder, "*.tmp*"));
    }
}
