using LeWm.Audio;
using LeWm.Audio.IO;
using LeWm.Audio.Mel;
using LeWm.Audio.Wav;
using LeWm.Inference;

namespace LeWm.Cli.Commands;

/// <summary>
/// The shared input and output of <c>lewm reconstruct</c> and <c>lewm predict</c>: a WAV or mel <c>.npy</c> in, a
/// mel <c>.npy</c> or vocoded <c>.wav</c> out, through the public <see cref="ISpeechModel"/> seam (the engine's
/// diagnostics return audio only; these commands also write the mel).
/// </summary>
internal static class AutoencoderRun
{
    /// <summary>Checks that the output is a <c>.wav</c> or <c>.npy</c> file.</summary>
    /// <exception cref="UsageException">It is neither.</exception>
    public static void CheckOutput(FileInfo target)
    {
        if (!target.Name.EndsWith(".wav", StringComparison.OrdinalIgnoreCase) && !target.Name.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
        {
            throw new UsageException($"The output '{target}' must be a .npy (mel) or .wav (audio) file.");
        }
    }

    /// <summary>Reads the input as a log-mel: a WAV file is resampled to the model's rate and analysed; a <c>.npy</c> is a mel already.</summary>
    /// <exception cref="UsageException">The file is neither <c>.wav</c> nor <c>.npy</c>, or the mel does not fit the model.</exception>
    public static LogMel ReadInput(FileInfo source, SpeechModelInfo model)
    {
        if (!source.Exists)
        {
            throw new FileNotFoundException($"The input '{source.FullName}' does not exist.", source.FullName);
        }

        LogMel mel;
        if (source.Name.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
        {
            mel = VocodeCommand.ReadMel(source.FullName);
            if (mel.Bands != model.MelBands)
            {
                throw new UsageException($"'{source.FullName}' has {mel.Bands} mel bands; the model expects {model.MelBands}.");
            }
        }
        else if (source.Name.EndsWith(".wav", StringComparison.OrdinalIgnoreCase))
        {
            AudioClip clip = WavReader.Read(source.FullName).ResampleTo(model.SampleRate);
            var analysis = new MelSpectrogram(new MelOptions { SampleRate = model.SampleRate, Bands = model.MelBands, HopLength = model.HopLength });
            if (clip.Length <= analysis.Options.FftSize / 2)
            {
                throw new AudioFormatException($"'{source.FullName}' is {clip.Duration.TotalMilliseconds:0.#} ms long; too short for one analysis window.");
            }

            mel = analysis.Compute(clip);
        }
        else
        {
            throw new UsageException($"The input '{source}' must be a .wav (audio) or .npy (mel [bands, T]) file.");
        }

        if (mel.Frames > model.MaxMelFrames)
        {
            throw new UsageException(
                $"'{source.FullName}' is {mel.Frames} mel frames ({mel.Frames * (double)model.HopLength / model.SampleRate:0.#} s); the model encodes at most {model.MaxMelFrames}.");
        }

        return mel;
    }

    /// <summary>Encodes a mel into latents (the encoder's mean).</summary>
    public static LatentFrames Encode(ISpeechModel model, LogMel mel, CancellationToken cancellationToken) =>
        model.EncodeAudio([mel], cancellationToken)[0];

    /// <summary>Decodes the latents and writes the mel (<c>.npy</c>) or the vocoded audio (<c>.wav</c>); returns the JSON fields.</summary>
    public static async Task<(string Key, object Value)[]> WriteAsync(
        ISpeechModel model, LatentFrames latents, FileInfo target, string vocoderArgument, bool asFloat, CancellationToken cancellationToken)
    {
        LogMel mel = model.DecodeLatents([latents], cancellationToken)[0];
        if (target.Name.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
        {
            NpyFile.Write(target.FullName, mel.Values, mel.Bands, mel.Frames);
            return [("output", target.FullName), ("latent_frames", latents.Frames), ("bands", mel.Bands), ("frames", mel.Frames)];
        }

        using IVocoder vocoder = VocoderFactory.Create(vocoderArgument);
        if (vocoder.SampleRate != model.Info.SampleRate || vocoder.MelBands != model.Info.MelBands || vocoder.HopLength != model.Info.HopLength)
        {
            throw new UsageException(
                $"The vocoder ({vocoder.SampleRate} Hz, {vocoder.MelBands} bands, hop {vocoder.HopLength}) does not fit the model ({model.Info.SampleRate} Hz, {model.Info.MelBands} bands, hop {model.Info.HopLength}).");
        }

        float[] audio = (await vocoder.VocodeAsync([mel], cancellationToken).ConfigureAwait(false))[0];
        WavWriter.Write(target.FullName, audio, vocoder.SampleRate, asFloat ? WavSampleFormat.IeeeFloat32 : WavSampleFormat.Pcm16);
        return
        [
            ("output", target.FullName), ("latent_frames", latents.Frames), ("bands", mel.Bands), ("frames", mel.Frames),
            ("samples", audio.Length), ("sample_rate", vocoder.SampleRate), ("audio_seconds", (double)audio.Length / vocoder.SampleRate),
        ];
    }

    /// <summary>Prints the result: the JSON object with <c>--json</c>, otherwise one sentence.</summary>
    public static void Report(TextWriter output, bool json, string verb, (string Key, object Value)[] fields)
    {
        if (json)
        {
            output.WriteLine(JsonLine.Of(fields));
            return;
        }

        var values = fields.ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);
        string what = values.TryGetValue("audio_seconds", out object? seconds)
            ? $"{(double)seconds:0.###} s at {values["sample_rate"]} Hz"
            : $"[{values["bands"]}, {values["frames"]}] log-mel";
        output.WriteLine($"Wrote {values["output"]}: {what}, {verb} from {values["latent_frames"]} latent frames.");
    }
}
