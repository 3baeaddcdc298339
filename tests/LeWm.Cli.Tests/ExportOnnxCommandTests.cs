using System.Text.Json.Nodes;
using LeWm.Audio.IO;

namespace LeWm.Cli.Tests;

/// <summary><c>lewm export onnx --vocoder</c> and the exported folder as a <c>--vocoder</c> argument.</summary>
public sealed class ExportOnnxCommandTests
{
    private static string Fixture(string folder) => Path.Combine(AppContext.BaseDirectory, "Fixtures", folder);

    [Fact]
    public async Task ExportOnnx_VocosFolder_WritesGraphThatVocodeUsesAndMatchesThePyTorchReference()
    {
        string folder = CliRun.TempPath(string.Empty);
        string audio = CliRun.TempPath(".npy");

        CliRun export = await CliRun.RunAsync("export", "onnx", "--vocoder", Fixture("vocos-small-center"), "-o", folder, "--json");
        CliRun vocode = await CliRun.RunAsync(
            "vocode", "--vocoder", folder, "--mel", Path.Combine(Fixture("vocos-small-center"), "mel.npy"), "-o", audio);

        Assert.True(export.ExitCode == 0, export.Error);
        JsonObject result = JsonNode.Parse(export.Output.TrimEnd().Split('\n')[^1])!.AsObject();
        Assert.Equal(17, result["opset"]!.GetValue<int>());
        Assert.True(File.Exists(Path.Combine(folder, "vocoder.onnx")));
        Assert.True(File.Exists(Path.Combine(folder, "config.json")));
        Assert.True(vocode.ExitCode == 0, vocode.Error);
        float[] expected = NpyFile.Read(Path.Combine(Fixture("vocos-small-center"), "audio.npy")).Data;
        float[] actual = NpyFile.Read(audio).Data;
        Assert.Equal(expected.Length, actual.Length);
        float peak = expected.Max(MathF.Abs);
        Assert.True(expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max() <= 1e-4f * peak);
    }

    [Fact]
    public async Task ExportOnnx_Model_WritesTheFourGraphsAndConfig()
    {
        string checkpoint = CliRun.TempPath(string.Empty);
        string folder = CliRun.TempPath(string.Empty);
        CliRun init = await CliRun.RunAsync("init", "--preset", "tiny", "-o", checkpoint, "--seed", "5");
        Assert.True(init.ExitCode == 0, init.Error);

        CliRun export = await CliRun.RunAsync("export", "onnx", "--model", checkpoint, "-o", folder, "--json");

        Assert.True(export.ExitCode == 0, export.Error);
        JsonObject result = JsonNode.Parse(export.Output.TrimEnd().Split('\n')[^1])!.AsObject();
        Assert.Equal(17, result["opset"]!.GetValue<int>());
        foreach (string graph in new[] { "text_encoder.onnx", "predictor_step.onnx", "audio_encoder.onnx", "mel_decoder.onnx" })
        {
            Assert.True(File.Exists(Path.Combine(folder, graph)), graph);
        }

        JsonObject config = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "config.json")))!.AsObject();
        Assert.Equal("lewm", (string?)config["kind"]);
    }

    [Fact]
    public async Task ExportOnnx_Float16Model_IsHalfTheSizeAndSpeaks()
    {
        string checkpoint = CliRun.TempPath(string.Empty);
        string full = CliRun.TempPath(string.Empty);
        string half = CliRun.TempPath(string.Empty);
        string wav = CliRun.TempPath(".wav");
        CliRun init = await CliRun.RunAsync("init", "--preset", "tiny", "-o", checkpoint, "--seed", "5");
        Assert.True(init.ExitCode == 0, init.Error);

        CliRun fullExport = await CliRun.RunAsync("export", "onnx", "--model", checkpoint, "-o", full, "--json");
        CliRun halfExport = await CliRun.RunAsync("export", "onnx", "--model", checkpoint, "-o", half, "--precision", "float16", "--json");
        CliRun speak = await CliRun.RunAsync("synthesize", "--model", half, "--text", "नमस्ते", "-o", wav);

        Assert.True(fullExport.ExitCode == 0 && halfExport.ExitCode == 0, fullExport.Error + halfExport.Error);
        JsonObject fullResult = JsonNode.Parse(fullExport.Output.TrimEnd().Split('\n')[^1])!.AsObject();
        JsonObject halfResult = JsonNode.Parse(halfExport.Output.TrimEnd().Split('\n')[^1])!.AsObject();
        Assert.Equal("float16", (string?)halfResult["precision"]);
        Assert.InRange(halfResult["graph_bytes"]!.GetValue<long>(), fullResult["graph_bytes"]!.GetValue<long>() * 0.45, fullResult["graph_bytes"]!.GetValue<long>() * 0.6);
        Assert.True(speak.ExitCode == 0, speak.Error);
        Assert.True(new FileInfo(wav).Length > 44);
    }

    [Fact]
    public async Task ExportOnnx_UnknownPrecision_ExitsTwoNamingTheValueAndTheChoices()
    {
        CliRun run = await CliRun.RunAsync("export", "onnx", "--model", CliRun.TempPath(string.Empty), "-o", CliRun.TempPath(string.Empty), "--precision", "bfloat16");

        run.AssertOneLineError("'bfloat16'");
        Assert.Contains("float16", run.Error.Replace("'bfloat16'", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExportOnnx_BothModelAndVocoder_ExitsTwoWithOneLine()
    {
        CliRun run = await CliRun.RunAsync("export", "onnx", "--model", Fixture("vocos-small-center"), "--vocoder", Fixture("vocos-small-center"), "-o", CliRun.TempPath(string.Empty));

        run.AssertOneLineError("exactly one of --model");
    }

    [Fact]
    public async Task ExportOnnx_MissingVocosFolder_ExitsTwoWithOneLine()
    {
        CliRun run = await CliRun.RunAsync("export", "onnx", "--vocoder", CliRun.TempPath("-missing"), "-o", CliRun.TempPath(string.Empty));

        run.AssertOneLineError("does not exist");
    }

    [Fact]
    public async Task ExportOnnx_OutputIsTheSourceFolder_ExitsTwoWithOneLine()
    {
        string source = CliRun.TempPath(string.Empty);
        Directory.CreateDirectory(source);
        foreach (string file in Directory.GetFiles(Fixture("vocos-small-center")))
        {
            File.Copy(file, Path.Combine(source, Path.GetFileName(file)));
        }

        CliRun run = await CliRun.RunAsync("export", "onnx", "--vocoder", source, "-o", source);

        run.AssertOneLineError("source folder");
        Assert.False(File.Exists(Path.Combine(source, "vocoder.onnx")));
    }

    [Fact]
    public async Task Vocode_OnnxFolderWithItsGraphMissing_ExitsTwoWithOneLine()
    {
        string folder = CliRun.TempPath(string.Empty);
        CliRun export = await CliRun.RunAsync("export", "onnx", "--vocoder", Fixture("vocos-small-center"), "-o", folder);
        Assert.True(export.ExitCode == 0, export.Error);
        File.Delete(Path.Combine(folder, "vocoder.onnx"));

        CliRun run = await CliRun.RunAsync(
            "vocode", "--vocoder", folder, "--mel", Path.Combine(Fixture("vocos-small-center"), "mel.npy"), "-o", CliRun.TempPath(".npy"));

        run.AssertOneLineError("vocoder.onnx");
    }
}
