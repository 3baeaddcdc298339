using LeWm.Model.Config;
using LeWm.Model.Modules;
using static TorchSharp.torch;

namespace LeWm.Model.Backends.Cpu;

/// <summary>
/// The predictor's autoregressive step on the CPU in plain float32 arithmetic, without TorchSharp: one pass over the
/// weights per step for the whole batch, each sequence attending over its own <see cref="CpuPredictorState"/>.
/// </summary>
/// <remarks>
/// At batch 1 a step is matrix-vector work over every layer's weights, so its cost is memory traffic plus per-call
/// overhead; TorchSharp spends tens of small native calls per layer and re-concatenates the growing cache, while this
/// kernel makes one pass and writes one cache column. The arithmetic is the same as <see cref="JepaPredictor.Step"/>
/// (eval mode: dropout off), to float32 rounding. Not thread-safe: callers serialise steps.
/// </remarks>
internal sealed class CpuPredictorStep
{
    private readonly int _d;
    private readonly int _heads;
    private readonly int _headDimension;
    private readonly int _ff;
    private readonly int _latent;
    private readonly int _threads;
    private readonly bool _bfloat16;
    private readonly float _epsilon = (float)LeWmNetwork.LayerNormEpsilon;
    private readonly float[] _frequencies;
    private readonly float[] _start;
    private readonly Dense _input;
    private readonly Layer[] _layers;
    private readonly Norm _norm;
    private readonly Dense _output;
    private readonly Dense _stop;
    private Scratch _scratch = new(0, 0, 0, 0);

    /// <summary>Copies the weights of <paramref name="predictor"/> (float32, any device) into arrays.</summary>
    /// <param name="predictor">The predictor.</param>
    /// <param name="config">Its configuration.</param>
    /// <param name="threads">Workers for the large matrix products (1 keeps everything on the calling thread).</param>
    /// <param name="bfloat16Weights">
    /// Whether the matrices of the layers are stored as bfloat16 (half the memory traffic per step; biases, norms and
    /// all arithmetic stay float32).
    /// </param>
    public CpuPredictorStep(JepaPredictor predictor, LeWmConfig config, int threads, bool bfloat16Weights = false)
    {
        _bfloat16 = bfloat16Weights;
        _d = config.DModel;
        _heads = config.Heads;
        _headDimension = _d / _heads;
        _ff = config.FfDim;
        _latent = config.LatentSize;
        _threads = Math.Max(1, threads);
        Dictionary<string, float[]> w = ReadWeights(predictor);
        _start = w["start"];
        _input = Dense.From(w, "input", _latent, _d, bfloat16: false);
        _layers = new Layer[config.PredictorLayers];
        for (int i = 0; i < _layers.Length; i++)
        {
            string p = $"layers.{i}.";
            _layers[i] = new Layer(
                Norm.From(w, p + "norm1"),
                Dense.From(w, p + "self_attn.qkv", _d, 3 * _d, _bfloat16),
                Dense.From(w, p + "self_attn.out", _d, _d, _bfloat16),
                Norm.From(w, p + "norm2"),
                Dense.From(w, p + "cross_attn.q", _d, _d, _bfloat16),
                Dense.From(w, p + "cross_attn.out", _d, _d, _bfloat16),
                Norm.From(w, p + "norm3"),
                Dense.From(w, p + "ff.fc1", _d, _ff, _bfloat16),
                Dense.From(w, p + "ff.fc2", _ff, _d, _bfloat16));
        }

        _norm = Norm.From(w, "norm");
        _output = Dense.From(w, "output", _d, _latent, bfloat16: false);
        _stop = Dense.From(w, "stop", _d, 1, bfloat16: false);
        _frequencies = new float[_d / 2];
        float exponent = (float)(-Math.Log(10000.0) / _d);
        for (int i = 0; i < _frequencies.Length; i++)
        {
            _frequencies[i] = MathF.Exp(2 * i * exponent);
        }
    }

    /// <summary>Gets the number of layers.</summary>
    public int LayerCount => _layers.Length;

