using System.Text;
using LeWm.Audio.Mel;
using LeWm.Inference;
using LeWm.Model.Backends;
using Xunit.Abstractions;

namespace LeWm.Onnx.Tests;

/// <summary>
/// <see cref="OnnxSpeechModel"/> on an exported random tiny checkpoint against the TorchSharp backend
/// (<see cref="LeWmSpeechModel"/>) loaded from the same checkpoint.
/// </summary>
public sealed class OnnxSpeechModelTests(LeWmOnnxExportFixture fixture, ITestOutputHelper output) : IClassFixture<LeWmOnnxExportFixture>
{
    private const double Tolerance = 1e-4;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Advance_BatchWithPromptAndLateJoiner_MatchesTorchSharpBackend(bool speakers)
    {
        LeWmOnnxExportFixture.ExportedModel model = speakers ? fixture.Speakers : fixture.Plain;
        using LeWmSpeechModel torchModel = LeWmSpeechModel.Load(model.CheckpointFolder);
        using OnnxSpeechModel onnxModel = OnnxSpeechModel.Load(model.ExportFolder);
        int l = onnxModel.Info.LatentSize;
        var random = new Random(3);
        var prompt = new LatentFrames([.. Enumerable.Range(0, 3 * l).Select(_ => (float)((random.NextDouble() * 2) - 1))], 3, l);
        SpeechText[] texts =
        [
            new(Encoding.UTF8.GetBytes("hello there, world"), speakers ? 2 : null),
            new(Encoding.UTF8.GetBytes("hi"), speakers ? 0 : null),
            new(Encoding.UTF8.GetBytes("a late joiner"), speakers ? 1 : null),
        ];
        LatentFrames?[] prompts = [null, prompt, null];

        var torchRun = new Run(torchModel, texts, prompts);
        var onnxRun = new Run(onnxModel, texts, prompts);
        double worstLatent = 0, worstStop = 0;
        for (int step = 0; step < 20; step++)
        {
            int live = step < 5 ? 2 : 3; // the third sequence joins a running batch at step 5
            (float[] torchNext, float[] torchStop) = torchRun.Advance(live);
            (float[] onnxNext, float[] onnxStop) = onnxRun.Advance(live);
            worstLatent = Math.Max(worstLatent, LeWmOnnxParityTests.MaxDelta(torchNext, onnxNext));
            worstStop = Math.Max(worstStop, LeWmOnnxParityTests.MaxDelta(torchStop, onnxStop));
        }

        torchRun.Dispose();
        onnxRun.Dispose();
        output.WriteLine($"Advance, 20 steps (speakers: {speakers}): max |Δ| latent = {worstLatent:E2}, stop = {worstStop:E2}");
        Assert.True(worstLatent <= Tolerance, $"latent max |Δ| = {worstLatent:E3}");
        Assert.True(worstStop <= Tolerance, $"stop max |Δ| = {worstStop:E3}");
    }

    [Fact]
    public void EncodeAudioPredictAndDecode_MatchTorchSharpBackend()
    {
        using LeWmSpeechModel torchModel = LeWmSpeechModel.Load(fixture.Plain.CheckpointFolder);
        using OnnxSpeechModel onnxModel = OnnxSpeechModel.Load(fixture.Plain.ExportFolder);
        LogMel[] mels = [OnnxTestFiles.RandomMel(onnxModel.Info.MelBands, 37, seed: 1), OnnxTestFiles.RandomMel(onnxModel.Info.MelBands, 20, seed: 2)];

        IReadOnlyList<LatentFrames> torchLatents = torchModel.EncodeAudio(mels);
        IReadOnlyList<LatentFrames> onnxLatents = onnxModel.EncodeAudio(mels);
        double encode = 0;
        for (int i = 0; i < mels.Length; i++)
        {
            Assert.Equal(torchLatents[i].Frames, onnxLatents[i].Frames);
            encode = Math.Max(encode, LeWmOnnxParityTests.MaxDelta(torchLatents[i].Values, onnxLatents[i].Values));
        }

        IReadOnlyList<LogMel> torchMels = torchModel.DecodeLatents(torchLatents);
        IReadOnlyList<LogMel> onnxMels = onnxModel.DecodeLatents(torchLatents);
        double decode = 0;
        for (int i = 0; i < mels.Length; i++)
        {
            Assert.Equal(torchMels[i].Frames, onnxMels[i].Frames);
            decode = Math.Max(decode, LeWmOnnxParityTests.MaxDelta(torchMels[i].Values, onnxMels[i].Values));
        }

        var text = new SpeechText(Encoding.UTF8.GetBytes("predict me"));
        LatentFrames torchPredicted = torchModel.Predict(text, torchLatents[0]);
        LatentFrames onnxPredicted = onnxModel.Predict(text, torchLatents[0]);
        double predict = LeWmOnnxParityTests.MaxDelta(torchPredicted.Values, onnxPredicted.Values);

        output.WriteLine($"EncodeAudio max |Δ| = {encode:E2}, DecodeLatents = {decode:E2}, Predict = {predict:E2}");
        Assert.True(encode <= Tolerance, $"EncodeAudio max |Δ| = {encode:E3}");
        Assert.True(decode <= Tolerance, $"DecodeLatents max |Δ| = {decode:E3}");
        Assert.True(predict <= Tolerance, $"Predict max |Δ| = {predict:E3}");
    }

