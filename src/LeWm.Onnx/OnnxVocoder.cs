using LeWm.Audio.Dsp;
using LeWm.Audio.Mel;
using LeWm.Inference;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace LeWm.Onnx;

/// <summary>
/// The Vocos vocoder on ONNX Runtime: runs an exported folder (<c>config.json</c> + <c>vocoder.onnx</c>, made by
/// <c>lewm export onnx --vocoder</c>) up to the complex spectrum, then LeWm.Audio's inverse STFT with Vocos'
/// padding. No libtorch at run time.
/// </summary>
/// <remarks>
/// <para>The application supplies ONNX Runtime's native library: <c>Microsoft.ML.OnnxRuntime</c> (CPU) or
/// <c>Microsoft.ML.OnnxRuntime.Gpu</c> (CUDA), never both.</para>
/// <para>Thread-safe: concurrent calls run concurrently (an ONNX Runtime session allows it). Mels of equal length in
/// one batch run as one graph call. Dispose after the calls in flight have returned; it releases the native
/// session.</para>
/// <para>Load graphs only from sources you trust.</para>
/// </remarks>
public sealed class OnnxVocoder : IVocoder
{
    private const string MelInput = "mel";
    private const string RealOutput = "real";
    private const string ImaginaryOutput = "imag";

    private readonly InferenceSession _session;
    private readonly StftProcessor _stft;
    private readonly ReaderWriterLockSlim _lifetime = new();
    private bool _disposed;

    private OnnxVocoder(InferenceSession session, OnnxVocoderConfig config, OnnxOptions options, string graphPath)
    {
        _session = session;
        Config = config;
        Options = options;
        GraphPath = graphPath;
        _stft = new StftProcessor(new StftOptions
        {
            FftSize = config.FftSize,
            HopLength = config.HopLength,
            WindowLength = config.FftSize,
            Center = true,
        });
    }

    /// <summary>The folder's configuration.</summary>
    public OnnxVocoderConfig Config { get; }

    /// <summary>The run-time options.</summary>
    public OnnxOptions Options { get; }

    /// <summary>The graph file this vocoder runs.</summary>
    public string GraphPath { get; }

    /// <inheritdoc />
    public int SampleRate => Config.SampleRate;

    /// <inheritdoc />
    public int MelBands => Config.MelBands;

    /// <inheritdoc />
    public int HopLength => Config.HopLength;

