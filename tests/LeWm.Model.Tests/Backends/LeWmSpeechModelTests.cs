using System.Text;
using LeWm.Audio.Mel;
using LeWm.Checkpoints;
using LeWm.Inference;
using LeWm.Model.Backends;
using LeWm.Model.Checkpoints;
using LeWm.Model.Config;
using LeWm.Model.Modules;

namespace LeWm.Model.Tests.Backends;

/// <summary>
/// The TorchSharp <see cref="ISpeechModel"/> backend: batched incremental steps equal the teacher-forced full pass
/// (the reference for the KV cache, ≤ 1e-5 in float32), whatever joins or leaves the batch — both with the fused CPU
/// step kernel (the default) and with the TorchSharp step.
/// </summary>
public sealed class LeWmSpeechModelTests
{
    private const float Tolerance = 1e-5f;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Advance_BatchWithPromptsAndDifferentTexts_EqualsTeacherForcedPass(bool fusedCpuStep)
    {
        using LeWmSpeechModel model = TinyModel(seed: 1, fusedCpuStep);
        SpeechText[] texts = [Text("namaste"), Text("a somewhat longer sentence to speak"), Text("hi")];
        LatentFrames?[] prompts = [Random(3, model, seed: 11), null, Random(5, model, seed: 12)];
        var sequences = texts.Select((t, i) => model.StartSequence(t, prompts[i])).ToArray();
        try
        {
            List<float[]>[] generated = Generate(model, sequences, steps: 6);
            for (int i = 0; i < sequences.Length; i++)
            {
                AssertMatchesTeacherForcing(model, texts[i], prompts[i], generated[i]);
                Assert.Equal((prompts[i]?.Frames ?? 0) + 6, sequences[i].FedFrames);
            }
        }
        finally
        {
            Array.ForEach(sequences, s => s.Dispose());
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Advance_SequenceLeavesAndAnotherJoins_OthersUnaffected(bool fusedCpuStep)
    {
        using LeWmSpeechModel model = TinyModel(seed: 2, fusedCpuStep);
        SpeechText[] texts = [Text("one"), Text("second text"), Text("the third text of all")];
        ISpeechSequence a = model.StartSequence(texts[0]);
        ISpeechSequence b = model.StartSequence(texts[1]);
        ISpeechSequence c = model.StartSequence(texts[2], Random(2, model, seed: 5));
        int l = model.Info.LatentSize;
        var history = new Dictionary<ISpeechSequence, List<float[]>>(ReferenceEqualityComparer.Instance)
        {
            [a] = [], [b] = [], [c] = [],
        };

        void Run(ISpeechSequence[] batch)
        {
            var inputs = new float[batch.Length * l];
            for (int i = 0; i < batch.Length; i++)
            {
                if (history[batch[i]].Count > 0)
                {
                    history[batch[i]][^1].CopyTo(inputs, i * l);
                }
            }

            var next = new float[batch.Length * l];
            var stop = new float[batch.Length];
            model.Advance(batch, inputs, next, stop);
            for (int i = 0; i < batch.Length; i++)
            {
                history[batch[i]].Add(next.AsSpan(i * l, l).ToArray());
            }
        }

        Run([a, b]);
        Run([a, b]);
        Run([b, a]);         // reordered
        Run([b, c]);         // a leaves, c joins fresh with a prompt
        Run([c, b]);
        a.Dispose();         // a's rows are freed while b and c run on
        Run([c, b]);
        Run([c]);

        AssertMatchesTeacherForcing(model, texts[1], null, history[b]);
        AssertMatchesTeacherForcing(model, texts[2], Random(2, model, seed: 5), history[c]);
        b.Dispose();
        c.Dispose();
    }

    [Fact]
    public void EncodeAudioAndDecodeLatents_Batched_EqualOneByOne()
    {
        using LeWmSpeechModel model = TinyModel(seed: 3);
        var generator = new System.Random(4);
        LogMel[] mels = [.. new[] { 37, 80, 5 }.Select(frames =>
            new LogMel([.. Enumerable.Range(0, 100 * frames).Select(_ => (float)(generator.NextDouble() * 4 - 8))], 100, frames))];

        IReadOnlyList<LatentFrames> batched = model.EncodeAudio(mels);
        Assert.Equal([10, 20, 2], batched.Select(z => z.Frames));
        for (int i = 0; i < mels.Length; i++)
        {
            AssertClose(model.EncodeAudio([mels[i]])[0].Values, batched[i].Values, $"latents {i}");
        }

        IReadOnlyList<LogMel> decoded = model.DecodeLatents(batched);
        Assert.Equal([40, 80, 8], decoded.Select(m => m.Frames));
        for (int i = 0; i < mels.Length; i++)
        {
            AssertClose(model.DecodeLatents([batched[i]])[0].Values, decoded[i].Values, $"mel {i}");
        }
    }

    [Fact]
    public void Load_CheckpointFolder_ReportsConfigurationAndSpeakers()
    {
        string dir = Path.Combine(Path.GetTempPath(), "lewm-backend-" + Guid.NewGuid().ToString("N"));
        LeWmConfig config = LeWmConfig.Tiny with { NSpeakers = 2, SamplingTemperature = 0.25 };
        using (var network = new LeWmNetwork(config))
        {
            LeWmCheckpoint.Save(dir, network, config, [new SpeakerInfo(0, "asha"), new SpeakerInfo(1, "ravi")]);
        }

        try
        {
            using LeWmSpeechModel model = LeWmSpeechModel.Load(dir);
            Assert.Equal(100, model.Info.MelBands);
            Assert.Equal(config.LatentSize, model.Info.LatentSize);
            Assert.Equal(4, model.Info.Downsample);
            Assert.Equal(["asha", "ravi"], model.Info.Speakers.Select(s => s.Name));
            Assert.Equal(config.LengthCap(40), model.Info.LengthCap(40));
            Assert.Equal(0.25, model.Info.DefaultTemperature);
            using ISpeechSequence sequence = model.StartSequence(Text("ok") with { Speaker = 1 });
            ArgumentException unknown = Assert.Throws<ArgumentException>(() => model.StartSequence(Text("ok") with { Speaker = 2 }));
            Assert.Contains("Speaker 2", unknown.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Load_SingleSpeakerCheckpointNamingItsVoice_ReportsNoSpeakersAndSpeaksWithoutOne()
    {
        // What the trainer writes for a one-speaker corpus: n_speakers 0 and the corpus folder's name as speaker 0.
        string dir = Path.Combine(Path.GetTempPath(), "lewm-backend-" + Guid.NewGuid().ToString("N"));
        LeWmConfig config = LeWmConfig.Tiny with { NSpeakers = 0 };
        using (var network = new LeWmNetwork(config))
        {
            LeWmCheckpoint.Save(dir, network, config, [new SpeakerInfo(0, "my-voice")]);
        }

        try
        {
            using LeWmSpeechModel model = LeWmSpeechModel.Load(dir);
            Assert.Empty(model.Info.Speakers);
            using ISpeechSequence sequence = model.StartSequence(Text("ok"));
            Assert.NotNull(sequence);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void StartSequence_BadText_ThrowsNamingTheProblem()
    {
        using LeWmSpeechModel model = TinyModel(seed: 4);
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => model.StartSequence(new SpeechText(Array.Empty<byte>()))).Message, StringComparison.Ordinal);
        var tooLong = new SpeechText(new byte[model.Info.MaxTextBytes + 1]);
        Assert.Contains($"at most {model.Info.MaxTextBytes}", Assert.Throws<ArgumentException>(() => model.StartSequence(tooLong)).Message, StringComparison.Ordinal);
        Assert.Contains("single-speaker", Assert.Throws<ArgumentException>(() => model.StartSequence(Text("x") with { Speaker = 0 })).Message, StringComparison.Ordinal);
        Assert.Contains("latent size", Assert.Throws<ArgumentException>(() => model.StartSequence(Text("x"), new LatentFrames(new float[6], 2, 3))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Advance_BadBatch_Throws()
    {
        using LeWmSpeechModel model = TinyModel(seed: 5);
        using LeWmSpeechModel other = TinyModel(seed: 5);
        int l = model.Info.LatentSize;
        ISpeechSequence mine = model.StartSequence(Text("a"));
        using ISpeechSequence foreign = other.StartSequence(Text("a"));
        Assert.Contains("not started by this model", Assert.Throws<ArgumentException>(() => model.Advance([foreign], new float[l], new float[l], new float[1])).Message, StringComparison.Ordinal);
        Assert.Contains("twice", Assert.Throws<ArgumentException>(() => model.Advance([mine, mine], new float[2 * l], new float[2 * l], new float[2])).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => model.Advance([mine], new float[l - 1], new float[l], new float[1]));
        Assert.Throws<ArgumentException>(() => model.Advance([], [], [], []));
        mine.Dispose();
        Assert.Throws<ObjectDisposedException>(() => model.Advance([mine], new float[l], new float[l], new float[1]));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Advance_ManySteps_LiveTensorCountStaysFlat(bool fusedCpuStep)
    {
        using LeWmSpeechModel model = TinyModel(seed: 6, fusedCpuStep);
        int l = model.Info.LatentSize;
        using ISpeechSequence sequence = model.StartSequence(Text("count the tensors"));
        var inputs = new float[l];
        var next = new float[l];
        var stop = new float[1];
        long? afterWarmUp = null;
        for (int step = 0; step < 1000; step++)
        {
            model.Advance([sequence], inputs, next, stop);
            next.CopyTo(inputs, 0);
            if (step == 99)
            {
                afterWarmUp = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            }
        }

        Assert.Equal(1000, sequence.FedFrames);
        Assert.Equal(afterWarmUp, TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    private static List<float[]>[] Generate(ISpeechModel model, ISpeechSequence[] sequences, int steps)
    {
        int l = model.Info.LatentSize, b = sequences.Length;
        var outputs = Enumerable.Range(0, b).Select(_ => new List<float[]>()).ToArray();
        var inputs = new float[b * l];
        var next = new float[b * l];
        var stop = new float[b];
        for (int step = 0; step < steps; step++)
        {
            model.Advance(sequences, inputs, next, stop);
            for (int i = 0; i < b; i++)
            {
                outputs[i].Add(next.AsSpan(i * l, l).ToArray());
            }

            next.CopyTo(inputs, 0);
        }

        return outputs;
    }

    /// <summary>
    /// Feeds [prompt, generated₀ … generated_{n−2}] teacher-forced: the prediction after prompt frame P−1 and after each
    /// generated frame must equal what the incremental steps produced.
    /// </summary>
    private static void AssertMatchesTeacherForcing(ISpeechModel model, SpeechText text, LatentFrames? prompt, List<float[]> generated)
    {
        int l = model.Info.LatentSize, p = prompt?.Frames ?? 0;
        float[] all = [.. (prompt?.Values ?? []), .. generated.SelectMany(g => g)];
        LatentFrames predictions = model.Predict(text, new LatentFrames(all, p + generated.Count, l));
        for (int t = 0; t < generated.Count; t++)
        {
            AssertClose(predictions.Frame(p + t).ToArray(), generated[t], $"step {t}");
        }
    }

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        float worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]));
        }

        Assert.True(worst <= Tolerance, $"{what}: max |Δ| = {worst:g3} > {Tolerance:g1}");
    }

    private static SpeechText Text(string text) => new(Encoding.UTF8.GetBytes(text));

    private static LatentFrames Random(int frames, ISpeechModel model, int seed)
    {
        var generator = new System.Random(seed);
        int l = model.Info.LatentSize;
        return new LatentFrames([.. Enumerable.Range(0, frames * l).Select(_ => (float)((generator.NextDouble() * 2) - 1))], frames, l);
    }

    private static LeWmSpeechModel TinyModel(int seed, bool fusedCpuStep = true)
    {
        TorchSharp.torch.manual_seed(seed);
        var network = new LeWmNetwork(LeWmConfig.Tiny);
        StateDictFile.LoadInto(network, ModelFixture.PathOf("tiny/model.safetensors"));
        return new LeWmSpeechModel(network, [], LeWmCheckpoint.NoTextNormalizer, new LeWmModelOptions { FusedCpuStep = fusedCpuStep });
    }
}
