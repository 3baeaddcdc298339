using System.Globalization;
using LeWm.Audio.Dsp;
using LeWm.Audio.Mel;
using LeWm.Checkpoints;
using LeWm.Inference;
using TorchSharp;
using static TorchSharp.torch;

namespace LeWm.Vocos;

/// <summary>
/// The Vocos mel vocoder on TorchSharp: loads the published folder (<c>config.yaml</c> + <c>pytorch_model.bin</c>
/// or <c>model.safetensors</c>, e.g. <c>charactr/vocos-mel-24khz</c>) and turns log-mels into audio, matching the
/// Python <c>vocos</c> package.
/// </summary>
/// <remarks>
/// <para>Load weights only from sources you trust. The loader accepts only the pickle subset a state dict needs and
/// refuses anything that asks to run code, but a hostile model can still produce hostile audio.</para>
/// <para>Thread-safe: concurrent calls are serialised (libtorch already uses every core inside one call). Mels of
/// equal length in one batch run together; long mels run in overlapping chunks
/// (<see cref="VocosOptions.ChunkFrames"/>). Dispose to release the native tensors.</para>
/// </remarks>
public sealed class VocosVocoder : IVocoder
{
    private static readonly string[] s_weightFiles = ["model.safetensors", "pytorch_model.bin"];

    private readonly VocosNetwork _network;
    private readonly Device _device;
    private readonly ScalarType _dtype;
    private readonly Lock _gate = new();
    private bool _disposed;

    private VocosVocoder(VocosNetwork network, VocosOptions options)
    {
        _network = network;
        Options = options;
        _device = ToTorchDevice(options.Device);
        _dtype = options.Device.Kind == ComputeDeviceKind.Cuda ? ScalarType.Float16 : ScalarType.Float32;
        _network.eval();
        if (_device.type != DeviceType.CPU)
        {
            _network.to(_device);
        }

        if (_dtype != ScalarType.Float32)
        {
            _network.Backbone.to(_dtype);
            _network.Head.to(_dtype);
        }
    }

    /// <summary>The architecture.</summary>
    public VocosConfig Config => _network.Config;

    /// <summary>The run-time options.</summary>
    public VocosOptions Options { get; }

    /// <inheritdoc />
    public int SampleRate => Config.SampleRate;

    /// <inheritdoc />
    public int MelBands => Config.MelBands;

    /// <inheritdoc />
    public int HopLength => Config.HopLength;

    /// <summary>The LeWm.Audio front end that computes this vocoder's input from audio.</summary>
    public MelOptions MelOptions => VocosNetwork.MelOptionsOf(Config);

    /// <summary>The weights file this vocoder was loaded from, or null for an in-memory model.</summary>
    public string? WeightsPath { get; private init; }

