using LeWm.Audio.Wav;

namespace LeWm.Inference;

/// <summary>How one text is spoken. Every property has a sensible default; <c>new SynthesisOptions()</c> is the engine's default voice.</summary>
public sealed record SynthesisOptions
{
    /// <summary>
    /// Gets the speaker id of a multi-speaker model; null uses the engine's <see cref="TtsEngineOptions.DefaultSpeaker"/>
    /// (none unless set, which suits a single-speaker model).
    /// </summary>
    public int? Speaker { get; init; }

    /// <summary>Gets a voice prompt whose latents prefix generation, so the speech continues in that voice; null for none.</summary>
    public VoicePrompt? VoicePrompt { get; init; }

    /// <summary>
    /// Gets the standard deviation of Gaussian noise added to each generated latent before it is fed back; 0 is
    /// deterministic greedy decoding. Null (the default) uses the model's own recommendation,
    /// <see cref="SpeechModelInfo.DefaultTemperature"/> (0 unless its checkpoint sets <c>sampling_temperature</c>; the
    /// shipped Hindi voice does). Values around 0.1–0.3 vary prosody. Range 0–<see cref="MaxTemperature"/>.
    /// </summary>
    public double? Temperature { get; init; }

    /// <summary>The highest sampling temperature a request, a checkpoint's <c>sampling_temperature</c> or the CLI accepts.</summary>
    public const double MaxTemperature = 10;

    /// <summary>
    /// Gets the seed of the sampling noise when the temperature is above 0; null uses seed 0, so the same text and
    /// options give the same audio by default (cacheable, testable). Pass different seeds to vary the rendering.
    /// </summary>
    public int? Seed { get; init; }

    /// <summary>Gets the speaking rate: 1 is the model's pace, 1.25 speaks 25 % faster (a length scale on the latents). Range 0.25–4.</summary>
    public double Speed { get; init; } = 1.0;

    /// <summary>
    /// Gets the stop head's probability at which speech ends: generation stops at the first frame whose stop
    /// probability exceeds it. Default 0.5; a lower value ends speech earlier on a model whose stop head is
    /// under-confident (<c>lewm eval --stop-threshold</c> measures the effect on duration). Range (0, 1).
    /// </summary>
    public double StopThreshold { get; init; } = 0.5;

    /// <summary>
    /// Gets an exact number of latent frames to generate, ignoring the stop head (benchmarks and tests); null (the
    /// default) stops when the stop head fires or at the length cap.
    /// </summary>
    public int? ExactLatentFrames { get; init; }

    /// <summary>Gets the output sample rate: null keeps the model's (24 kHz); 8 000, 16 000, 22 050, 44 100 or 48 000 resample.</summary>
    public int? OutputSampleRate { get; init; }

    /// <summary>Gets whether leading and trailing silence is trimmed (default false).</summary>
    public bool TrimSilence { get; init; }

    /// <summary>Gets a loudness target in dBFS (RMS, peak-limited to −1 dBFS), e.g. −20; null (default) leaves the level as generated.</summary>
    public double? NormalizeLoudnessDbfs { get; init; }

    /// <summary>Gets the pause inserted where long text, split into several runs, is joined (default 250 ms).</summary>
    public TimeSpan SentencePause { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Gets the sample format used by <see cref="SpeechResult.WriteWav(string)"/> (default 16-bit PCM).</summary>
    public WavSampleFormat WavFormat { get; init; } = WavSampleFormat.Pcm16;

    /// <summary>Checks every value and throws one exception listing all problems.</summary>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        if (Temperature is double temperature && !(temperature >= 0 && temperature <= MaxTemperature))
        {
            problems.Add($"Temperature must be in [0, {MaxTemperature}] (got {Temperature}).");
        }

        if (!double.IsFinite(Speed) || Speed < 0.25 || Speed > 4)
        {
            problems.Add($"Speed must be in [0.25, 4] (got {Speed}).");
        }

        if (!(StopThreshold > 0 && StopThreshold < 1))
        {
            problems.Add($"StopThreshold must be in (0, 1) (got {StopThreshold}).");
        }

        if (ExactLatentFrames is < 1)
        {
            problems.Add($"ExactLatentFrames must be at least 1 (got {ExactLatentFrames}).");
        }

        if (OutputSampleRate is int rate && !SupportedOutputRates.Contains(rate))
        {
            problems.Add($"OutputSampleRate must be one of {string.Join(", ", SupportedOutputRates)} (got {rate}).");
        }

        if (NormalizeLoudnessDbfs is double target && (!double.IsFinite(target) || target > 0 || target < -70))
        {
            problems.Add($"NormalizeLoudnessDbfs must be in [−70, 0] dBFS (got {target}).");
        }

        if (SentencePause < TimeSpan.Zero || SentencePause > TimeSpan.FromSeconds(10))
        {
            problems.Add($"SentencePause must be between 0 and 10 s (got {SentencePause}).");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid synthesis options: " + string.Join(" ", problems));
        }
    }

    /// <summary>Gets the output sample rates the engine resamples to.</summary>
    public static IReadOnlyList<int> SupportedOutputRates { get; } = [8_000, 16_000, 22_050, 24_000, 44_100, 48_000];
}
