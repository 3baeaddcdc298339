using LeWm.Audio;
using LeWm.Audio.Mel;
using LeWm.Checkpoints;
using LeWm.Inference;
using LeWm.Model.Backends.Cpu;
using LeWm.Model.Checkpoints;
using LeWm.Model.Config;
using LeWm.Model.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace LeWm.Model.Backends;

/// <summary>
/// The TorchSharp backend of <see cref="ISpeechModel"/>: a LeWM checkpoint loaded into a <see cref="LeWmNetwork"/>.
/// </summary>
/// <remarks>
/// Sequences stepped together share one stacked self-attention cache; when the set of live sequences changes (one
/// stops, one joins) their cache rows are gathered into a new stack once, not on every step. Calls are serialised
/// by an internal lock. Every call runs without gradients in its own dispose scope, so no tensor outlives it except
/// the sequences' state, which disposing a sequence frees.
/// </remarks>
public sealed class LeWmSpeechModel : ISpeechModel
{
    private readonly LeWmNetwork _network;
    private readonly Device _device;
    private readonly ScalarType _dtype;
    private readonly CpuPredictorStep? _cpuStep;
    private bool _disposed;

    /// <summary>Wraps a network (which the model then owns and disposes).</summary>
    /// <param name="network">The network; put in eval mode and moved to the device and precision of <paramref name="options"/>.</param>
    /// <param name="speakers">The speakers, ordered by id (empty for a single-speaker model, whose name for its one voice is not reported).</param>
    /// <param name="textNormalizer">The text normaliser's version the model was trained with.</param>
    /// <param name="options">Device and precision; defaults when null.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <exception cref="LeWmException">CUDA was asked for and TorchSharp has no CUDA runtime here.</exception>
    public LeWmSpeechModel(LeWmNetwork network, IReadOnlyList<SpeakerInfo> speakers, string textNormalizer, LeWmModelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(speakers);
        ArgumentException.ThrowIfNullOrEmpty(textNormalizer);
        options ??= new LeWmModelOptions();
        options.Validate();
        _network = network;
        _device = ToTorchDevice(options.Device);
        _dtype = options.Precision switch
        {
            ModelPrecision.Half => ScalarType.Float16,
            ModelPrecision.BFloat16 => ScalarType.BFloat16,
            _ => ScalarType.Float32,
        };
        _network.eval();
        if (_device.type != DeviceType.CPU)
        {
            _network.to(_device);
        }

        if (_dtype != ScalarType.Float32)
        {
            _network.to(_dtype);
        }

        LeWmConfig c = network.Config;
        Config = c;
        if (options.FusedCpuStep && _device.type == DeviceType.CPU && _dtype == ScalarType.Float32)
        {
            _cpuStep = new CpuPredictorStep(
                network.Predictor, c, options.Threads ?? Math.Max(1, Environment.ProcessorCount / 4), options.CpuStepWeights == ModelPrecision.BFloat16);
        }

        // A single-speaker checkpoint may name its one voice (the trainer saves the corpus folder's name), but the
        // engine reads any listed speaker as a speaker id to pass: report none, as SpeechModelInfo asks.
        Info = new SpeechModelInfo(
            c.NMels, c.LatentSize, c.Downsample, 24_000, 256, c.MaxTextBytes, c.MaxFrames, c.CapLatentsPerByte, c.CapMinLatents,
            c.NSpeakers == 0 ? [] : [.. speakers.Select(s => new SpeakerDescriptor(s.Id, s.Name))], textNormalizer)
        {
            DefaultTemperature = c.SamplingTemperature,
        };
    }

    /// <inheritdoc />
    public SpeechModelInfo Info { get; }

    /// <summary>Gets the network's configuration.</summary>
    public LeWmConfig Config { get; }

    /// <summary>Gets the lock that serialises calls (sequences take it when disposed).</summary>
    internal object Gate { get; } = new();