    [Fact]
    public void Load_FolderOfAnotherKindOrMissingGraph_ThrowsOnnxModelException()
    {
        string folder = OnnxTestFiles.TempFolder();
        foreach (string file in Directory.GetFiles(fixture.Plain.ExportFolder))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        File.Delete(Path.Combine(folder, "predictor_step.onnx"));
        OnnxModelException missing = Assert.Throws<OnnxModelException>(() => OnnxSpeechModel.Load(folder));
        Assert.Contains("predictor_step.onnx", missing.Message, StringComparison.Ordinal);

        OnnxModelException notLeWm = Assert.Throws<OnnxModelException>(() => OnnxSpeechModel.Load(fixture.Plain.CheckpointFolder));
        Assert.Contains("not an exported LeWM model", notLeWm.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"latent_size\": 64", "\"latent_size\": 32", "latents of size 64")]
    [InlineData("\"predictor_layers\": 2", "\"predictor_layers\": 3", "no input past_k_2")]
    [InlineData("\"kind\": \"lewm\"", "\"kind\": \"vocos\"", "not an exported LeWM model")]
    public void Load_ConfigOfAnotherConfiguration_ThrowsOnnxModelException(string field, string replacement, string message)
    {
        string folder = OnnxTestFiles.TempFolder();
        foreach (string file in Directory.GetFiles(fixture.Plain.ExportFolder))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        string configPath = Path.Combine(folder, "config.json");
        string json = File.ReadAllText(configPath);
        Assert.Contains(field, json, StringComparison.Ordinal);
        File.WriteAllText(configPath, json.Replace(field, replacement, StringComparison.Ordinal));

        OnnxModelException error = Assert.Throws<OnnxModelException>(() => OnnxSpeechModel.Load(folder));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StartSequence_SpeakerModelWithoutSpeaker_ThrowsArgumentException()
    {
        using OnnxSpeechModel model = OnnxSpeechModel.Load(fixture.Speakers.ExportFolder);
        Assert.Throws<ArgumentException>(() => model.StartSequence(new SpeechText(Encoding.UTF8.GetBytes("x"))));
        Assert.Throws<ArgumentException>(() => model.StartSequence(new SpeechText(Encoding.UTF8.GetBytes("x"), 3)));
    }

    /// <summary>Drives one model: sequences started up front, the first <c>live</c> advanced each step, each fed its own previous output.</summary>
    private sealed class Run : IDisposable
    {
        private readonly ISpeechModel _model;
        private readonly ISpeechSequence[] _sequences;
        private readonly float[][] _previous;

        public Run(ISpeechModel model, SpeechText[] texts, LatentFrames?[] prompts)
        {
            _model = model;
            _sequences = [.. texts.Select((t, i) => model.StartSequence(t, prompts[i]))];
            _previous = [.. texts.Select(_ => new float[model.Info.LatentSize])];
        }

        public (float[] Next, float[] Stop) Advance(int live)
        {
            int l = _model.Info.LatentSize;
            float[] inputs = [.. _previous.Take(live).SelectMany(p => p)];
            var next = new float[live * l];
            var stop = new float[live];
            _model.Advance(_sequences.Take(live).ToArray(), inputs, next, stop);
            for (int i = 0; i < live; i++)
            {
                _previous[i] = next.AsSpan(i * l, l).ToArray();
            }

            return (next, stop);
        }

        public void Dispose()
        {
            foreach (ISpeechSequence sequence in _sequences)
            {
                sequence.Dispose();
            }
        }
    }
}
