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
    public void Advance_MembershipChangesMidRun_MatchesTorchSharpBackend()
    {
        using LeWmSpeechModel torchModel = LeWmSpeechModel.Load(fixture.Plain.CheckpointFolder);
        using OnnxSpeechModel onnxModel = OnnxSpeechModel.Load(fixture.Plain.ExportFolder);
        int l = onnxModel.Info.LatentSize;
        var random = new Random(5);
        LatentFrames Prompt(int frames) => new([.. Enumerable.Range(0, frames * l).Select(_ => (float)((random.NextDouble() * 2) - 1))], frames, l);
        SpeechText[] texts =
        [
            new(Encoding.UTF8.GetBytes("the first one")),
            new(Encoding.UTF8.GetBytes("a second, longer sentence that leaves early")),
            new(Encoding.UTF8.GetBytes("third")),
            new(Encoding.UTF8.GetBytes("a fourth joins late")),
        ];
        LatentFrames?[] prompts = [null, Prompt(3), Prompt(1), Prompt(2)];

        var torchRun = new Run(torchModel, texts, prompts);
        var onnxRun = new Run(onnxModel, texts, prompts);
        double worstLatent = 0, worstStop = 0;
        for (int step = 0; step < 24; step++)
        {
            // 0-5: three fresh sequences with prompts of different lengths; 6: the second leaves as the fourth joins;
            // 12: the same members in another order; 18: the first leaves.
            int[] rows = step switch
            {
                < 6 => [0, 1, 2],
                < 12 => [0, 2, 3],
                < 18 => [2, 0, 3],
                _ => [3, 2],
            };
            if (step == 6)
            {
                torchRun.DisposeSequence(1);
                onnxRun.DisposeSequence(1);
            }

            (float[] torchNext, float[] torchStop) = torchRun.Advance(rows);
            (float[] onnxNext, float[] onnxStop) = onnxRun.Advance(rows);
            worstLatent = Math.Max(worstLatent, LeWmOnnxParityTests.MaxDelta(torchNext, onnxNext));
            worstStop = Math.Max(worstStop, LeWmOnnxParityTests.MaxDelta(torchStop, onnxStop));
        }

        torchRun.Dispose();
        onnxRun.Dispose();
        output.WriteLine($"Advance with leaves, joins and a reorder, 24 steps: max |Δ| latent = {worstLatent:E2}, stop = {worstStop:E2}");
        Assert.True(worstLatent <= Tolerance, $"latent max |Δ| = {worstLatent:E3}");
        Assert.True(worstStop <= Tolerance, $"stop max |Δ| = {worstStop:E3}");
        Assert.Equal(0, onnxModel.LiveGroups);
    }

    [Theory]
    [InlineData(0.25, null)]
    [InlineData(-1.0, "sampling_temperature -1")]
    public void Load_SamplingTemperatureOfTheExport_IsTheDefaultOrRefused(double temperature, string? problem)
    {
        // The export copies the checkpoint's configuration, sampling_temperature included (0 for the fixture).
        string exported = File.ReadAllText(Path.Combine(fixture.Plain.ExportFolder, "config.json"));
        Assert.Equal(0.0, (double)System.Text.Json.Nodes.JsonNode.Parse(exported)!["sampling_temperature"]!);
        string folder = OnnxTestFiles.CopyOfFolder(fixture.Plain.ExportFolder);
        try
        {
            string configPath = Path.Combine(folder, "config.json");
            var config = System.Text.Json.Nodes.JsonNode.Parse(exported)!.AsObject();
            config["sampling_temperature"] = temperature;
            File.WriteAllText(configPath, config.ToJsonString());

            if (problem is null)
            {
                using OnnxSpeechModel model = OnnxSpeechModel.Load(folder);
                Assert.Equal(temperature, model.Info.DefaultTemperature);
            }
            else
            {
                var e = Assert.Throws<OnnxModelException>(() => OnnxSpeechModel.Load(folder));
                Assert.Contains(problem, e.Message, StringComparison.Ordinal);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Load_SingleSpeakerExportNamingItsVoice_ReportsNoSpeakersAndSpeaksWithoutOne()
    {
        // What exporting a trainer's one-speaker checkpoint gives: n_speakers 0 and the corpus folder's name as speaker 0.
        string folder = OnnxTestFiles.CopyOfFolder(fixture.Plain.ExportFolder);
        try
        {
            string configPath = Path.Combine(folder, "config.json");
            var config = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
            Assert.Equal(0, (int)config["n_speakers"]!);
            config["speakers"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["id"] = 0, ["name"] = "my-voice" });
            File.WriteAllText(configPath, config.ToJsonString());

            using OnnxSpeechModel model = OnnxSpeechModel.Load(folder);
            Assert.Empty(model.Info.Speakers);
            using ISpeechSequence sequence = model.StartSequence(new SpeechText(Encoding.UTF8.GetBytes("ok")));
            Assert.NotNull(sequence);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Advance_500StepsWithMembershipChanges_HoldsNoMoreGroupsThanItUses()
    {
        using OnnxSpeechModel model = OnnxSpeechModel.Load(fixture.Plain.ExportFolder);
        int l = model.Info.LatentSize;
        var texts = Enumerable.Range(0, 4).Select(i => new SpeechText(Encoding.UTF8.GetBytes($"sequence number {i}"))).ToArray();
        var run = new Run(model, texts, [null, null, null, null]);
        int valuesPerGroup = 0;
        for (int step = 0; step < 500; step++)
        {
            int[] rows = (step / 50 % 3) switch
            {
                0 => [0, 1, 2],
                1 => [2, 0, 3],
                _ => [1, 3],
            };
            run.Advance(rows);

            // One group for the batch; a leaver's group stays only while a sequence still points at it.
            Assert.InRange(model.LiveGroups, 1, 2);
            if (step == 0)
            {
                valuesPerGroup = model.LiveGroupValues;
            }

            Assert.Equal(valuesPerGroup * model.LiveGroups, model.LiveGroupValues);
        }

        run.Dispose();
        Assert.Equal(0, model.LiveGroups);
        Assert.Equal(0, model.LiveGroupValues);
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
        string folder = OnnxTestFiles.CopyOfFolder(fixture.Plain.ExportFolder);

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
        string folder = OnnxTestFiles.CopyOfFolder(fixture.Plain.ExportFolder);

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

        public (float[] Next, float[] Stop) Advance(int live) => Advance([.. Enumerable.Range(0, live)]);

        public (float[] Next, float[] Stop) Advance(int[] rows)
        {
            int l = _model.Info.LatentSize;
            float[] inputs = [.. rows.SelectMany(i => _previous[i])];
            var next = new float[rows.Length * l];
            var stop = new float[rows.Length];
            _model.Advance([.. rows.Select(i => _sequences[i])], inputs, next, stop);
            for (int r = 0; r < rows.Length; r++)
            {
                _previous[rows[r]] = next.AsSpan(r * l, l).ToArray();
            }

            return (next, stop);
        }

        public void DisposeSequence(int index) => _sequences[index].Dispose();

        public void Dispose()
        {
            foreach (ISpeechSequence sequence in _sequences)
            {
                sequence.Dispose();
            }
        }
    }
}