    /// <summary>Loads a checkpoint folder (<c>config.json</c> + <c>model.safetensors</c> or <c>pytorch_model.bin</c>).</summary>
    /// <param name="directory">The checkpoint folder.</param>
    /// <param name="options">Device and precision; defaults when null.</param>
    /// <returns>The loaded model; the caller disposes it.</returns>
    /// <exception cref="LeWm.Checkpoints.CheckpointFormatException">The folder is missing, unreadable, or its weights do not match its configuration.</exception>
    /// <exception cref="ModelConfigurationException">The configuration is invalid.</exception>
    public static LeWmSpeechModel Load(string directory, LeWmModelOptions? options = null)
    {
        (LeWmNetwork network, LeWmCheckpointInfo info) = LeWmCheckpoint.Load(directory);
        try
        {
            return new LeWmSpeechModel(network, info.Speakers, info.TextNormalizerVersion, options);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public ISpeechSequence StartSequence(SpeechText text, LatentFrames? prompt = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        lock (Gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ValidateText(text);
            if (prompt is not null && prompt.Size != Config.LatentSize)
            {
                throw new ArgumentException($"The voice prompt has latent size {prompt.Size}; this model's is {Config.LatentSize}.", nameof(prompt));
            }

            using var noGrad = torch.no_grad();
            using var scope = NewDisposeScope();
            (Tensor memory, Tensor mask) = EncodeText(text);
            (IReadOnlyList<Tensor> keys, IReadOnlyList<Tensor> values) = _network.Predictor.MemoryKeyValues(memory);
            if (prompt is { Frames: 0 })
            {
                prompt = null;
            }

            CpuPredictorState? cpuState = null;
            Tensor? promptTensor = null;
            if (_cpuStep is not null)
            {
                int textLength = (int)mask.shape[1];
                cpuState = new CpuPredictorState(
                    [.. keys.Select(TensorData.ToFloatArray)],
                    [.. values.Select(TensorData.ToFloatArray)],
                    _cpuStep.Heads,
                    textLength,
                    Config.LengthCap(text.Utf8.Length) + (prompt?.Frames ?? 0) + 1);
            }
            else if (prompt is not null)
            {
                promptTensor = ToDevice(prompt.Values, 1, prompt.Frames, prompt.Size);
            }

            var sequence = new LeWmSpeechSequence(
                this,
                [.. keys.Select(k => k.DetachFromDisposeScope())],
                [.. values.Select(v => v.DetachFromDisposeScope())],
                mask.DetachFromDisposeScope(),
                promptTensor?.DetachFromDisposeScope(),
                prompt,
                cpuState);
            return sequence;
        }
    }

    /// <inheritdoc />
    public void Advance(IReadOnlyList<ISpeechSequence> sequences, ReadOnlySpan<float> inputs, Span<float> nextLatents, Span<float> stopLogits)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        lock (Gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            LeWmSpeechSequence[] batch = CheckBatch(sequences, inputs.Length, nextLatents.Length, stopLogits.Length);
            if (_cpuStep is not null)
            {
                AdvanceOnCpu(_cpuStep, batch, inputs, nextLatents, stopLogits);
                return;
            }

            int l = Config.LatentSize;
            using var noGrad = torch.no_grad();
            using var scope = NewDisposeScope();
            List<int> fresh = [], running = [];
            for (int i = 0; i < batch.Length; i++)
            {
                (batch[i].Group is null ? fresh : running).Add(i);
            }

            var next = new Tensor?[batch.Length];
            var stop = new Tensor?[batch.Length];
            if (fresh.Count > 0)
            {
                LeWmSpeechSequence[] members = [.. fresh.Select(i => batch[i])];
                SequenceGroup group = SequenceGroup.Fresh(_network.Predictor, members);
                for (int r = 0; r < members.Length; r++)
                {
                    members[r].MoveTo(group, r);
                }

                (Tensor n, Tensor s) = Prefill(members, group.Cache);
                Scatter(fresh, n, s, next, stop);
            }

            if (running.Count > 0)
            {
                LeWmSpeechSequence[] members = [.. running.Select(i => batch[i])];
                SequenceGroup group = EnsureGroup(members);
                var fed = new float[members.Length * l];
                for (int r = 0; r < members.Length; r++)
                {
                    inputs.Slice(running[r] * l, l).CopyTo(fed.AsSpan(r * l, l));
                }

                (Tensor n, Tensor s) = _network.Predictor.Step(ToDevice(fed, members.Length, l), group.Cache);
                foreach (LeWmSpeechSequence m in members)
                {
                    m.FedFrames++;
                }

                Scatter(running, n, s, next, stop);
            }

            if (fresh.Count > 0 && running.Count > 0)
            {
                EnsureGroup(batch);
            }

            Tensor allNext = torch.cat([.. next.Select(t => t!)], dim: 0).to(ScalarType.Float32).cpu();
            Tensor allStop = torch.cat([.. stop.Select(t => t!)], dim: 0).to(ScalarType.Float32).cpu();
            CopyOut(allNext, nextLatents);
            CopyOut(allStop, stopLogits);
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

        lock (Gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            for (int i = 0; i < mels.Count; i++)
            {
                ValidateMel(mels[i], i);
            }

            using var noGrad = torch.no_grad();
            using var scope = NewDisposeScope();
            int bands = Config.NMels, maxFrames = mels.Max(m => m.Frames);
            var stacked = new float[mels.Count * bands * maxFrames];
            for (int b = 0; b < mels.Count; b++)
            {
                LogMel mel = mels[b];
                for (int band = 0; band < bands; band++)
                {
                    mel.Values.AsSpan(band * mel.Frames, mel.Frames).CopyTo(stacked.AsSpan(((b * bands) + band) * maxFrames, mel.Frames));
                }
            }

            Tensor lengths = torch.tensor(mels.Select(m => (long)m.Frames).ToArray(), device: _device);
            (Tensor mu, _, Tensor latentLengths) = _network.AudioEncoder.call(ToDevice(stacked, mels.Count, bands, maxFrames), lengths);
            return Unstack(mu, latentLengths);
        }
    }

    /// <inheritdoc />
    public LatentFrames Predict(SpeechText text, LatentFrames latents, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(latents);
        cancellationToken.ThrowIfCancellationRequested();
        lock (Gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ValidateText(text);
            ValidateLatents(latents, 0);
            if (latents.Frames == 0)
            {
                return latents;
            }

            using var noGrad = torch.no_grad();
            using var scope = NewDisposeScope();
            (Tensor memory, Tensor mask) = EncodeText(text);
            (IReadOnlyList<Tensor> keys, IReadOnlyList<Tensor> values) = _network.Predictor.MemoryKeyValues(memory);
            (Tensor predictions, _) = _network.Predictor.call(ToDevice(latents.Values, 1, latents.Frames, latents.Size), keys, values, mask);
            return Unstack(predictions, null)[0];
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

        lock (Gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            for (int i = 0; i < latents.Count; i++)
            {
                ValidateLatents(latents[i], i);
                if (latents[i].Frames == 0)
                {
                    throw new ArgumentException($"Latent window {i} is empty; there is nothing to decode.", nameof(latents));
                }
            }

            using var noGrad = torch.no_grad();
            using var scope = NewDisposeScope();
            int l = Config.LatentSize, maxFrames = latents.Max(z => z.Frames);
            var stacked = new float[latents.Count * maxFrames * l];
            for (int b = 0; b < latents.Count; b++)
            {
                latents[b].Values.CopyTo(stacked.AsSpan(b * maxFrames * l));
            }

            Tensor lengths = torch.tensor(latents.Select(z => (long)z.Frames).ToArray(), device: _device);
            Tensor mel = _network.MelDecoder.call(ToDevice(stacked, latents.Count, maxFrames, l), lengths).to(ScalarType.Float32).cpu().contiguous();
            int bands = (int)mel.shape[1], width = (int)mel.shape[2];
            float[] all = TensorData.ToFloatArray(mel);
            var result = new LogMel[latents.Count];
            for (int b = 0; b < latents.Count; b++)
            {
                int frames = Math.Min(width, latents[b].Frames * Config.Downsample);
                var values = new float[bands * frames];
                for (int band = 0; band < bands; band++)
                {
                    all.AsSpan(((b * bands) + band) * width, frames).CopyTo(values.AsSpan(band * frames, frames));
                }

                result[b] = new LogMel(values, bands, frames);
            }

            return result;
        }
    }

    /// <summary>Frees the network. Sequences still alive keep their own tensors until disposed.</summary>
    public void Dispose()
    {
        lock (Gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _network.Dispose();
        }
    }

    /// <summary>
    /// The fused CPU step: a fresh sequence is fed its start frame and prompt one frame at a time (the cache makes
    /// that the same as a causal pass), the running ones advance together in one batched step.
    /// </summary>
    private void AdvanceOnCpu(CpuPredictorStep step, LeWmSpeechSequence[] batch, ReadOnlySpan<float> inputs, Span<float> nextLatents, Span<float> stopLogits)
    {
        int l = Config.LatentSize;
        var running = new List<int>(batch.Length);
        for (int i = 0; i < batch.Length; i++)
        {
            LeWmSpeechSequence m = batch[i];
            if (m.FedFrames > 0)
            {
                running.Add(i);
                continue;
            }

            CpuPredictorState[] one = [m.CpuState!];
            Span<float> next = nextLatents.Slice(i * l, l), stop = stopLogits.Slice(i, 1);
            step.Step(one, default, next, stop);
            if (m.PromptLatents is LatentFrames prompt)
            {
                for (int f = 0; f < prompt.Frames; f++)
                {
                    step.Step(one, prompt.Values.AsSpan(f * l, l), next, stop);
                }
            }

            m.FedFrames = m.PromptFrames + 1;
        }

        if (running.Count == 0)
        {
            return;
        }

        if (running.Count == batch.Length)
        {
            step.Step([.. batch.Select(m => m.CpuState!)], inputs, nextLatents, stopLogits);
        }
        else
        {
            var fed = new float[running.Count * l];
            var next = new float[running.Count * l];
            var stop = new float[running.Count];
            for (int r = 0; r < running.Count; r++)
            {
                inputs.Slice(running[r] * l, l).CopyTo(fed.AsSpan(r * l, l));
            }

            step.Step([.. running.Select(i => batch[i].CpuState!)], fed, next, stop);
            for (int r = 0; r < running.Count; r++)
            {
                next.AsSpan(r * l, l).CopyTo(nextLatents.Slice(running[r] * l, l));
                stopLogits[running[r]] = stop[r];
            }
        }

        foreach (int i in running)
        {
            batch[i].FedFrames++;
        }
    }

    private (Tensor Next, Tensor Stop) Prefill(LeWmSpeechSequence[] members, PredictorCache cache)
    {
        long maxPrompt = members.Max(m => (long)m.PromptFrames);
        int l = Config.LatentSize;
        Tensor prefix = maxPrompt == 0
            ? torch.zeros(members.Length, 0, l, dtype: _dtype, device: _device)
            : torch.cat([.. members.Select(m => m.Prompt is null
                ? torch.zeros(1, maxPrompt, l, dtype: _dtype, device: _device)
                : torch.cat([m.Prompt, torch.zeros(1, maxPrompt - m.PromptFrames, l, dtype: _dtype, device: _device)], dim: 1))], dim: 0);
        Tensor lengths = torch.tensor(members.Select(m => (long)m.PromptFrames).ToArray(), device: _device);
        (Tensor next, Tensor stop) = _network.Predictor.Prefill(prefix, lengths, cache);
        foreach (LeWmSpeechSequence m in members)
        {
            m.FedFrames = m.PromptFrames + 1;
        }

        return (next, stop);
    }

    /// <summary>Returns the group whose rows are exactly <paramref name="members"/>, gathering a new one when needed.</summary>
    private SequenceGroup EnsureGroup(LeWmSpeechSequence[] members)
    {
        SequenceGroup current = members[0].Group!;
        if (current.HasExactly(members))
        {
            return current;
        }

        SequenceGroup group = SequenceGroup.Gather(_network.Predictor, members);
        for (int r = 0; r < members.Length; r++)
        {
            members[r].MoveTo(group, r);
        }

        return group;
    }

    private LeWmSpeechSequence[] CheckBatch(IReadOnlyList<ISpeechSequence> sequences, int inputs, int next, int stop)
    {
        if (sequences.Count == 0)
        {
            throw new ArgumentException("A step needs at least one sequence.", nameof(sequences));
        }

        int l = Config.LatentSize;
        var batch = new LeWmSpeechSequence[sequences.Count];
        var seen = new HashSet<LeWmSpeechSequence>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < batch.Length; i++)
        {
            if (sequences[i] is not LeWmSpeechSequence s || !ReferenceEquals(s.Owner, this))
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

        long expected = (long)batch.Length * l;
        if (inputs != expected || next != expected || stop != batch.Length)
        {
            throw new ArgumentException(
                $"A step of {batch.Length} sequences needs {expected} inputs and next latents and {batch.Length} stop logits; got {inputs}, {next} and {stop}.");
        }

        return batch;
    }

    private (Tensor Memory, Tensor Mask) EncodeText(SpeechText text)
    {
        ReadOnlySpan<byte> bytes = text.Utf8.Span;
        var ids = new long[bytes.Length + 2];
        ids[0] = Config.BosId;
        for (int i = 0; i < bytes.Length; i++)
        {
            ids[i + 1] = bytes[i];
        }

        ids[^1] = Config.EosId;
        Tensor idTensor = torch.tensor(ids, device: _device).unsqueeze(0);
        Tensor lengths = torch.tensor(new long[] { ids.Length }, device: _device);
        Tensor? speaker = text.Speaker is int id ? torch.tensor(new long[] { id }, device: _device) : null;
        return _network.TextEncoder.call(idTensor, lengths, speaker);
    }

    private void ValidateText(SpeechText text)
    {
        int length = text.Utf8.Length;
        if (length == 0)
        {
            throw new ArgumentException("The text is empty.", nameof(text));
        }

        if (length > Config.MaxTextBytes)
        {
            throw new ArgumentException(
                $"The text is {length} UTF-8 bytes; this model takes at most {Config.MaxTextBytes} per run (split longer text).", nameof(text));
        }

        if (text.Speaker is int speaker)
        {
            if (Config.NSpeakers == 0)
            {
                throw new ArgumentException($"Speaker {speaker} was asked for, but this is a single-speaker model.", nameof(text));
            }

            if (speaker < 0 || speaker >= Config.NSpeakers)
            {
                throw new ArgumentException($"Speaker {speaker} is out of range: this model has speakers 0 to {Config.NSpeakers - 1}.", nameof(text));
            }
        }
    }

    private void ValidateMel(LogMel mel, int index)
    {
        ArgumentNullException.ThrowIfNull(mel);
        if (mel.Bands != Config.NMels)
        {
            throw new ArgumentException($"Mel {index} has {mel.Bands} bands; this model takes {Config.NMels}.");
        }

        if (mel.Frames < 1 || mel.Frames > Config.MaxFrames)
        {
            throw new ArgumentException($"Mel {index} has {mel.Frames} frames; this model takes 1 to {Config.MaxFrames}.");
        }

        int bad = Array.FindIndex(mel.Values, v => !float.IsFinite(v));
        if (bad >= 0)
        {
            throw new ArgumentException($"Mel {index} holds {mel.Values[bad]} at band {bad / mel.Frames}, frame {bad % mel.Frames}; mels must be finite.");
        }
    }

    private void ValidateLatents(LatentFrames latents, int index)
    {
        ArgumentNullException.ThrowIfNull(latents);
        if (latents.Size != Config.LatentSize)
        {
            throw new ArgumentException($"Latent sequence {index} has latent size {latents.Size}; this model's is {Config.LatentSize}.", nameof(latents));
        }
    }

    private Tensor ToDevice(float[] values, params long[] shape) =>
        torch.tensor(values, shape, device: _device).to(_dtype);

    private static List<LatentFrames> Unstack(Tensor batch, Tensor? lengths)
    {
        Tensor cpu = batch.to(ScalarType.Float32).cpu().contiguous();
        int b = (int)cpu.shape[0], t = (int)cpu.shape[1], l = (int)cpu.shape[2];
        long[] counts = lengths is null ? [.. Enumerable.Repeat((long)t, b)] : lengths.cpu().data<long>().ToArray();
        float[] all = TensorData.ToFloatArray(cpu);
        var result = new List<LatentFrames>(b);
        for (int i = 0; i < b; i++)
        {
            int frames = (int)counts[i];
            result.Add(new LatentFrames(all.AsSpan(i * t * l, frames * l).ToArray(), frames, l));
        }

        return result;
    }

    private static void Scatter(List<int> indices, Tensor next, Tensor stop, Tensor?[] allNext, Tensor?[] allStop)
    {
        for (int r = 0; r < indices.Count; r++)
        {
            allNext[indices[r]] = next.narrow(0, r, 1);
            allStop[indices[r]] = stop.narrow(0, r, 1);
        }
    }

    private static void CopyOut(Tensor tensor, Span<float> destination) =>
        TensorData.CopyTo(tensor, destination);

    private static Device ToTorchDevice(ComputeDevice device) =>
        device.Kind == ComputeDeviceKind.Cpu ? torch.CPU : TorchDevices.Cuda(device.Index);
}
