using System.Globalization;
using System.Text.Json.Nodes;
using LeWm.Model.Config;
using LeWm.Model.Modules;
using LeWm.Onnx.Export;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace LeWm.Onnx.Tests;

/// <summary>
/// The exported LeWM graphs against their TorchSharp modules on a random tiny network: the text graph against
/// <c>TextEncoder</c> + <c>JepaPredictor.MemoryKeyValues</c>, the step graph against <c>JepaPredictor.Step</c> and
/// <c>Prefill</c> (max |Δ| ≤ 1e-4).
/// </summary>
public sealed class LeWmOnnxParityTests(LeWmOnnxExportFixture fixture, ITestOutputHelper output) : IClassFixture<LeWmOnnxExportFixture>
{
    private const double Tolerance = 1e-4;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TextGraph_MatchesTextEncoderAndCrossKeyValues(bool speakers)
    {
        LeWmOnnxExportFixture.ExportedModel model = speakers ? fixture.Speakers : fixture.Plain;
        LeWmConfig config = model.Network.Config;
        long[] lengths = [12, 7, 3];
        (long[] ids, long n) = RandomIds(lengths, seed: 5);
        long[] speakerIds = [2, 0, 1];

        using var scope = NewDisposeScope();
        using IDisposable noGrad = torch.no_grad();
        (Tensor memory, Tensor mask) = model.Network.TextEncoder.call(
            torch.tensor(ids, [3, n]), torch.tensor(lengths), speakers ? torch.tensor(speakerIds) : null);
        (IReadOnlyList<Tensor> keys, IReadOnlyList<Tensor> values) = model.Network.Predictor.MemoryKeyValues(memory);

        using var runner = new LeWmOnnxGraphRunner(model.Graph(LeWmOnnxExporter.TextEncoderFileName));
        runner.Int64("ids", ids, 3, n);
        runner.Int64("lengths", lengths, 3);
        if (speakers)
        {
            runner.Int64("speaker", speakerIds, 3);
        }

        Dictionary<string, (float[] Data, long[] Shape)> results = runner.Run();
        Assert.Equal([3, n, config.DModel], results["memory"].Shape);
        Assert.Equal(Floats(mask.to(ScalarType.Float32)), results["text_mask"].Data);
        double worst = MaxDelta(Floats(memory), results["memory"].Data);
        for (int i = 0; i < config.PredictorLayers; i++)
        {
            Assert.Equal(keys[i].shape, results[$"cross_k_{i}"].Shape);
            worst = Math.Max(worst, MaxDelta(Floats(keys[i]), results[$"cross_k_{i}"].Data));
            worst = Math.Max(worst, MaxDelta(Floats(values[i]), results[$"cross_v_{i}"].Data));
        }

        output.WriteLine($"text graph (speakers: {speakers}): max |Δ| = {worst:E2}");
        Assert.True(worst <= Tolerance, $"max |Δ| = {worst:E3}");
    }

    [Fact]
    public void StepGraph_TwentyStepsFromEmptyCache_MatchesJepaPredictorStep()
    {
        LeWmNetwork network = fixture.Plain.Network;
        LeWmConfig config = network.Config;
        long[] textLengths = [10, 6];
        const int b = 2, steps = 20;
        (long[] ids, long n) = RandomIds(textLengths, seed: 9);

        using var scope = NewDisposeScope();
        using IDisposable noGrad = torch.no_grad();
        (Tensor memory, Tensor mask) = network.TextEncoder.call(torch.tensor(ids, [b, n]), torch.tensor(textLengths), null);
        (IReadOnlyList<Tensor> keys, IReadOnlyList<Tensor> values) = network.Predictor.MemoryKeyValues(memory);
        using PredictorCache cache = network.Predictor.NewCache(keys, values, mask);

        using var runner = new LeWmOnnxGraphRunner(fixture.Plain.Graph(LeWmOnnxExporter.PredictorStepFileName));
        var state = new StepState(config, b, Bools(mask), n, keys, values);
        Tensor? previous = null;
        double worstLatent = 0, worstStop = 0;
        for (int s = 0; s < steps; s++)
        {
            (Tensor next, Tensor stop) = network.Predictor.Step(previous, cache);
            (float[] onnxNext, float[] onnxStop) = state.Step(runner, [s == 0, s == 0], [s, s], [true, true]);
            worstLatent = Math.Max(worstLatent, MaxDelta(Floats(next), onnxNext));
            worstStop = Math.Max(worstStop, MaxDelta(Floats(stop), onnxStop));
            state.Latent = onnxNext; // each side feeds back its own prediction
            previous = next;
        }

        output.WriteLine($"step graph, {steps} steps: max |Δ| latent = {worstLatent:E2}, stop logit = {worstStop:E2}");
        Assert.Equal(steps, state.Past);
        Assert.True(worstLatent <= Tolerance, $"latent max |Δ| = {worstLatent:E3}");
        Assert.True(worstStop <= Tolerance, $"stop max |Δ| = {worstStop:E3}");
    }

