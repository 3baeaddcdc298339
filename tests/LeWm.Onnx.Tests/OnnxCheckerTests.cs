using System.Diagnostics;
using LeWm.Onnx.Export;
using LeWm.Vocos;

namespace LeWm.Onnx.Tests;

/// <summary>
/// Runs <c>python/onnx_check.py</c> (<c>onnx.checker.check_model(full_check=True)</c>) on exported graphs. Debian's
/// python3-onnx is required (<c>./test.sh</c> installs it); without it the test fails saying so.
/// </summary>
public sealed class OnnxCheckerTests
{
    private const string MissingOnnx = "python3-onnx is not installed: run ./test.sh, which installs it (apt-get install python3-onnx).";

    [Fact]
    public async Task Checker_ExportedFullSizeVocos_Passes()
    {
        string? script = OnnxTestFiles.FindRepositoryFile("python/onnx_check.py");
        Assert.NotNull(script);
        string? python = await FindPythonWithOnnxAsync();
        Assert.True(python is not null, MissingOnnx);
        string folder = OnnxTestFiles.TempFolder();
        using (VocosVocoder vocoder = VocosVocoder.CreateRandom(VocosConfig.Mel24Khz, seed: 3))
        {
            VocosOnnxExporter.Export(vocoder, folder);
        }

        (int exitCode, string output) = await RunAsync(python, script, folder);

        Assert.True(exitCode == 0, output);
        Assert.Contains("ok ", output, StringComparison.Ordinal);
        Assert.Contains("opset ai.onnx:17", output, StringComparison.Ordinal);
        Assert.Contains("ir 8", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Checker_Float16ExportsOfLeWmAndVocos_Pass()
    {
        string? script = OnnxTestFiles.FindRepositoryFile("python/onnx_check.py");
        Assert.NotNull(script);
        string? python = await FindPythonWithOnnxAsync();
        Assert.True(python is not null, MissingOnnx);
        string model = OnnxTestFiles.TempFolder();
        string vocos = OnnxTestFiles.TempFolder();
        TorchSharp.torch.manual_seed(4);
        using (var network = new LeWm.Model.Modules.LeWmNetwork(LeWm.Model.Config.LeWmConfig.Tiny with { NSpeakers = 2 }))
        {
            network.eval();
            LeWmOnnxExporter.Export(network, null, model, OnnxExportPrecision.Half);
        }

        using (VocosVocoder vocoder = VocosVocoder.CreateRandom(VocosConfig.Mel24Khz, seed: 3))
        {
            VocosOnnxExporter.Export(vocoder, vocos, OnnxExportPrecision.Half);
        }

        (int modelExit, string modelOutput) = await RunAsync(python, script, model);
        (int vocosExit, string vocosOutput) = await RunAsync(python, script, vocos);

        Assert.True(modelExit == 0, modelOutput);
        Assert.True(vocosExit == 0, vocosOutput);
        Assert.Equal(4, modelOutput.Split('\n').Count(line => line.StartsWith("ok ", StringComparison.Ordinal)));
        Assert.DoesNotContain("FAILED", modelOutput + vocosOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Checker_ExportedLeWmGraphs_Pass()
    {
        string? script = OnnxTestFiles.FindRepositoryFile("python/onnx_check.py");
        Assert.NotNull(script);
        string? python = await FindPythonWithOnnxAsync();
        Assert.True(python is not null, MissingOnnx);
        string folder = OnnxTestFiles.TempFolder();
        TorchSharp.torch.manual_seed(4);
        using (var network = new LeWm.Model.Modules.LeWmNetwork(LeWm.Model.Config.LeWmConfig.Tiny with { NSpeakers = 2 }))
        {
            network.eval();
            LeWmOnnxExporter.Export(network, null, folder);
        }

        (int exitCode, string output) = await RunAsync(python, script, folder);

        Assert.True(exitCode == 0, output);
        Assert.Contains($"ok {Path.Combine(folder, LeWmOnnxExporter.TextEncoderFileName)}", output, StringComparison.Ordinal);
        Assert.Contains($"ok {Path.Combine(folder, LeWmOnnxExporter.PredictorStepFileName)}", output, StringComparison.Ordinal);
        Assert.Contains($"ok {Path.Combine(folder, LeWmOnnxExporter.AudioEncoderFileName)}", output, StringComparison.Ordinal);
        Assert.Contains($"ok {Path.Combine(folder, LeWmOnnxExporter.MelDecoderFileName)}", output, StringComparison.Ordinal);
        Assert.DoesNotContain("FAILED", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Checker_BrokenGraph_Fails()
    {
        string? script = OnnxTestFiles.FindRepositoryFile("python/onnx_check.py");
        Assert.NotNull(script);
        string? python = await FindPythonWithOnnxAsync();
        Assert.True(python is not null, MissingOnnx);
        string folder = OnnxTestFiles.TempFolder();
        VocosOnnxExporter.Export(OnnxTestFiles.Fixture("small-center"), folder);
        string graphPath = Path.Combine(folder, VocosOnnxExporter.GraphFileName);
        global::Onnx.ModelProto model = global::Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(graphPath));
        model.Graph.Node[0].Input[0] = "no_such_value";
        File.WriteAllBytes(graphPath, Google.Protobuf.MessageExtensions.ToByteArray(model));

        (int exitCode, string output) = await RunAsync(python, script, folder);

        Assert.True(exitCode == 1, output);
        Assert.Contains("FAILED", output, StringComparison.Ordinal);
    }

    /// <summary>Debian's interpreter first (python3-onnx installs into its dist-packages), then python3 on PATH.</summary>
    private static async Task<string?> FindPythonWithOnnxAsync()
    {
        foreach (string candidate in new[] { "/usr/bin/python3", "python3" })
        {
            try
            {
                (int exitCode, _) = await RunAsync(candidate, "-c", "import onnx.checker");
                if (exitCode == 0)
                {
                    return candidate;
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // This interpreter does not exist here; try the next.
            }
        }

        return null;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output + await error);
    }
}
