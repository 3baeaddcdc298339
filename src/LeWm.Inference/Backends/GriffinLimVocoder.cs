using LeWm.Audio.Dsp;
using LeWm.Audio.Mel;

namespace LeWm.Inference;

/// <summary>
/// The vocoder that needs no weights and no native runtime: LeWm.Audio's <see cref="GriffinLim"/> (NNLS mel inversion
/// and fast Griffin-Lim) behind <see cref="IVocoder"/>.
/// </summary>
/// <remarks>
/// Output length is <c>hop × (frames − 1)</c>, as Vocos with <c>center</c> padding. Thread-safe; items of a batch
/// are vocoded one after another, each spread across cores.
/// </remarks>
public sealed class GriffinLimVocoder : IVocoder
{
    private readonly GriffinLim _griffinLim;
    private bool _disposed;

    /// <summary>Creates the vocoder for the Vocos mel-24khz front end (or <paramref name="melOptions"/>).</summary>
    /// <param name="options">Iteration settings; defaults when null.</param>
    /// <param name="melOptions">The front end the mels come from; Vocos mel-24khz when null.</param>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public GriffinLimVocoder(GriffinLimOptions? options = null, MelOptions? melOptions = null)
    {
        _griffinLim = new GriffinLim(melOptions, options);
    }

    /// <inheritdoc />
    public int SampleRate => _griffinLim.MelOptions.SampleRate;

    /// <inheritdoc />
    public int MelBands => _griffinLim.MelOptions.Bands;

    /// <inheritdoc />
    public int HopLength => _griffinLim.MelOptions.HopLength;

    /// <summary>The iteration settings.</summary>
    public GriffinLimOptions Options => _griffinLim.Options;

    /// <inheritdoc />
    public int OutputLength(int frames)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frames);
        return HopLength * (frames - 1);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<float[]>> VocodeAsync(IReadOnlyList<LogMel> mels, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        VocoderInput.Validate(this, mels);
        return Task.Run<IReadOnlyList<float[]>>(
            () => [.. mels.Select(mel => _griffinLim.Synthesize(mel, cancellationToken))],
            cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose() => _disposed = true;
}