    /// <summary>Gets the number of heads.</summary>
    public int Heads => _heads;

    /// <summary>
    /// Feeds one frame to each sequence and predicts its next latent and stop logit.
    /// </summary>
    /// <param name="states">The sequences; each grows by one frame.</param>
    /// <param name="inputs">The latents fed back, <c>[B·L]</c>, or null to feed the start embedding to every sequence.</param>
    /// <param name="next">Receives the predicted latents, <c>[B·L]</c>.</param>
    /// <param name="stop">Receives the stop logits, <c>[B]</c>.</param>
    public void Step(IReadOnlyList<CpuPredictorState> states, ReadOnlySpan<float> inputs, Span<float> next, Span<float> stop)
    {
        int batch = states.Count;
        Scratch s = Rent(batch, states.Max(x => Math.Max(x.TextLength, x.Length + 1)));
        Embed(states, inputs, s);
        for (int i = 0; i < _layers.Length; i++)
        {
            Layer layer = _layers[i];

            DenseKernels.LayerNorm(s.X, batch, _d, layer.Norm1.Gamma, layer.Norm1.Beta, _epsilon, s.H);
            Apply(layer.Qkv, s.H, batch, s.Qkv);
            for (int b = 0; b < batch; b++)
            {
                CpuPredictorState state = states[b];
                state.EnsureRoomForNext();
                ReadOnlySpan<float> qkv = s.Qkv.AsSpan(b * 3 * _d, 3 * _d);
                state.Write(i, qkv.Slice(_d, _d), qkv.Slice(2 * _d, _d));
                AttendAllHeads(qkv[.._d], state.SelfKeys(i), state.SelfValues(i), state.Capacity, state.Length + 1, s, s.Attended.AsSpan(b * _d, _d));
            }

            AddProjection(layer.SelfOut, s.Attended, batch, s);

            DenseKernels.LayerNorm(s.X, batch, _d, layer.Norm2.Gamma, layer.Norm2.Beta, _epsilon, s.H);
            Apply(layer.CrossQuery, s.H, batch, s.Query);
            for (int b = 0; b < batch; b++)
            {
                CpuPredictorState state = states[b];
                AttendAllHeads(s.Query.AsSpan(b * _d, _d), state.CrossKeys[i], state.CrossValues[i], state.TextLength, state.TextLength, s, s.Attended.AsSpan(b * _d, _d));
            }

            AddProjection(layer.CrossOut, s.Attended, batch, s);

            DenseKernels.LayerNorm(s.X, batch, _d, layer.Norm3.Gamma, layer.Norm3.Beta, _epsilon, s.H);
            Apply(layer.Fc1, s.H, batch, s.Hidden);
            DenseKernels.Gelu(s.Hidden.AsSpan(0, batch * _ff));
            AddProjection(layer.Fc2, s.Hidden, batch, s);
        }

        foreach (CpuPredictorState state in states)
        {
            state.Commit();
        }

        DenseKernels.LayerNorm(s.X, batch, _d, _norm.Gamma, _norm.Beta, _epsilon, s.H);
        Apply(_output, s.H, batch, s.Out);
        s.Out.AsSpan(0, batch * _latent).CopyTo(next);
        Apply(_stop, s.H, batch, s.Out);
        s.Out.AsSpan(0, batch).CopyTo(stop);
    }

    /// <summary>x = start or input(z), plus the sinusoidal position of each sequence's next frame.</summary>
    private void Embed(IReadOnlyList<CpuPredictorState> states, ReadOnlySpan<float> inputs, Scratch s)
    {
        int batch = states.Count;
        if (inputs.IsEmpty)
        {
            for (int b = 0; b < batch; b++)
            {
                _start.CopyTo(s.X, b * _d);
            }
        }
        else
        {
            inputs[..(batch * _latent)].CopyTo(s.Out);
            Apply(_input, s.Out, batch, s.X);
        }

        for (int b = 0; b < batch; b++)
        {
            float position = states[b].Length;
            Span<float> x = s.X.AsSpan(b * _d, _d);
            for (int i = 0; i < _frequencies.Length; i++)
            {
                float angle = position * _frequencies[i];
                x[2 * i] += MathF.Sin(angle);
                x[(2 * i) + 1] += MathF.Cos(angle);
            }
        }
    }