    [Fact]
    public void StepGraph_PaddedPromptMaskedByPastValid_MatchesPrefillThenStep()
    {
        LeWmNetwork network = fixture.Plain.Network;
        LeWmConfig config = network.Config;
        long[] textLengths = [9, 9];
        long[] promptLengths = [3, 1];
        const int b = 2, p = 3, after = 4;
        (long[] ids, long n) = RandomIds(textLengths, seed: 13);
        var random = new Random(21);
        float[] prompt = [.. Enumerable.Range(0, b * p * config.LatentSize).Select(_ => (float)((random.NextDouble() * 2) - 1))];

        using var scope = NewDisposeScope();
        using IDisposable noGrad = torch.no_grad();
        (Tensor memory, Tensor mask) = network.TextEncoder.call(torch.tensor(ids, [b, n]), torch.tensor(textLengths), null);
        (IReadOnlyList<Tensor> keys, IReadOnlyList<Tensor> values) = network.Predictor.MemoryKeyValues(memory);
        using PredictorCache cache = network.Predictor.NewCache(keys, values, mask);
        var expected = new List<(float[] Next, float[] Stop)>();
        (Tensor next, Tensor stop) = network.Predictor.Prefill(torch.tensor(prompt, [b, p, config.LatentSize]), torch.tensor(promptLengths), cache);
        expected.Add((Floats(next), Floats(stop)));
        for (int s = 0; s < after; s++)
        {
            (next, stop) = network.Predictor.Step(next, cache);
            expected.Add((Floats(next), Floats(stop)));
        }

        // ONNX: the prompt frame by frame (frame f at position f; item 1's frames past its prompt are padding that
        // later steps must not see), then steps at each item's own position.
        using var runner = new LeWmOnnxGraphRunner(fixture.Plain.Graph(LeWmOnnxExporter.PredictorStepFileName));
        var state = new StepState(config, b, Bools(mask), n, keys, values);
        var atPromptEnd = new float[b][];
        var stopAtPromptEnd = new float[b];
        for (int f = 0; f <= p; f++)
        {
            if (f > 0)
            {
                state.Latent = [.. Enumerable.Range(0, b).SelectMany(item => prompt.AsSpan(((item * p) + f - 1) * config.LatentSize, config.LatentSize).ToArray())];
            }

            bool[] valid = [.. promptLengths.Select(length => f <= length)];
            (float[] onnxNext, float[] onnxStop) = state.Step(runner, [f == 0, f == 0], [f, f], valid);
            for (int item = 0; item < b; item++)
            {
                if (f == promptLengths[item])
                {
                    atPromptEnd[item] = onnxNext.AsSpan(item * config.LatentSize, config.LatentSize).ToArray();
                    stopAtPromptEnd[item] = onnxStop[item];
                }
            }
        }

        var actual = new List<(float[] Next, float[] Stop)> { ([.. atPromptEnd.SelectMany(row => row)], stopAtPromptEnd) };
        state.Latent = actual[0].Next;
        for (int s = 0; s < after; s++)
        {
            long[] positions = [.. promptLengths.Select(length => length + 1 + s)];
            (float[] onnxNext, float[] onnxStop) = state.Step(runner, [false, false], positions, [true, true]);
            actual.Add((onnxNext, onnxStop));
            state.Latent = onnxNext;
        }

        double worst = 0;
        for (int s = 0; s < expected.Count; s++)
        {
            worst = Math.Max(worst, MaxDelta(expected[s].Next, actual[s].Next));
            worst = Math.Max(worst, MaxDelta(expected[s].Stop, actual[s].Stop));
        }

        output.WriteLine($"step graph after a padded prompt: max |Δ| = {worst:E2}");
        Assert.True(worst <= Tolerance, $"max |Δ| = {worst:E3}");
    }

