using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LeWm.Inference;

/// <summary>
/// Configures and builds a <see cref="TtsEngine"/>: <c>TtsEngine.CreateBuilder().UseModel(dir).UseVocos(dir).Build()</c>.
/// Backend packages add <c>UseModel</c>, <c>UseVocos</c> and <c>UseOnnx</c> as extension methods in this namespace.
/// </summary>
public sealed class TtsEngineBuilder
{
    private Func<TtsBackendContext, ISpeechModel>? _model;
    private Func<TtsBackendContext, IVocoder>? _vocoder;
    private ComputeDevice _device = ComputeDevice.Cpu;
    private int? _threads;
    private ILoggerFactory _loggerFactory = NullLoggerFactory.Instance;
    private TtsEngineOptions _options = new();

    internal TtsEngineBuilder()
    {
    }

    /// <summary>Sets the acoustic model's factory (backend packages call this from their <c>UseModel</c> extensions).</summary>
    /// <param name="factory">Creates the model when <see cref="Build"/> runs; the engine owns and disposes it.</param>
    /// <returns>This builder.</returns>
    public TtsEngineBuilder UseSpeechModel(Func<TtsBackendContext, ISpeechModel> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        _model = factory;
        return this;
    }

    /// <summary>Uses an already loaded acoustic model (the engine then owns and disposes it).</summary>
    /// <param name="model">The model.</param>
    /// <returns>This builder.</returns>
    public TtsEngineBuilder UseSpeechModel(ISpeechModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return UseSpeechModel(_ => model);
    }

    /// <summary>Sets the vocoder's factory.</summary>
    /// <param name="factory">Creates the vocoder when <see cref="Build"/> runs; the engine owns and disposes it.</param>
    /// <returns>This builder.</returns>
    public TtsEngineBuilder UseVocoder(Func<TtsBackendContext, IVocoder> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        _vocoder = factory;
        return this;
    }

    /// <summary>Uses an already created vocoder (the engine then owns and disposes it).</summary>
    /// <param name="vocoder">The vocoder.</param>
    /// <returns>This builder.</returns>
    public TtsEngineBuilder UseVocoder(IVocoder vocoder)
    {
        ArgumentNullException.ThrowIfNull(vocoder);
        return UseVocoder(_ => vocoder);
    }

    /// <summary>Uses the built-in Griffin-Lim vocoder (no weights, no natives; lower quality than Vocos). This is the default.</summary>
    /// <param name="options">Iterations and momentum; defaults when null.</param>
    /// <returns>This builder.</returns>
    public TtsEngineBuilder UseGriffinLim(LeWm.Audio.Dsp.GriffinLimOptions? options = null) =>
        UseVocoder(_ => new GriffinLimVocoder(options));

    /// <summary>Runs the backends on the CPU (the default).</summary>
    /// <param name="threads">Intra-op threads; null keeps the runtime's default.</param>
    /// <returns>This builder.</returns>
    public TtsEngineBuilder OnCpu(int? threads = null)
    {
        if (threads is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(threads), threads, "Threads must be at least 1.");
        }

        _device = ComputeDevice.Cpu;
        _threads = threads;
        return this;
    }

    /// <summary>Runs the backends on CUDA device <paramref name="deviceId"/> (the application supplies the backend's CUDA runtime).</summary>
    /// <param name="deviceId">The device ordinal.</param>
    /// <returns>This builder.</returns>
    public TtsEngineBuilder OnCuda(int deviceId = 0)
    {
        _device = ComputeDevice.Cuda(deviceId);
        return this;
    }

    /// <summary>Sets batching: how many requests decode together and how long a request waits for company.</summary>
    /// <param name="maxBatchSize">The most sequences per batch.</param>
    /// <param name="maxWait">The longest wait for a batch to fill; null keeps the current setting.</param>
    /// <returns>This builder.</returns>
    public TtsEngineBuilder WithBatching(int maxBatchSize, TimeSpan? maxWait = null)
    {
        _options = _options with { MaxBatchSize = maxBatchSize, MaxBatchWait = maxWait ?? _options.MaxBatchWait };
        return this;
    }

    /// <summary>Sets the speaker used when a request names none (<see cref="TtsEngineOptions.DefaultSpeaker"/>).</summary>
    /// <param name="speaker">The speaker id, zero or more; null passes no speaker (a single-speaker model).</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="speaker"/> is negative.</exception>
    /// <remarks><see cref="Build"/> checks the id against the model's speakers. A later <see cref="WithOptions"/> replaces it.</remarks>
    public TtsEngineBuilder WithDefaultSpeaker(int? speaker)
    {
        if (speaker is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(speaker), speaker, "The default speaker must be zero or more.");
        }

        _options = _options with { DefaultSpeaker = speaker };
        return this;
    }

    /// <summary>Replaces the engine options wholesale.</summary>
    /// <param name="options">The options.</param>
    /// <returns>This builder.</returns>
    public TtsEngineBuilder WithOptions(TtsEngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        return this;
    }

    /// <summary>Sets where the engine and backends log.</summary>
    /// <param name="loggerFactory">The logger factory.</param>
    /// <returns>This builder.</returns>
    public TtsEngineBuilder WithLogging(ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _loggerFactory = loggerFactory;
        return this;
    }

    /// <summary>Creates the backends and the engine.</summary>
    /// <returns>The engine; dispose it to free the backends.</returns>
    /// <exception cref="InvalidOperationException">No model was configured.</exception>
    /// <exception cref="ArgumentException">The options are invalid, or <see cref="TtsEngineOptions.DefaultSpeaker"/> is not one of the model's speakers.</exception>
    /// <exception cref="LeWm.Audio.LeWmException">The vocoder does not fit the model (sample rate, bands or hop).</exception>
    public TtsEngine Build()
    {
        if (_model is null)
        {
            throw new InvalidOperationException(
                "No acoustic model: call UseModel(dir) (package LeWm.Model), UseOnnx(dir) (LeWm.Onnx) or UseDefaultVoice() (LeWm.Voices.Hindi).");
        }

        _options.Validate();
        var context = new TtsBackendContext(_device, _threads, _loggerFactory);
        ISpeechModel model = _model(context);
        IVocoder? vocoder = null;
        try
        {
            vocoder = (_vocoder ?? (_ => new GriffinLimVocoder()))(context);
            return new TtsEngine(model, vocoder, _options, _loggerFactory.CreateLogger<TtsEngine>());
        }
        catch
        {
            vocoder?.Dispose();
            model.Dispose();
            throw;
        }
    }
}
