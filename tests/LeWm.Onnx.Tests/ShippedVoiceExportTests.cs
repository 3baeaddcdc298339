using System.Text;
using LeWm.Audio.Mel;
using LeWm.Inference;
using LeWm.Model.Backends;
using LeWm.Voices.Hindi;
using Xunit.Abstractions;

namespace LeWm.Onnx.Tests;

/// <summary>
/// The shipped voice's ONNX export (what <c>UseDefaultVoice()</c> runs) against its shipped TorchSharp checkpoint
/// (what <c>lewm train --init-from</c> starts from): both must be the same voice. A voice updated in one folder and
/// not the other fails here. Tolerance 1e-4 (float32, as the export parity tests); the checkpoint's float16 weights
/// are widened to float32 by both loaders.
/// </summary>
public sealed class ShippedVoiceExportTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-4;

    [Fact]
    public void OnnxExport_StepsLikeTheShippedCheckpoint_ForEverySpeaker()
    {
        using LeWmSpeechModel torchModel = LeWmSpeechModel.Load(HindiVoice.CheckpointDirectoryPath);
        using OnnxSpeechModel onnxModel = OnnxSpeechModel.Load(HindiVoice.DirectoryPath);
        Assert.Equal(torchModel.Info.Speakers, onnxModel.Info.Speakers);
        int l = onnxModel.Info.LatentSize;
        byte[] text = Encoding.UTF8.GetBytes(TextNormalizer.Normalize("नमस्ते, आप कैसे हैं?"));
        SpeechText[] texts = [.. onnxModel.Info.Speakers.Select(s => new SpeechText(text, s.Id))];

        ISpeechSequence[] torchSequences = [.. texts.Select(t => torchModel.StartSequence(t, null))];
        ISpeechSequence[] onnxSequences = [.. texts.Select(t => onnxModel.StartSequence(t, null))];
        var torchInput = new float[texts.Length * l];
        var onnxInput = new float[texts.Length * l];
        var torchNext = new float[texts.Length * l];
        var onnxNext = new float[texts.Length * l];
        var torchStop = new float[texts.Length];
        var onnxStop = new float[texts.Length];
        double worstLatent = 0, worstStop = 0;
        for (int step = 0; step < 30; step++)
        {
            torchModel.Advance(torchSequences, torchInput, torchNext, torchStop);
            onnxModel.Advance(onnxSequences, onnxInput, onnxNext, onnxStop);
            worstLatent = Math.Max(worstLatent, LeWmOnnxParityTests.MaxDelta(torchNext, onnxNext));
            worstStop = Math.Max(worstStop, LeWmOnnxParityTests.MaxDelta(torchStop, onnxStop));
            torchNext.CopyTo(torchInput, 0);
            onnxNext.CopyTo(onnxInput, 0);
        }

        foreach (ISpeechSequence sequence in torchSequences.Concat(onnxSequences))
        {
            sequence.Dispose();
        }

        output.WriteLine($"shipped voice, {texts.Length} speakers × 30 steps: max |Δ| latent = {worstLatent:E2}, stop = {worstStop:E2}");
        Assert.True(worstLatent <= Tolerance, $"latent max |Δ| = {worstLatent:E3}");
        Assert.True(worstStop <= Tolerance, $"stop max |Δ| = {worstStop:E3}");
    }

    [Fact]
    public void OnnxExport_EncodesAndDecodesLikeTheShippedCheckpoint()
    {
        using LeWmSpeechModel torchModel = LeWmSpeechModel.Load(HindiVoice.CheckpointDirectoryPath);
        using OnnxSpeechModel onnxModel = OnnxSpeechModel.Load(HindiVoice.DirectoryPath);
        LogMel[] mels = [OnnxTestFiles.RandomMel(onnxModel.Info.MelBands, 41, seed: 5)];

        IReadOnlyList<LatentFrames> torchLatents = torchModel.EncodeAudio(mels);
        IReadOnlyList<LatentFrames> onnxLatents = onnxModel.EncodeAudio(mels);
        double encode = LeWmOnnxParityTests.MaxDelta(torchLatents[0].Values, onnxLatents[0].Values);
        double decode = LeWmOnnxParityTests.MaxDelta(
            torchModel.DecodeLatents(torchLatents)[0].Values, onnxModel.DecodeLatents(torchLatents)[0].Values);

        output.WriteLine($"shipped voice: EncodeAudio max |Δ| = {encode:E2}, DecodeLatents = {decode:E2}");
        Assert.True(encode <= Tolerance, $"EncodeAudio max |Δ| = {encode:E3}");
        Assert.True(decode <= Tolerance, $"DecodeLatents max |Δ| = {decode:E3}");
    }
}