    [Theory]
    [InlineData(37, new long[] { 37, 20, 9 })]
    [InlineData(32, new long[] { 32, 32, 32 })]
    public void AudioEncoderGraph_MatchesAudioEncoder(int frames, long[] lengths)
    {
        LeWmNetwork network = fixture.Plain.Network;
        LeWmConfig config = network.Config;
        int b = lengths.Length;
        var random = new Random(frames);
        float[] mel = [.. Enumerable.Range(0, b * config.NMels * frames).Select(_ => (float)((random.NextDouble() * 8) - 6))];

        using var scope = NewDisposeScope();
        using IDisposable noGrad = torch.no_grad();
        (Tensor mu, Tensor logVar, Tensor latentLengths) = network.AudioEncoder.call(torch.tensor(mel, [b, config.NMels, frames]), torch.tensor(lengths));

        using var runner = new LeWmOnnxGraphRunner(fixture.Plain.Graph(LeWmOnnxExporter.AudioEncoderFileName));
        runner.Float("mel", mel, b, config.NMels, frames);
        runner.Int64("lengths", lengths, b);
        Dictionary<string, (float[] Data, long[] Shape)> results = runner.Run();

        Assert.Equal(mu.shape, results["mu"].Shape);
        Assert.Equal(Floats(latentLengths.to(ScalarType.Float32)), results["latent_lengths"].Data);
        double worst = Math.Max(MaxDelta(Floats(mu), results["mu"].Data), MaxDelta(Floats(logVar), results["logvar"].Data));
        output.WriteLine($"audio encoder ({frames} frames): max |Δ| = {worst:E2}");
        Assert.True(worst <= Tolerance, $"max |Δ| = {worst:E3}");
    }

    [Theory]
    [InlineData(10, new long[] { 10, 6, 3 })]
    [InlineData(7, new long[] { 7, 7, 7 })]
    public void MelDecoderGraph_MatchesMelDecoder(int latentFrames, long[] lengths)
    {
        LeWmNetwork network = fixture.Plain.Network;
        LeWmConfig config = network.Config;
        int b = lengths.Length;
        var random = new Random(latentFrames);
        float[] latents = [.. Enumerable.Range(0, b * latentFrames * config.LatentSize).Select(_ => (float)((random.NextDouble() * 4) - 2))];

        using var scope = NewDisposeScope();
        using IDisposable noGrad = torch.no_grad();
        Tensor mel = network.MelDecoder.call(torch.tensor(latents, [b, latentFrames, config.LatentSize]), torch.tensor(lengths));

        using var runner = new LeWmOnnxGraphRunner(fixture.Plain.Graph(LeWmOnnxExporter.MelDecoderFileName));
        runner.Float("latents", latents, b, latentFrames, config.LatentSize);
        runner.Int64("lengths", lengths, b);
        Dictionary<string, (float[] Data, long[] Shape)> results = runner.Run();

        Assert.Equal([b, config.NMels, config.Downsample * latentFrames], results["mel"].Shape);
        double worst = MaxDelta(Floats(mel), results["mel"].Data);
        output.WriteLine($"mel decoder ({latentFrames} latent frames): max |Δ| = {worst:E2}");
        Assert.True(worst <= Tolerance, $"max |Δ| = {worst:E3}");
    }

