using System.Globalization;
using LeWm.Audio.Mel;
using LeWm.Inference;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace LeWm.Onnx;

/// <summary>
/// The LeWM acoustic model on ONNX Runtime (<see cref="ISpeechModel"/>), running a folder exported by
/// <c>lewm export onnx --model</c>: <c>text_encoder.onnx</c> once per request (text memory → every predictor layer's
/// cross-attention keys and values), <c>predictor_step.onnx</c> once per autoregressive step for the whole batch,
/// <c>audio_encoder.onnx</c> for <see cref="EncodeAudio"/> and <c>mel_decoder.onnx</c> for <see cref="DecodeLatents"/>.
/// </summary>
/// <remarks>
/// <para>Sequences stepped together form an <see cref="OnnxSequenceGroup"/>: the text keys and values and the text
/// mask are stacked once per group (padded to the longest text, <c>text_mask</c> false), and each call's present K/V
/// outputs are fed back as the next call's past, so a step of an unchanged batch copies no cache. When the batch's
/// membership changes, the rows are gathered once into a new group (padding masked by <c>past_valid</c>). Fresh
/// sequences of one call share their first steps: one call with the start frame for all of them, then one call per
/// voice-prompt frame, which is what the TorchSharp backend's prefill computes.</para>
/// <para><see cref="Predict"/> runs the step graph over the true latents, one frame per call. Not thread-safe on its
/// own: calls are serialised by a lock, as the engine expects.</para>
/// </remarks>
public sealed class OnnxSpeechModel : ISpeechModel
{
    private readonly OnnxSpeechModelConfig _config;
    private readonly InferenceSession _text;
    private readonly InferenceSession _step;
    private readonly InferenceSession? _audio;
    private readonly InferenceSession? _decoder;
    private readonly string[] _stepOutputs;
    private readonly string[] _textOutputs;
    private readonly object _gate = new();
    private readonly HashSet<OnnxSequenceGroup> _groups = new(ReferenceEqualityComparer.Instance);
    private readonly string[] _stepInputs;
    private readonly RunOptions _stepOptions = new();
    private bool _disposed;

    private OnnxSpeechModel(OnnxSpeechModelConfig config, InferenceSession text, InferenceSession step, InferenceSession? audio, InferenceSession? decoder)
    {
        _config = config;
        _text = text;
        _step = step;
        _audio = audio;
        _decoder = decoder;
        int layers = config.PredictorLayers;
        _stepOutputs = ["next", "stop_logit", .. Enumerable.Range(0, layers).SelectMany(i => new[] { Name("present_k", i), Name("present_v", i) })];
        _stepInputs =
        [
            "latent", "use_start", "position", "past_valid", "text_mask",
            .. Enumerable.Range(0, layers).SelectMany(i => new[] { Name("past_k", i), Name("past_v", i), Name("cross_k", i), Name("cross_v", i) }),
        ];
        _textOutputs = ["text_mask", .. Enumerable.Range(0, layers).SelectMany(i => new[] { Name("cross_k", i), Name("cross_v", i) })];
        Info = new SpeechModelInfo(
        config.MelBands, config.LatentSize, config.Downsample, 24_000, 256, config.MaxTextBytes, config.MaxFrames,
        config.CapLatentsPerByte, config.CapMinLatents,
        // A single-speaker model may name its one voice (exported from a checkpoint the trainer wrote for a one-speaker
        // corpus), but the engine reads any listed speaker as a speaker id to pass: report none, as SpeechModelInfo asks.
        config.Speakers == 0 ? [] : [.. config.SpeakerNames.OrderBy(s => s.Id).Select(s => new SpeakerDescriptor(s.Id, s.Name))],
        config.TextNormalizerVersion)
        {
            DefaultTemperature = config.SamplingTemperature,
        };
    }

    /// <inheritdoc />
    public SpeechModelInfo Info { get; }

    /// <summary>Gets the lock that serialises every call (sequences take it to leave their group).</summary>
    internal object Gate => _gate;

    /// <summary>Gets how many sequence groups are alive (for leak checks).</summary>
    internal int LiveGroups
    {
        get
        {
            lock (_gate)
            {
                return _groups.Count;
            }
        }
    }

    /// <summary>Gets how many <see cref="OrtValue"/>s the live groups hold (for leak checks).</summary>
    internal int LiveGroupValues
    {
        get
        {
            lock (_gate)
            {
                return _groups.Sum(g => g.OwnedValues);
            }
        }
    }