    private void AttendAllHeads(ReadOnlySpan<float> query, float[] keysT, float[] valuesT, int stride, int length, Scratch s, Span<float> output)
    {
        int dh = _headDimension;
        for (int h = 0; h < _heads; h++)
        {
            int head = h * dh * stride;
            DenseKernels.Attend(
                query.Slice(h * dh, dh),
                keysT.AsSpan(head, dh * stride),
                valuesT.AsSpan(head, dh * stride),
                stride,
                length,
                s.Scores,
                output.Slice(h * dh, dh));
        }
    }

    private void Apply(Dense dense, float[] x, int batch, float[] y) =>
        DenseKernels.Linear(x, batch, dense.Weight, dense.Bias, y, dense.In, dense.Out, _threads);

    /// <summary>x += dense(input) (the residual branch).</summary>
    private void AddProjection(Dense dense, float[] input, int batch, Scratch s)
    {
        Apply(dense, input, batch, s.Branch);
        System.Numerics.Tensors.TensorPrimitives.Add(s.X.AsSpan(0, batch * _d), s.Branch.AsSpan(0, batch * _d), s.X.AsSpan(0, batch * _d));
    }

    private Scratch Rent(int batch, int attentionLength)
    {
        if (_scratch.Batch < batch || _scratch.Scores.Length < attentionLength)
        {
            _scratch = new Scratch(Math.Max(batch, _scratch.Batch), Math.Max(_d, _latent), _ff, Math.Max(attentionLength * 2, _scratch.Scores.Length));
        }

        return _scratch;
    }

    private static Dictionary<string, float[]> ReadWeights(JepaPredictor predictor)
    {
        var weights = new Dictionary<string, float[]>(StringComparer.Ordinal);
        using var noGrad = TorchSharp.torch.no_grad();
        foreach ((string name, TorchSharp.Modules.Parameter parameter) in predictor.named_parameters())
        {
            using var scope = NewDisposeScope();
            weights[name] = LeWm.Checkpoints.TensorData.ToFloatArray(parameter.detach());
        }

        return weights;
    }

    private sealed record Dense(DenseWeights Weight, float[] Bias, int In, int Out)
    {
        public static Dense From(Dictionary<string, float[]> w, string name, int inFeatures, int outFeatures, bool bfloat16) =>
            new(DenseWeights.From(w[name + ".weight"], bfloat16), w[name + ".bias"], inFeatures, outFeatures);
    }

    private sealed record Norm(float[] Gamma, float[] Beta)
    {
        public static Norm From(Dictionary<string, float[]> w, string name) => new(w[name + ".weight"], w[name + ".bias"]);
    }

    private sealed record Layer(Norm Norm1, Dense Qkv, Dense SelfOut, Norm Norm2, Dense CrossQuery, Dense CrossOut, Norm Norm3, Dense Fc1, Dense Fc2);

    /// <summary>Per-step buffers, reused across steps and grown when a larger batch or longer sequence arrives.</summary>
    private sealed class Scratch
    {
        public Scratch(int batch, int width, int ff, int scores)
        {
            Batch = batch;
            X = new float[batch * width];
            H = new float[batch * width];
            Branch = new float[batch * width];
            Attended = new float[batch * width];
            Query = new float[batch * width];
            Out = new float[batch * width];
            Qkv = new float[batch * 3 * width];
            Hidden = new float[batch * ff];
            Scores = new float[scores];
        }

        public int Batch { get; }

        public float[] X { get; }

        public float[] H { get; }

        public float[] Branch { get; }

        public float[] Attended { get; }

        public float[] Query { get; }

        public float[] Out { get; }

        public float[] Qkv { get; }

        public float[] Hidden { get; }

        public float[] Scores { get; }
    }
}