    [Fact]
    public void Export_WritesConfigWithKindGraphsAndTheCheckpointConfig()
    {
        JsonObject config = JsonNode.Parse(File.ReadAllText(Path.Combine(fixture.Speakers.ExportFolder, "config.json")))!.AsObject();

        Assert.Equal("lewm", (string?)config["kind"]);
        Assert.Equal(17, (int?)config["opset"]);
        Assert.Equal(LeWmOnnxExporter.TextEncoderFileName, (string?)config["graphs"]!["text_encoder"]);
        Assert.Equal(LeWmOnnxExporter.PredictorStepFileName, (string?)config["graphs"]!["predictor_step"]);
        Assert.Equal(LeWmConfig.Tiny.DModel, (int?)config["d_model"]);
        Assert.Equal(3, (int?)config["n_speakers"]);
        Assert.NotNull(config["speakers"]);
        Assert.True(File.Exists(fixture.Speakers.Graph(LeWmOnnxExporter.TextEncoderFileName)));
        Assert.True(File.Exists(fixture.Speakers.Graph(LeWmOnnxExporter.PredictorStepFileName)));
        Assert.Equal(LeWmOnnxExporter.AudioEncoderFileName, (string?)config["graphs"]!["audio_encoder"]);
        Assert.Equal(LeWmOnnxExporter.MelDecoderFileName, (string?)config["graphs"]!["mel_decoder"]);
        Assert.True(File.Exists(fixture.Speakers.Graph(LeWmOnnxExporter.AudioEncoderFileName)));
        Assert.True(File.Exists(fixture.Speakers.Graph(LeWmOnnxExporter.MelDecoderFileName)));
    }

    [Fact]
    public void Graphs_DeclareTheDocumentedInputsAndOutputs()
    {
        using var text = new LeWmOnnxGraphRunner(fixture.Plain.Graph(LeWmOnnxExporter.TextEncoderFileName));
        using var step = new LeWmOnnxGraphRunner(fixture.Plain.Graph(LeWmOnnxExporter.PredictorStepFileName));
        using var textWithSpeakers = new LeWmOnnxGraphRunner(fixture.Speakers.Graph(LeWmOnnxExporter.TextEncoderFileName));
        using var audio = new LeWmOnnxGraphRunner(fixture.Plain.Graph(LeWmOnnxExporter.AudioEncoderFileName));
        using var decoder = new LeWmOnnxGraphRunner(fixture.Plain.Graph(LeWmOnnxExporter.MelDecoderFileName));

        Assert.Equal(["ids", "lengths"], text.InputNames);
        Assert.Equal(["ids", "lengths", "speaker"], textWithSpeakers.InputNames);
        Assert.Equal(["memory", "text_mask", "cross_k_0", "cross_v_0", "cross_k_1", "cross_v_1"], text.OutputNames);
        Assert.Equal(
            ["latent", "use_start", "position", "past_valid", "text_mask", "past_k_0", "past_v_0", "past_k_1", "past_v_1", "cross_k_0", "cross_v_0", "cross_k_1", "cross_v_1"],
            step.InputNames);
        Assert.Equal(["present_k_0", "present_v_0", "present_k_1", "present_v_1", "next", "stop_logit"], step.OutputNames);
        Assert.Equal(["mel", "lengths"], audio.InputNames);
        Assert.Equal(["mu", "logvar", "latent_lengths"], audio.OutputNames);
        Assert.Equal(["latents", "lengths"], decoder.InputNames);
        Assert.Equal(["mel"], decoder.OutputNames);
    }

    internal static (long[] Ids, long N) RandomIds(long[] lengths, int seed)
    {
        long n = lengths.Max();
        var random = new Random(seed);
        var ids = new long[lengths.Length * n];
        for (int item = 0; item < lengths.Length; item++)
        {
            for (long j = 0; j < n; j++)
            {
                ids[(item * n) + j] = j == 0 ? 257 : j == lengths[item] - 1 ? 258 : j < lengths[item] ? random.Next(0, 256) : 256;
            }
        }

        return (ids, n);
    }