    /// <summary>Opens an exported folder.</summary>
    /// <param name="directory">The folder (<c>config.json</c> with kind <c>lewm</c> + graphs).</param>
    /// <param name="options">Execution provider and threads; CPU by default.</param>
    /// <returns>The model; dispose it to close its sessions.</returns>
    /// <exception cref="OnnxModelException">The folder, its configuration or a graph is missing or unusable.</exception>
    /// <exception cref="ExecutionProviderException">ONNX Runtime's native library or the requested provider is missing.</exception>
    public static OnnxSpeechModel Load(string directory, OnnxOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        options ??= new OnnxOptions();
        if (!Directory.Exists(directory))
        {
            throw new OnnxModelException($"The folder '{directory}' does not exist.");
        }

        OnnxSpeechModelConfig config = OnnxSpeechModelConfig.Load(Path.Combine(directory, OnnxSpeechModelConfig.FileName));
        var opened = new List<InferenceSession>();
        try
        {
            InferenceSession Open(string component)
            {
                InferenceSession session = OnnxSessionFactory.Open(Path.Combine(directory, config.Graphs[component]), options);
                opened.Add(session);
                return session;
            }

            InferenceSession text = Open("text_encoder");
            InferenceSession step = Open("predictor_step");
            InferenceSession? audio = config.Graphs.ContainsKey("audio_encoder") ? Open("audio_encoder") : null;
            InferenceSession? decoder = config.Graphs.ContainsKey("mel_decoder") ? Open("mel_decoder") : null;
            CheckLayers(config, step, Path.Combine(directory, config.Graphs["predictor_step"]));
            return new OnnxSpeechModel(config, text, step, audio, decoder);
        }
        catch
        {
            foreach (InferenceSession session in opened)
            {
                session.Dispose();
            }

            throw;
        }
    }