    /// <summary>
    /// Loads a Vocos vocoder folder: <c>config.yaml</c> and <c>model.safetensors</c> (preferred when present) or
    /// <c>pytorch_model.bin</c>. Every tensor is checked against the configuration (names, shapes), and the feature
    /// extractor's window and filter bank against LeWm.Audio's front end.
    /// </summary>
    /// <param name="directory">The folder.</param>
    /// <param name="options">Device and chunking; defaults when null.</param>
    /// <returns>The vocoder.</returns>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="VocosConfigException">The folder lacks <c>config.yaml</c> or weights, or the configuration is not a Vocos mel vocoder.</exception>
    /// <exception cref="CheckpointFormatException">The weights are unreadable, unsafe, or do not match the configuration.</exception>
    public static VocosVocoder Load(string directory, VocosOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        options ??= new VocosOptions();
        options.Validate();
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"The Vocos folder '{directory}' does not exist.");
        }

        string configPath = Path.Combine(directory, "config.yaml");
        if (!File.Exists(configPath))
        {
            throw new VocosConfigException(
                $"'{directory}' has no config.yaml; a Vocos vocoder folder holds config.yaml and pytorch_model.bin or model.safetensors (as charactr/vocos-mel-24khz is published).");
        }

        VocosConfig config = VocosConfig.Load(configPath);
        string weights = s_weightFiles
            .Select(name => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists)
            ?? throw new VocosConfigException($"'{directory}' has config.yaml but no weights: expected pytorch_model.bin or model.safetensors.");

        var network = new VocosNetwork(config);
        try
        {
            StateDictFile.LoadInto(network, weights, strict: true);
            CheckFrontEnd(network, weights);
            return new VocosVocoder(network, options) { WeightsPath = weights };
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>Creates a vocoder with random weights (tests, benchmarks, shape checks).</summary>
    internal static VocosVocoder CreateRandom(VocosConfig config, int seed, VocosOptions? options = null)
    {
        config.Validate();
        options ??= new VocosOptions();
        options.Validate();
        torch.manual_seed(seed);
        var network = new VocosNetwork(config);
        return new VocosVocoder(network, options);
    }

    /// <summary>The network's state dict, on its device.</summary>
    internal Dictionary<string, Tensor> StateDict() => _network.state_dict();

    /// <summary>
    /// Writes this vocoder as a Vocos folder: <c>config.yaml</c> in the published layout and <c>model.safetensors</c>
    /// (float32), each atomically. The folder loads with <see cref="Load"/> and with the Python <c>vocos</c> package.
    /// </summary>
    /// <param name="directory">The folder; created when missing.</param>
    public void Save(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ObjectDisposedException.ThrowIf(_disposed, this);
        Directory.CreateDirectory(directory);
        lock (_gate)
        {
            using var scope = NewDisposeScope();
            Dictionary<string, Tensor> tensors = _network.state_dict()
                .ToDictionary(kv => kv.Key, kv => kv.Value.detach().to(ScalarType.Float32).cpu());
            StateDictFile.SaveSafetensors(Path.Combine(directory, "model.safetensors"), tensors);
        }

        LeWm.Audio.IO.AtomicFile.WriteAllBytes(Path.Combine(directory, "config.yaml"), System.Text.Encoding.UTF8.GetBytes(Config.ToYaml()));
    }

    /// <inheritdoc />
    public int OutputLength(int frames)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frames);
        return Config.HeadPadding == VocosPadding.Center ? HopLength * (frames - 1) : HopLength * frames;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<float[]>> VocodeAsync(IReadOnlyList<LogMel> mels, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        VocoderInput.Validate(this, mels);
        return Task.Run<IReadOnlyList<float[]>>(() => Vocode(mels, cancellationToken), cancellationToken);
    }

    /// <summary>Turns one log-mel into audio on the calling thread.</summary>
    /// <param name="mel">A <c>[bands, frames]</c> log-mel.</param>
    /// <param name="cancellationToken">Checked between chunks.</param>
    /// <returns>The waveform, <see cref="OutputLength"/> samples.</returns>
    public float[] Vocode(LogMel mel, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        VocoderInput.Validate(this, [mel]);
        return Vocode([mel], cancellationToken)[0];
    }

    private float[][] Vocode(IReadOnlyList<LogMel> mels, CancellationToken cancellationToken)
    {
        var results = new float[mels.Count][];
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using IDisposable inference = torch.inference_mode();
            foreach (IGrouping<int, int> group in Enumerable.Range(0, mels.Count).GroupBy(i => mels[i].Frames))
            {
                cancellationToken.ThrowIfCancellationRequested();
                int[] items = [.. group];
                if (group.Key > Options.ChunkFrames)
                {
                    foreach (int i in items)
                    {
                        results[i] = VocodeChunked(mels[i], cancellationToken);
                    }

                    continue;
                }

                using var scope = NewDisposeScope();
                Tensor batch = torch.stack(items.Select(i => MelTensor(mels[i]))).to(_device);
                Tensor audio = Inverse(Spectrum(batch)).cpu();
                for (int b = 0; b < items.Length; b++)
                {
                    results[items[b]] = TensorData.ToFloatArray(audio[b]);
                }
            }
        }

        return results;
    }

    /// <summary>
    /// Long mels: the complex spectrum is computed chunk by chunk, each chunk with <see cref="VocosOptions.ChunkContextFrames"/>
    /// frames of context on both sides that are then dropped, and one inverse STFT runs over the whole spectrum. Since
    /// the context covers the backbone's receptive field, the result equals the one-shot result up to float rounding.
    /// </summary>
    private float[] VocodeChunked(LogMel mel, CancellationToken cancellationToken)
    {
        using var scope = NewDisposeScope();
        Tensor full = MelTensor(mel).unsqueeze(0).to(_device);
        int frames = mel.Frames;
        int chunk = Options.ChunkFrames;
        int context = Options.ChunkContextFrames;
        var pieces = new List<Tensor>();
        for (int start = 0; start < frames; start += chunk)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int keep = Math.Min(chunk, frames - start);
            int from = Math.Max(0, start - context);
            int to = Math.Min(frames, start + keep + context);
            Tensor spectrum = Spectrum(full.narrow(2, from, to - from));
            pieces.Add(spectrum.narrow(2, start - from, keep));
        }

        Tensor audio = Inverse(torch.cat(pieces, 2)).cpu();
        return TensorData.ToFloatArray(audio[0]);
    }

    private Tensor Spectrum(Tensor mel)
    {
        Tensor features = _network.Backbone.call(mel.to(_dtype));
        return _network.Head.Spectrum(features);
    }

    private Tensor Inverse(Tensor spectrum) =>
        _network.Head.Inverse(spectrum.to(ScalarType.ComplexFloat32));

    private static Tensor MelTensor(LogMel mel) => torch.tensor(mel.Values, [mel.Bands, mel.Frames]);

    private static void CheckFrontEnd(VocosNetwork network, string weights)
    {
        float[] window = network.AnalysisWindow.to(ScalarType.Float32).data<float>().ToArray();
        float[] expectedWindow = Window.PeriodicHann(network.Config.FftSize);
        double windowError = MaxAbsoluteDifference(window, expectedWindow);
        if (windowError > 1e-6)
        {
            throw new CheckpointFormatException(
                $"Buffer 'feature_extractor.mel_spec.spectrogram.window' in '{weights}' differs from the periodic Hann window by {windowError.ToString("G3", CultureInfo.InvariantCulture)}; this is not a Vocos mel front end LeWm.Audio reproduces.");
        }

        float[] bank = network.FilterBank.to(ScalarType.Float32).data<float>().ToArray();
        float[] expectedBank = new MelFilterBank(VocosNetwork.MelOptionsOf(network.Config)).ToDense();
        double bankError = MaxAbsoluteDifference(bank, expectedBank);
        if (bankError > 1e-4)
        {
            throw new CheckpointFormatException(
                $"Buffer 'feature_extractor.mel_spec.mel_scale.fb' in '{weights}' differs from LeWm.Audio's HTK filter bank by {bankError.ToString("G3", CultureInfo.InvariantCulture)}; this is not a Vocos mel front end LeWm.Audio reproduces.");
        }
    }

    private static double MaxAbsoluteDifference(float[] a, float[] b) =>
        a.Length != b.Length ? double.PositiveInfinity : a.Zip(b, (x, y) => Math.Abs((double)x - y)).DefaultIfEmpty(0).Max();

    private static Device ToTorchDevice(ComputeDevice device) =>
        device.Kind == ComputeDeviceKind.Cpu ? torch.CPU : TorchDevices.Cuda(device.Index);

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            if (!_disposed)
            {
                _disposed = true;
                _network.Dispose();
            }
        }
    }
}