    internal static float[] Floats(Tensor t) => t.detach().to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();

    internal static bool[] Bools(Tensor t) => t.cpu().contiguous().data<bool>().ToArray();

    internal static double MaxDelta(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(float.IsFinite(actual[i]), $"non-finite value at {i}");
            worst = Math.Max(worst, Math.Abs((double)expected[i] - actual[i]));
        }

        return worst;
    }

    /// <summary>The caller-side state of the step graph: the latent fed back, the past K/V and which past frames are valid.</summary>
    private sealed class StepState
    {
        private readonly LeWmConfig _config;
        private readonly int _batch;
        private readonly bool[] _textMask;
        private readonly long _n;
        private readonly float[][] _crossKeys;
        private readonly float[][] _crossValues;
        private float[][] _pastKeys;
        private float[][] _pastValues;
        private List<bool[]> _pastValid = [];

        public StepState(LeWmConfig config, int batch, bool[] textMask, long n, IReadOnlyList<Tensor> keys, IReadOnlyList<Tensor> values)
        {
            _config = config;
            _batch = batch;
            _textMask = textMask;
            _n = n;
            _crossKeys = [.. keys.Select(Floats)];
            _crossValues = [.. values.Select(Floats)];
            _pastKeys = [.. Enumerable.Range(0, config.PredictorLayers).Select(_ => Array.Empty<float>())];
            _pastValues = [.. Enumerable.Range(0, config.PredictorLayers).Select(_ => Array.Empty<float>())];
            Latent = new float[batch * config.LatentSize];
        }

        public float[] Latent { get; set; }

        public int Past => _pastValid.Count;

        /// <summary>Runs one step; <paramref name="frameValid"/> says whether this frame stays visible to later steps.</summary>
        public (float[] Next, float[] Stop) Step(LeWmOnnxGraphRunner runner, bool[] useStart, long[] positions, bool[] frameValid)
        {
            long h = _config.Heads, dh = _config.HeadDimension, t = Past;
            runner.Float("latent", Latent, _batch, _config.LatentSize);
            runner.Bool("use_start", useStart, _batch);
            runner.Int64("position", positions, _batch);
            var pastValid = new bool[_batch * t];
            for (int item = 0; item < _batch; item++)
            {
                for (int f = 0; f < t; f++)
                {
                    pastValid[(item * t) + f] = _pastValid[f][item];
                }
            }

            runner.Bool("past_valid", pastValid, _batch, t);
            runner.Bool("text_mask", _textMask, _batch, _n);
            for (int i = 0; i < _config.PredictorLayers; i++)
            {
                runner.Float(string.Create(CultureInfo.InvariantCulture, $"past_k_{i}"), _pastKeys[i], _batch, h, t, dh);
                runner.Float(string.Create(CultureInfo.InvariantCulture, $"past_v_{i}"), _pastValues[i], _batch, h, t, dh);
                runner.Float(string.Create(CultureInfo.InvariantCulture, $"cross_k_{i}"), _crossKeys[i], _batch, h, _n, dh);
                runner.Float(string.Create(CultureInfo.InvariantCulture, $"cross_v_{i}"), _crossValues[i], _batch, h, _n, dh);
            }

            Dictionary<string, (float[] Data, long[] Shape)> results = runner.Run();
            for (int i = 0; i < _config.PredictorLayers; i++)
            {
                (float[] k, long[] shape) = results[string.Create(CultureInfo.InvariantCulture, $"present_k_{i}")];
                Assert.Equal([_batch, h, t + 1, dh], shape);
                _pastKeys[i] = k;
                _pastValues[i] = results[string.Create(CultureInfo.InvariantCulture, $"present_v_{i}")].Data;
            }

            _pastValid.Add(frameValid);
            return (results["next"].Data, results["stop_logit"].Data);
        }
    }
}