    /// <summary>Tells whether <paramref name="directory"/> is an exported LeWM model (its <c>config.json</c> says <c>kind: lewm</c>).</summary>
    /// <param name="directory">The folder.</param>
    /// <returns>True for an ONNX export; false for a checkpoint or anything else.</returns>
    public static bool IsOnnxFolder(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        string path = Path.Combine(directory, OnnxSpeechModelConfig.FileName);
        if (!File.Exists(path))
        {
            return false;
        }

        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(path));
            return document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                && document.RootElement.TryGetProperty("kind", out System.Text.Json.JsonElement kind)
                && kind.ValueKind == System.Text.Json.JsonValueKind.String
                && kind.GetString() == OnnxSpeechModelConfig.LeWmKind;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public ISpeechSequence StartSequence(SpeechText text, LatentFrames? prompt = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ValidateText(text);
            if (prompt is not null && prompt.Size != _config.LatentSize)
            {
                throw new ArgumentException($"The voice prompt has latent size {prompt.Size}; this model's is {_config.LatentSize}.", nameof(prompt));
            }

            (float[][] keys, float[][] values, int n) = EncodeText(text);
            return new OnnxSpeechSequence(this, keys, values, n, prompt is { Frames: > 0 } ? prompt : null);
        }
    }

    /// <inheritdoc />
    public void Advance(IReadOnlyList<ISpeechSequence> sequences, ReadOnlySpan<float> inputs, Span<float> nextLatents, Span<float> stopLogits)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            OnnxSpeechSequence[] batch = CheckBatch(sequences, inputs.Length, nextLatents.Length, stopLogits.Length);
            int l = _config.LatentSize;
            List<int> fresh = [], running = [];
            for (int i = 0; i < batch.Length; i++)
            {
                (batch[i].Group is null ? fresh : running).Add(i);
            }

            if (fresh.Count > 0)
            {
                OnnxSpeechSequence[] members = [.. fresh.Select(i => batch[i])];
                var next = new float[members.Length * l];
                var stop = new float[members.Length];
                Prefill(members, next, stop);
                Scatter(fresh, next, stop, nextLatents, stopLogits);
            }

            if (running.Count > 0)
            {
                OnnxSpeechSequence[] members = [.. running.Select(i => batch[i])];
                OnnxSequenceGroup group = EnsureGroup(members);
                bool whole = running.Count == batch.Length;
                float[] fed = whole ? inputs.ToArray() : new float[members.Length * l];
                if (!whole)
                {
                    for (int r = 0; r < members.Length; r++)
                    {
                        inputs.Slice(running[r] * l, l).CopyTo(fed.AsSpan(r * l, l));
                    }
                }

                if (whole)
                {
                    group.Step(fed, new bool[members.Length], null, nextLatents, stopLogits);
                }
                else
                {
                    var next = new float[members.Length * l];
                    var stop = new float[members.Length];
                    group.Step(fed, new bool[members.Length], null, next, stop);
                    Scatter(running, next, stop, nextLatents, stopLogits);
                }

                foreach (OnnxSpeechSequence m in members)
                {
                    m.FedFrames++;
                }
            }

            if (fresh.Count > 0 && running.Count > 0)
            {
                // The next call is most likely the whole batch again: gather it now, once.
                EnsureGroup(batch);
            }
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<LatentFrames> EncodeAudio(IReadOnlyList<LogMel> mels, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mels);
        cancellationToken.ThrowIfCancellationRequested();
        if (mels.Count == 0)
        {
            return [];
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            InferenceSession audio = _audio ?? throw new NotSupportedException(
            "This ONNX export has no audio_encoder graph; export the model again with a current `lewm export onnx --model` to encode audio (voice prompts, reconstruction).");
            int bands = _config.MelBands;
            for (int i = 0; i < mels.Count; i++)
            {
                ArgumentNullException.ThrowIfNull(mels[i]);
                if (mels[i].Bands != bands || mels[i].Frames < 1 || mels[i].Frames > _config.MaxFrames)
                {
                    throw new ArgumentException($"Mel {i} is {mels[i].Bands} bands × {mels[i].Frames} frames; this model takes {bands} bands and 1 to {_config.MaxFrames} frames.", nameof(mels));
                }

                if (Array.Exists(mels[i].Values, v => !float.IsFinite(v)))
                {
                    throw new ArgumentException($"Mel {i} holds a value that is not finite; mels must be finite.", nameof(mels));
                }
            }

            int b = mels.Count, frames = mels.Max(m => m.Frames);
            var stacked = new float[b * bands * frames];
            for (int item = 0; item < b; item++)
            {
                LogMel mel = mels[item];
                for (int band = 0; band < bands; band++)
                {
                    mel.Values.AsSpan(band * mel.Frames, mel.Frames).CopyTo(stacked.AsSpan(((item * bands) + band) * frames, mel.Frames));
                }
            }

            var inputs = new Dictionary<string, OrtValue>(StringComparer.Ordinal)
            {
                ["mel"] = Tensor(stacked, [b, bands, frames]),
                ["lengths"] = Tensor(mels.Select(m => (long)m.Frames).ToArray(), [b]),
            };
            Dictionary<string, Output> outputs = Run(audio, inputs, ["mu", "latent_lengths"]);
            float[] mu = outputs["mu"].Floats;
            long[] latentLengths = outputs["latent_lengths"].Longs;
            int tz = (int)outputs["mu"].Shape[1], l = _config.LatentSize;
            var result = new LatentFrames[b];
            for (int item = 0; item < b; item++)
            {
                int count = (int)latentLengths[item];
                result[item] = new LatentFrames(mu.AsSpan(item * tz * l, count * l).ToArray(), count, l);
            }

            return result;
        }
    }

    /// <inheritdoc />
    public LatentFrames Predict(SpeechText text, LatentFrames latents, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(latents);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ValidateText(text);
            if (latents.Size != _config.LatentSize)
            {
                throw new ArgumentException($"The latents have size {latents.Size}; this model's is {_config.LatentSize}.", nameof(latents));
            }

            if (latents.Frames == 0)
            {
                return latents;
            }

            (float[][] keys, float[][] values, int n) = EncodeText(text);
            using var sequence = new OnnxSpeechSequence(this, keys, values, n, null);
            OnnxSequenceGroup group = NewFresh([sequence]);
            int l = _config.LatentSize;
            var predictions = new float[latents.Frames * l];
            var stop = new float[1];
            for (int t = 0; t < latents.Frames; t++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                float[] fed = t == 0 ? new float[l] : latents.Frame(t - 1).ToArray();
                group.Step(fed, [t == 0], null, predictions.AsSpan(t * l, l), stop);
            }

            return new LatentFrames(predictions, latents.Frames, l);
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<LogMel> DecodeLatents(IReadOnlyList<LatentFrames> latents, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(latents);
        cancellationToken.ThrowIfCancellationRequested();
        if (latents.Count == 0)
        {
            return [];
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            InferenceSession decoder = _decoder ?? throw new NotSupportedException(
            "This ONNX export has no mel_decoder graph; export the model again with a current `lewm export onnx --model`.");
            int l = _config.LatentSize;
            for (int i = 0; i < latents.Count; i++)
            {
                ArgumentNullException.ThrowIfNull(latents[i]);
                if (latents[i].Size != l || latents[i].Frames == 0)
                {
                    throw new ArgumentException($"Latent window {i} is {latents[i].Frames} frames of size {latents[i].Size}; this model decodes at least one frame of size {l}.", nameof(latents));
                }
            }

            int b = latents.Count, frames = latents.Max(z => z.Frames);
            var stacked = new float[b * frames * l];
            for (int item = 0; item < b; item++)
            {
                latents[item].Values.CopyTo(stacked.AsSpan(item * frames * l));
            }

            var inputs = new Dictionary<string, OrtValue>(StringComparer.Ordinal)
            {
                ["latents"] = Tensor(stacked, [b, frames, l]),
                ["lengths"] = Tensor(latents.Select(z => (long)z.Frames).ToArray(), [b]),
            };
            Dictionary<string, Output> outputs = Run(decoder, inputs, ["mel"]);
            float[] all = outputs["mel"].Floats;
            long[] shape = outputs["mel"].Shape;
            int bands = (int)shape[1], width = (int)shape[2];
            var result = new LogMel[b];
            for (int item = 0; item < b; item++)
            {
                int count = Math.Min(width, latents[item].Frames * _config.Downsample);
                var values = new float[bands * count];
                for (int band = 0; band < bands; band++)
                {
                    all.AsSpan(((item * bands) + band) * width, count).CopyTo(values.AsSpan(band * count, count));
                }

                result[item] = new LogMel(values, bands, count);
            }

            return result;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            foreach (OnnxSequenceGroup group in _groups.ToArray())
            {
                group.Dispose();
            }

            _text.Dispose();
            _step.Dispose();
            _stepOptions.Dispose();
            _audio?.Dispose();
            _decoder?.Dispose();
        }
    }

    /// <summary>Runs the step graph on inputs in <see cref="_stepInputs"/> order; the caller owns (and frees) the outputs.</summary>
    internal IDisposableReadOnlyCollection<OrtValue> RunStep(OrtValue[] inputs)
    {
        try
        {
            return _step.Run(_stepOptions, _stepInputs, inputs, _stepOutputs);
        }
        catch (OnnxRuntimeException e)
        {
            throw new OnnxModelException($"ONNX Runtime failed to run the graph: {e.Message.ReplaceLineEndings(" ")}", e);
        }
    }

    /// <summary>
    /// The first steps of fresh sequences, all in one group: one call with the start frame for every row, then one
    /// call per voice-prompt frame (rows whose prompt is over get a masked frame). <paramref name="next"/> and
    /// <paramref name="stop"/> receive each row's output after its last fed frame.
    /// </summary>
    private void Prefill(OnnxSpeechSequence[] members, Span<float> next, Span<float> stop)
    {
        int b = members.Length, l = _config.LatentSize;
        OnnxSequenceGroup group = NewFresh(members);
        try
        {
            var start = new bool[b];
            Array.Fill(start, true);
            group.Step(new float[b * l], start, null, next, stop);
            int longest = members.Max(m => m.PromptFrames);
            for (int f = 0; f < longest; f++)
            {
                var fed = new float[b * l];
                var feeds = new bool[b];
                for (int r = 0; r < b; r++)
                {
                    if (f < members[r].PromptFrames)
                    {
                        members[r].Prompt!.Frame(f).CopyTo(fed.AsSpan(r * l, l));
                        feeds[r] = true;
                    }
                }

                group.Step(fed, new bool[b], feeds, next, stop);
            }
        }
        catch
        {
            // Leave the sequences fresh (no group) rather than half-prefilled; the group frees itself.
            foreach (OnnxSpeechSequence m in members)
            {
                m.Group = null;
                group.Release();
            }

            throw;
        }

        foreach (OnnxSpeechSequence m in members)
        {
            m.FedFrames = m.PromptFrames + 1;
        }
    }

    private OnnxSequenceGroup NewFresh(OnnxSpeechSequence[] members) =>
        OnnxSequenceGroup.Fresh(this, _groups, members, _config.PredictorLayers, _config.Heads, _config.HeadDimension);

    /// <summary>The group whose rows are exactly <paramref name="members"/>, in order: the current one, or a new gathered one.</summary>
    private OnnxSequenceGroup EnsureGroup(OnnxSpeechSequence[] members)
    {
        OnnxSequenceGroup current = members[0].Group!;
        return current.HasExactly(members)
            ? current
            : OnnxSequenceGroup.Gather(this, _groups, members, _config.PredictorLayers, _config.Heads, _config.HeadDimension);
    }

    private void Scatter(List<int> rows, float[] next, float[] stop, Span<float> nextLatents, Span<float> stopLogits)
    {
        int l = _config.LatentSize;
        for (int r = 0; r < rows.Count; r++)
        {
            next.AsSpan(r * l, l).CopyTo(nextLatents.Slice(rows[r] * l, l));
            stopLogits[rows[r]] = stop[r];
        }
    }

    private (float[][] Keys, float[][] Values, int Length) EncodeText(SpeechText text)
    {
        ReadOnlySpan<byte> bytes = text.Utf8.Span;
        var ids = new long[bytes.Length + 2];
        ids[0] = _config.BosId;
        for (int i = 0; i < bytes.Length; i++)
        {
            ids[i + 1] = bytes[i];
        }

        ids[^1] = _config.EosId;
        var inputs = new Dictionary<string, OrtValue>(StringComparer.Ordinal)
        {
            ["ids"] = Tensor(ids, [1, ids.Length]),
            ["lengths"] = Tensor(new long[] { ids.Length }, [1]),
        };
        if (_config.Speakers > 0)
        {
            int speaker = text.Speaker ?? throw new ArgumentException("This model has a speaker table: pass a speaker id.", nameof(text));
            inputs["speaker"] = Tensor(new long[] { speaker }, [1]);
        }

        Dictionary<string, Output> outputs = Run(_text, inputs, _textOutputs);
        var keys = new float[_config.PredictorLayers][];
        var values = new float[_config.PredictorLayers][];
        for (int i = 0; i < keys.Length; i++)
        {
            keys[i] = outputs[Name("cross_k", i)].Floats;
            values[i] = outputs[Name("cross_v", i)].Floats;
        }

        return (keys, values, ids.Length);
    }

    /// <summary>Runs a graph, disposing the inputs; returns each output's values (float32 or int64) and shape.</summary>
    private static Dictionary<string, Output> Run(InferenceSession session, Dictionary<string, OrtValue> inputs, string[] outputNames)
    {
        var named = new Dictionary<string, Output>(StringComparer.Ordinal);
        Run(session, inputs, outputNames, results =>
        {
            for (int i = 0; i < outputNames.Length; i++)
            {
                OrtTensorTypeAndShapeInfo info = results[i].GetTensorTypeAndShape();
                named[outputNames[i]] = info.ElementDataType switch
                {
                    TensorElementType.Float => new Output(results[i].GetTensorDataAsSpan<float>().ToArray(), [], info.Shape),
                    TensorElementType.Int64 => new Output([], results[i].GetTensorDataAsSpan<long>().ToArray(), info.Shape),
                    TensorElementType.Bool => new Output([], [], info.Shape),
                    _ => throw new OnnxModelException($"Unexpected output element type {info.ElementDataType}."),
                };
            }
        });
        return named;
    }

    /// <summary>Runs a graph, disposing the inputs, and lets <paramref name="read"/> read the outputs before they are freed.</summary>
    private static void Run(InferenceSession session, Dictionary<string, OrtValue> inputs, string[] outputNames, Action<IReadOnlyList<OrtValue>> read)
    {
        try
        {
            using var options = new RunOptions();
            using IDisposableReadOnlyCollection<OrtValue> results = session.Run(options, [.. inputs.Keys], [.. inputs.Values], outputNames);
            read(results);
        }
        catch (OnnxRuntimeException e)
        {
            throw new OnnxModelException($"ONNX Runtime failed to run the graph: {e.Message.ReplaceLineEndings(" ")}", e);
        }
        finally
        {
            foreach (OrtValue value in inputs.Values)
            {
                value.Dispose();
            }
        }
    }

    private static OrtValue Tensor<T>(T[] data, long[] shape)
        where T : unmanaged =>
        data.Length == 0
            ? OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, ElementType<T>(), shape)
            : OrtValue.CreateTensorValueFromMemory(data, shape);

    private static TensorElementType ElementType<T>() =>
        typeof(T) == typeof(float) ? TensorElementType.Float
        : typeof(T) == typeof(long) ? TensorElementType.Int64
        : typeof(T) == typeof(bool) ? TensorElementType.Bool
        : throw new NotSupportedException(typeof(T).Name);

    private static string Name(string prefix, int layer) => string.Create(CultureInfo.InvariantCulture, $"{prefix}_{layer}");

    private static void CheckLayers(OnnxSpeechModelConfig config, InferenceSession step, string path)
    {
        for (int i = 0; i < config.PredictorLayers; i++)
        {
            if (!step.InputMetadata.ContainsKey(Name("past_k", i)))
            {
                throw new OnnxModelException($"'{path}' has no input past_k_{i}: the graph was exported from another configuration than config.json ({config.PredictorLayers} predictor layers).");
            }
        }

        if (step.InputMetadata.ContainsKey(Name("past_k", config.PredictorLayers)))
        {
            throw new OnnxModelException($"'{path}' has more predictor layers than config.json's {config.PredictorLayers}: the graph was exported from another configuration.");
        }

        int[] latent = step.InputMetadata["latent"].Dimensions;
        int[] keys = step.InputMetadata[Name("past_k", 0)].Dimensions;
        if (latent.Length != 2 || latent[1] != config.LatentSize || keys.Length != 4 || keys[1] != config.Heads || keys[3] != config.HeadDimension)
        {
            throw new OnnxModelException(
                $"'{path}' takes latents of size {(latent.Length == 2 ? latent[1] : -1)} and {(keys.Length == 4 ? keys[1] : -1)} heads of {(keys.Length == 4 ? keys[3] : -1)}; config.json says {config.LatentSize}, {config.Heads} and {config.HeadDimension}: the graph was exported from another configuration.");
        }
    }

    private OnnxSpeechSequence[] CheckBatch(IReadOnlyList<ISpeechSequence> sequences, int inputs, int next, int stop)
    {
        if (sequences.Count == 0)
        {
            throw new ArgumentException("A step needs at least one sequence.", nameof(sequences));
        }

        var batch = new OnnxSpeechSequence[sequences.Count];
        var seen = new HashSet<OnnxSpeechSequence>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < batch.Length; i++)
        {
            if (sequences[i] is not OnnxSpeechSequence s || !ReferenceEquals(s.Owner, this))
            {
                throw new ArgumentException($"Sequence {i} was not started by this model.", nameof(sequences));
            }

            ObjectDisposedException.ThrowIf(s.IsDisposed, s);
            if (!seen.Add(s))
            {
                throw new ArgumentException($"Sequence {i} appears twice in the batch.", nameof(sequences));
            }

            batch[i] = s;
        }

        long expected = (long)batch.Length * _config.LatentSize;
        if (inputs != expected || next != expected || stop != batch.Length)
        {
            throw new ArgumentException(
                $"A step of {batch.Length} sequences needs {expected} inputs and next latents and {batch.Length} stop logits; got {inputs}, {next} and {stop}.");
        }

        return batch;
    }

    private void ValidateText(SpeechText text)
    {
        int length = text.Utf8.Length;
        if (length == 0)
        {
            throw new ArgumentException("The text is empty.", nameof(text));
        }

        if (length > _config.MaxTextBytes)
        {
            throw new ArgumentException($"The text is {length} UTF-8 bytes; this model takes at most {_config.MaxTextBytes} per run (split longer text).", nameof(text));
        }

        if (text.Speaker is int speaker)
        {
            if (_config.Speakers == 0)
            {
                throw new ArgumentException($"Speaker {speaker} was asked for, but this is a single-speaker model.", nameof(text));
            }

            if (speaker < 0 || speaker >= _config.Speakers)
            {
                throw new ArgumentException($"Speaker {speaker} is out of range: this model has speakers 0 to {_config.Speakers - 1}.", nameof(text));
            }
        }
    }

    private sealed record Output(float[] Floats, long[] Longs, long[] Shape);
}