    /// <summary>
    /// Loads an exported vocoder folder: reads <c>config.json</c>, opens the graph it names, and checks that the
    /// graph's input and outputs have the configuration's band and bin counts.
    /// </summary>
    /// <param name="directory">The folder.</param>
    /// <param name="options">Device and threads; defaults (CPU) when null.</param>
    /// <returns>The vocoder.</returns>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="OnnxModelException">The configuration or the graph is missing, invalid, from another configuration, or refused by ONNX Runtime.</exception>
    /// <exception cref="ExecutionProviderException">ONNX Runtime's native library, or the CUDA execution provider that was asked for, is missing.</exception>
    public static OnnxVocoder Load(string directory, OnnxOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        options ??= new OnnxOptions();
        options.Validate();
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"The ONNX vocoder folder '{directory}' does not exist.");
        }

        OnnxVocoderConfig config = OnnxVocoderConfig.Load(Path.Combine(directory, OnnxVocoderConfig.FileName));
        string graphPath = Path.Combine(directory, config.Graph);
        InferenceSession session = OnnxSessionFactory.Open(graphPath, options);
        try
        {
            CheckSignature(session, config, graphPath);
            return new OnnxVocoder(session, config, options, graphPath);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Whether <paramref name="directory"/> looks like an exported ONNX vocoder folder (it has a <c>config.json</c> of kind <c>vocos</c>).</summary>
    /// <param name="directory">The folder.</param>
    /// <returns>True when the folder has <c>config.json</c> and no Vocos <c>config.yaml</c>.</returns>
    public static bool IsOnnxFolder(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        return File.Exists(Path.Combine(directory, OnnxVocoderConfig.FileName))
            && !File.Exists(Path.Combine(directory, "config.yaml"));
    }

    /// <inheritdoc />
    public int OutputLength(int frames)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frames);
        return Config.InversePadding == IstftPadding.Center ? HopLength * (frames - 1) : HopLength * frames;
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
    /// <param name="cancellationToken">Cancels the graph call.</param>
    /// <returns>The waveform, <see cref="OutputLength"/> samples.</returns>
    /// <exception cref="ArgumentException">The mel has the wrong number of bands or no frames.</exception>
    /// <exception cref="LeWm.Audio.AudioFormatException">The mel holds NaN or infinity.</exception>
    public float[] Vocode(LogMel mel, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        VocoderInput.Validate(this, [mel]);
        return Vocode([mel], cancellationToken)[0];
    }

    /// <summary>Runs the graph on mels of one length and returns each item's complex spectrum.</summary>
    /// <param name="mels">Validated mels, all with the same number of frames.</param>
    /// <param name="cancellationToken">Terminates the graph call.</param>
    internal ComplexSpectrogram[] Spectra(IReadOnlyList<LogMel> mels, CancellationToken cancellationToken)
    {
        int batch = mels.Count;
        int frames = mels[0].Frames;
        int bands = MelBands;
        var input = new float[(long)batch * bands * frames];
        for (int b = 0; b < batch; b++)
        {
            mels[b].Values.CopyTo(input, (long)b * bands * frames);
        }

        _lifetime.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using OrtValue melValue = OrtValue.CreateTensorValueFromMemory(input, [batch, bands, frames]);
            using var runOptions = new RunOptions();
            using CancellationTokenRegistration registration = cancellationToken.Register(() => runOptions.Terminate = true);
            cancellationToken.ThrowIfCancellationRequested();
            IDisposableReadOnlyCollection<OrtValue> outputs;
            try
            {
                outputs = _session.Run(runOptions, [MelInput], [melValue], [RealOutput, ImaginaryOutput]);
            }
            catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }

            using (outputs)
            {
                int bins = Config.Bins;
                int perItem = bins * frames;
                ReadOnlySpan<float> real = outputs[0].GetTensorDataAsSpan<float>();
                ReadOnlySpan<float> imaginary = outputs[1].GetTensorDataAsSpan<float>();
                if (real.Length != batch * perItem || imaginary.Length != real.Length)
                {
                    throw new OnnxModelException(
                        $"The graph '{GraphPath}' returned {real.Length} and {imaginary.Length} values for a [{batch}, {bands}, {frames}] mel; expected [{batch}, {bins}, {frames}] = {batch * perItem} each.");
                }

                var spectra = new ComplexSpectrogram[batch];
                for (int b = 0; b < batch; b++)
                {
                    spectra[b] = new ComplexSpectrogram(
                        real.Slice(b * perItem, perItem).ToArray(), imaginary.Slice(b * perItem, perItem).ToArray(), bins, frames);
                }

                return spectra;
            }
        }
        finally
        {
            _lifetime.ExitReadLock();
        }
    }

    private float[][] Vocode(IReadOnlyList<LogMel> mels, CancellationToken cancellationToken)
    {
        var results = new float[mels.Count][];
        foreach (IGrouping<int, int> group in Enumerable.Range(0, mels.Count).GroupBy(i => mels[i].Frames))
        {
            cancellationToken.ThrowIfCancellationRequested();
            int[] items = [.. group];
            ComplexSpectrogram[] spectra = Spectra([.. items.Select(i => mels[i])], cancellationToken);
            for (int b = 0; b < items.Length; b++)
            {
                results[items[b]] = _stft.Inverse(spectra[b], Config.InversePadding);
            }
        }

        return results;
    }

    private static void CheckSignature(InferenceSession session, OnnxVocoderConfig config, string graphPath)
    {
        var problems = new List<string>();
        CheckValue(session.InputMetadata, MelInput, config.MelBands, "n_mels", problems);
        CheckValue(session.OutputMetadata, RealOutput, config.Bins, "n_fft / 2 + 1", problems);
        CheckValue(session.OutputMetadata, ImaginaryOutput, config.Bins, "n_fft / 2 + 1", problems);
        if (problems.Count > 0)
        {
            throw new OnnxModelException(
                $"The graph '{graphPath}' does not match its config.json: {string.Join(" ", problems)} Export the folder again with `lewm export onnx`.");
        }
    }

    private static void CheckValue(IReadOnlyDictionary<string, NodeMetadata> values, string name, int channels, string what, List<string> problems)
    {
        if (!values.TryGetValue(name, out NodeMetadata? metadata))
        {
            problems.Add($"it has no '{name}' value (it has {string.Join(", ", values.Keys)}).");
            return;
        }

        if (metadata.ElementDataType != TensorElementType.Float)
        {
            problems.Add($"'{name}' is {metadata.ElementDataType}, expected float32.");
        }

        int[] dims = metadata.Dimensions;
        if (dims.Length != 3 || dims[1] != channels)
        {
            problems.Add($"'{name}' is [{string.Join(", ", dims)}]; config.json expects [batch, {channels} ({what}), frames].");
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _lifetime.EnterWriteLock();
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _session.Dispose();
        }
        finally
        {
            _lifetime.ExitWriteLock();
        }
    }
}
