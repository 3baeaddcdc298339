using LeWm.Audio;
using LeWm.Audio.Mel;

namespace LeWm.Inference;

/// <summary>The argument checks every <see cref="IVocoder"/> applies to its input, in one place.</summary>
public static class VocoderInput
{
    /// <summary>
    /// Throws when <paramref name="mels"/> is not a valid batch for <paramref name="vocoder"/>: empty, a null item,
    /// the wrong band count, no frames, or a non-finite value (the message names the item and the position).
    /// </summary>
    /// <param name="vocoder">The vocoder that will run the batch.</param>
    /// <param name="mels">The batch.</param>
    /// <exception cref="ArgumentException">The batch is empty, or an item is null, has the wrong band count or no frames.</exception>
    /// <exception cref="AudioFormatException">An item holds NaN or infinity.</exception>
    public static void Validate(IVocoder vocoder, IReadOnlyList<LogMel> mels)
    {
        ArgumentNullException.ThrowIfNull(vocoder);
        ArgumentNullException.ThrowIfNull(mels);
        if (mels.Count == 0)
        {
            throw new ArgumentException("The batch of mels is empty.", nameof(mels));
        }

        for (int i = 0; i < mels.Count; i++)
        {
            LogMel mel = mels[i] ?? throw new ArgumentException($"Mel {i} of the batch is null.", nameof(mels));
            if (mel.Bands != vocoder.MelBands)
            {
                throw new ArgumentException($"Mel {i} of the batch has {mel.Bands} bands; this vocoder expects {vocoder.MelBands}.", nameof(mels));
            }

            if (mel.Frames == 0)
            {
                throw new ArgumentException($"Mel {i} of the batch has no frames.", nameof(mels));
            }

            int bad = Array.FindIndex(mel.Values, v => !float.IsFinite(v));
            if (bad >= 0)
            {
                throw new AudioFormatException(
                    $"Mel {i} of the batch holds {mel.Values[bad]} at band {bad / mel.Frames}, frame {bad % mel.Frames}; a mel must be finite.");
            }
        }
    }
}
