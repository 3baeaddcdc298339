using LeWm.Onnx.Export;
using Onnx;

namespace LeWm.Onnx.Tests;

/// <summary>
/// <see cref="OnnxExportPrecision.Half"/>: float16 weights and arithmetic inside every graph, float32 at its
/// edges, so a backend feeds it exactly like the float32 export.
/// </summary>
public sealed class Float16ExportTests(LeWmOnnxExportFixture fixture) : IClassFixture<LeWmOnnxExportFixture>
{
    private const int Float = (int)TensorProto.Types.DataType.Float;
    private const int Float16 = (int)TensorProto.Types.DataType.Float16;

    [Fact]
    public void Export_Float16_KeepsEveryEdgeOfTheFloat32GraphsAndHalvesTheWeights()
    {
        string folder = OnnxTestFiles.TempFolder();
        LeWmOnnxExporter.Export(fixture.Speakers.Network, null, folder, OnnxExportPrecision.Half);

        foreach (string file in new[] { LeWmOnnxExporter.TextEncoderFileName, LeWmOnnxExporter.PredictorStepFileName, LeWmOnnxExporter.AudioEncoderFileName, LeWmOnnxExporter.MelDecoderFileName })
        {
            ModelProto half = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(folder, file)));
            ModelProto full = ModelProto.Parser.ParseFrom(File.ReadAllBytes(fixture.Speakers.Graph(file)));

            Assert.Equal(Edges(full.Graph.Input), Edges(half.Graph.Input));
            Assert.Equal(Edges(full.Graph.Output), Edges(half.Graph.Output));
            Assert.DoesNotContain(half.Graph.Initializer, t => t.DataType == Float);
            Assert.Contains(half.Graph.Initializer, t => t.DataType == Float16);
            long halfBytes = half.Graph.Initializer.Where(t => t.DataType == Float16).Sum(t => (long)t.RawData.Length);
            long fullBytes = full.Graph.Initializer.Where(t => t.DataType == Float).Sum(t => (long)t.RawData.Length);
            Assert.Equal(fullBytes, 2 * halfBytes);
        }

        Assert.Contains("\"precision\": \"float16\"", File.ReadAllText(Path.Combine(folder, "config.json")), StringComparison.Ordinal);
    }

    [Fact]
    public void Export_Float16_ClampsTheAttentionMaskToFloat16sLowestFiniteValue()
    {
        string folder = OnnxTestFiles.TempFolder();
        LeWmOnnxExporter.Export(fixture.Plain.Network, null, folder, OnnxExportPrecision.Half);
        ModelProto step = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(folder, LeWmOnnxExporter.PredictorStepFileName)));

        Half[] values = [.. step.Graph.Initializer.Where(t => t.DataType == Float16).SelectMany(Values)];

        Assert.All(values, v => Assert.True(Half.IsFinite(v), $"{v} is not finite"));
        Assert.Contains(Half.MinValue, values);
    }

    /// <summary>
    /// The float16 graphs compute what the float32 ones do, to float16's precision: every component within 2 % of
    /// its output's scale (float16 carries 11 significant bits, ≈ 5e-4 relative per operation). ONNX Runtime's CPU
    /// provider runs them (it casts around the operators it has no float16 kernel for), so this checks the numbers
    /// here; the speed of float16 is a GPU matter.
    /// </summary>
    [Fact]
    public void Float16Export_OnOnnxRuntime_ComputesWhatTheFloat32ExportDoes()
    {
        const double Relative = 0.02;
        string folder = OnnxTestFiles.TempFolder();
        LeWmOnnxExporter.Export(fixture.Speakers.Network, null, folder, OnnxExportPrecision.Half);
        using OnnxSpeechModel full = OnnxSpeechModel.Load(fixture.Speakers.ExportFolder);
        using OnnxSpeechModel half = OnnxSpeechModel.Load(folder);
        LeWm.Audio.Mel.LogMel[] mels = [OnnxTestFiles.RandomMel(full.Info.MelBands, 37, seed: 1)];

        LeWm.Inference.LatentFrames latents = full.EncodeAudio(mels)[0];
        AssertClose(latents.Values, half.EncodeAudio(mels)[0].Values, Relative, "EncodeAudio");
        AssertClose(full.DecodeLatents([latents])[0].Values, half.DecodeLatents([latents])[0].Values, Relative, "DecodeLatents");

        // Both step graphs are fed the float32 model's own outputs, so the comparison is per step, not compounded drift.
        var text = new LeWm.Inference.SpeechText(System.Text.Encoding.UTF8.GetBytes("नमस्ते दुनिया"), 1);
        using LeWm.Inference.ISpeechSequence fullSequence = full.StartSequence(text);
        using LeWm.Inference.ISpeechSequence halfSequence = half.StartSequence(text);
        int l = full.Info.LatentSize;
        float[] input = new float[l], fullNext = new float[l], halfNext = new float[l], fullStop = new float[1], halfStop = new float[1];
        for (int step = 0; step < 12; step++)
        {
            full.Advance([fullSequence], input, fullNext, fullStop);
            half.Advance([halfSequence], input, halfNext, halfStop);
            AssertClose(fullNext, halfNext, Relative, $"step {step} latent");
            Assert.True(Math.Abs(fullStop[0] - halfStop[0]) <= Relative * Math.Max(1, Math.Abs(fullStop[0])), $"step {step} stop {fullStop[0]} vs {halfStop[0]}");
            fullNext.CopyTo(input, 0);
        }
    }

    [Fact]
    public void Float16VocosExport_OnOnnxRuntime_RendersWhatTheFloat32ExportDoes()
    {
        string fullFolder = OnnxTestFiles.TempFolder();
        string halfFolder = OnnxTestFiles.TempFolder();
        using (LeWm.Vocos.VocosVocoder vocoder = LeWm.Vocos.VocosVocoder.CreateRandom(LeWm.Vocos.VocosConfig.Mel24Khz, seed: 3))
        {
            VocosOnnxExporter.Export(vocoder, fullFolder);
            VocosOnnxExporter.Export(vocoder, halfFolder, OnnxExportPrecision.Half);
        }

        using OnnxVocoder full = OnnxVocoder.Load(fullFolder);
        using OnnxVocoder half = OnnxVocoder.Load(halfFolder);
        LeWm.Audio.Mel.LogMel mel = OnnxTestFiles.RandomMel(100, 60, seed: 2);

        AssertClose(full.Vocode(mel), half.Vocode(mel), 0.03, "Vocos audio");
    }

    private static void AssertClose(float[] expected, float[] actual, double relative, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = Math.Max(1e-6, expected.Max(Math.Abs));
        double delta = LeWmOnnxParityTests.MaxDelta(expected, actual);
        Assert.True(delta <= relative * scale, $"{what}: max |Δ| = {delta:E3}, scale {scale:E3}");
        Assert.True(delta > 0, $"{what}: identical to float32, so the float16 graph did not run in float16");
    }

    private static string[] Edges(IEnumerable<ValueInfoProto> values) =>
        [.. values.Select(v => $"{v.Name}:{v.Type.TensorType.ElemType}:{v.Type.TensorType.Shape}")];

    private static IEnumerable<Half> Values(TensorProto tensor)
    {
        byte[] raw = tensor.RawData.ToByteArray();
        for (int i = 0; i + 1 < raw.Length; i += 2)
        {
            yield return BitConverter.ToHalf(raw, i);
        }
    }
}
